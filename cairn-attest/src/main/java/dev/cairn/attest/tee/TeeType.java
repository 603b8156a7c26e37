package dev.cairn.attest.tee;

import java.util.Locale;

/** The hardware TEEs whose evidence Cairn verifies. */
public enum TeeType {
  /** Intel SGX, DCAP (ECDSA) quotes. */
  SGX("sgx"),
  /** Intel TDX, DCAP quotes v4 and v5. */
  TDX("tdx"),
  /** AMD SEV-SNP attestation reports. */
  SEV_SNP("sev-snp");

  private final String wireName;

  TeeType(String wireName) {
    this.wireName = wireName;
  }

  /** As written in certificates, provenance and JSON: {@code sgx}, {@code tdx}, {@code sev-snp}. */
  public String wireName() {
    return wireName;
  }

  /** The type written as {@code name} ({@link #wireName()}, any case). */
  public static TeeType parse(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (TeeType t : values()) {
      if (t.wireName.equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException("not a TEE type: " + name + " (sgx, tdx or sev-snp)");
  }
}
