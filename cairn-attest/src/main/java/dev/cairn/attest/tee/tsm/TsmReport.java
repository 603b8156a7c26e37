package dev.cairn.attest.tee.tsm;

import dev.cairn.attest.tee.TeeType;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What Linux configfs-tsm returned for one request.
 *
 * @param provider the kernel's TSM driver, e.g. {@code sev_guest} (AMD SEV-SNP) or {@code
 *     tdx_guest} (Intel TDX)
 * @param generation the entry's write generation when {@code outblob} was read
 * @param outblob the evidence: an SEV-SNP ATTESTATION_REPORT, or a TDX quote
 * @param auxblob supporting data, empty when the provider has none: on SEV-SNP the certificate
 *     table of the extended guest request (VCEK, ASK, ARK), see {@code SnpCollateral.fromCertTable}
 */
public record TsmReport(String provider, long generation, byte[] outblob, byte[] auxblob) {
  public TsmReport {
    outblob = outblob.clone();
    auxblob = auxblob.clone();
  }

  @Override
  public byte[] outblob() {
    return outblob.clone();
  }

  @Override
  public byte[] auxblob() {
    return auxblob.clone();
  }

  /** The TEE behind {@link #provider()}, or null for a provider Cairn does not know. */
  public @Nullable TeeType teeType() {
    return switch (provider.toLowerCase(Locale.ROOT)) {
      case "sev_guest" -> TeeType.SEV_SNP;
      case "tdx_guest" -> TeeType.TDX;
      default -> null;
    };
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TsmReport r
        && provider.equals(r.provider)
        && generation == r.generation
        && Arrays.equals(outblob, r.outblob)
        && Arrays.equals(auxblob, r.auxblob);
  }

  @Override
  public int hashCode() {
    return (provider.hashCode() * 31 + Long.hashCode(generation)) * 31 + Arrays.hashCode(outblob);
  }

  @Override
  public String toString() {
    return "TsmReport[provider="
        + provider
        + ", generation="
        + generation
        + ", outblob="
        + outblob.length
        + " bytes, auxblob="
        + auxblob.length
        + " bytes]";
  }
}
