package dev.cairn.attest.tee.snp;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.tee.MalformedEvidenceException;
import dev.cairn.attest.tee.snp.internal.LeReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What verifies an SEV-SNP report besides AMD's pinned roots: the endorsement key's certificate
 * (the chip's VCEK, or a cloud provider's VLEK; DER or PEM) and, optionally, the ASK/ASVK and ARK
 * above it (AMD's KDS {@code cert_chain}, PEM). Without a chain the pinned ASKs of Milan, Genoa and
 * Turin are used. An ARK in the chain is only accepted when it is one of the trusted roots.
 *
 * @param endorsementKey the VCEK or VLEK certificate, DER or PEM
 * @param chain further certificates, each DER or PEM (one PEM blob may hold several)
 */
public record SnpCollateral(byte[] endorsementKey, List<byte[]> chain) {
  /** GUIDs of the GHCB certificate table (extended guest request, configfs-tsm's auxblob). */
  static final String VCEK_GUID = "63da758de6644564adc5f4b93be8accd";

  static final String VLEK_GUID = "a8074bc2a25a483eaae639c045a0b8a1";
  static final String ASK_GUID = "4ab7b379bbac4fe4a02f05aef327c782";
  static final String ARK_GUID = "c0b406a4a803495297433fb6014cd0ae";

  /** Names {@link #fromDirectory} looks for, in order. */
  static final List<String> ENDORSEMENT_FILES =
      List.of("vcek.der", "vcek.pem", "vcek.crt", "vcek.cer", "vlek.der", "vlek.pem", "vlek.crt");

  static final List<String> CHAIN_FILES =
      List.of(
          "cert_chain.pem",
          "ask_ark.pem",
          "ask_ark_milan.pem",
          "ask_ark_genoa.pem",
          "ask_ark_turin.pem",
          "ask.pem",
          "ark.pem");

  public SnpCollateral {
    endorsementKey = endorsementKey.clone();
    chain = chain.stream().map(byte[]::clone).toList();
  }

  @Override
  public byte[] endorsementKey() {
    return endorsementKey.clone();
  }

  @Override
  public List<byte[]> chain() {
    return chain.stream().map(byte[]::clone).toList();
  }

  /** Only the endorsement key's certificate: the pinned ASK and ARK complete the chain. */
  public static SnpCollateral of(byte[] endorsementKey) {
    return new SnpCollateral(endorsementKey, List.of());
  }

  /**
   * Reads a collateral directory: the endorsement key from the first of {@code vcek.der, vcek.pem,
   * vcek.crt, vcek.cer, vlek.der, vlek.pem, vlek.crt}, and every present one of {@code
   * cert_chain.pem, ask_ark.pem, ask_ark_<product>.pem, ask.pem, ark.pem} as the chain.
   */
  public static SnpCollateral fromDirectory(Path dir) throws AttestationException {
    try {
      byte[] ek = null;
      for (String n : ENDORSEMENT_FILES) {
        Path p = dir.resolve(n);
        if (Files.isRegularFile(p)) {
          ek = Files.readAllBytes(p);
          break;
        }
      }
      if (ek == null) {
        throw new AttestationException(
            dir + ": no VCEK or VLEK certificate (" + String.join(", ", ENDORSEMENT_FILES) + ")",
            "put the chip's VCEK from AMD's KDS (or the cloud's VLEK) into the collateral directory");
      }
      List<byte[]> chain = new ArrayList<>();
      for (String n : CHAIN_FILES) {
        Path p = dir.resolve(n);
        if (Files.isRegularFile(p)) {
          chain.add(Files.readAllBytes(p));
        }
      }
      return new SnpCollateral(ek, chain);
    } catch (IOException e) {
      throw new AttestationException(
          dir + ": cannot read the collateral: " + e.getMessage(), "check the directory", e);
    }
  }

  /**
   * Reads the GHCB certificate table an extended guest request returns (Linux configfs-tsm's {@code
   * auxblob} on SEV-SNP): entries of a 16-byte GUID, a 32-bit offset and a 32-bit length, ended by
   * an all-zero entry; the VCEK (or VLEK), ASK and ARK entries are taken, others ignored.
   */
  public static SnpCollateral fromCertTable(byte[] table) throws MalformedEvidenceException {
    String what = "SEV-SNP certificate table";
    LeReader r = new LeReader(what, table);
    HexFormat hex = HexFormat.of();
    byte[] ek = null;
    List<byte[]> chain = new ArrayList<>();
    for (int i = 0; ; i++) {
      int at = i * 24;
      String entry = "entry " + i;
      byte[] guid = r.bytes(at, 16, entry + " GUID");
      long offset = r.u32(at + 16, entry + " offset");
      long length = r.u32(at + 20, entry + " length");
      String g = hex.formatHex(guid);
      if (g.equals("0".repeat(32)) && offset == 0 && length == 0) {
        break;
      }
      if (offset + length > table.length) {
        throw r.malformed(
            at + 16,
            entry + " offset",
            "certificate at "
                + offset
                + "+"
                + length
                + " ends past the table's "
                + table.length
                + " bytes");
      }
      byte[] cert = r.bytes((int) offset, (int) length, entry + " certificate");
      switch (g) {
        case VCEK_GUID, VLEK_GUID -> ek = cert;
        case ASK_GUID, ARK_GUID -> chain.add(cert);
        default -> {}
      }
    }
    if (ek == null) {
      throw r.malformed(0, "VCEK entry", "the table has no VCEK or VLEK certificate");
    }
    return new SnpCollateral(ek, chain);
  }
}
