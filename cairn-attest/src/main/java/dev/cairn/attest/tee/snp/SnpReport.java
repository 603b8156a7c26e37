package dev.cairn.attest.tee.snp;

import dev.cairn.attest.tee.HardwareEvidence;
import dev.cairn.attest.tee.MalformedEvidenceException;
import dev.cairn.attest.tee.TeeType;
import dev.cairn.attest.tee.snp.internal.LeReader;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.SequencedMap;
import org.jspecify.annotations.Nullable;

/**
 * An AMD SEV-SNP ATTESTATION_REPORT (SEV-SNP ABI specification, "ATTESTATION_REPORT Structure"),
 * versions 2 to 5: 1184 bytes, little-endian, signed by the chip's VCEK (or a cloud provider's
 * VLEK) over bytes 0x000-0x29F. Made only from bytes that {@link #parse} accepted: every field is
 * in bounds, reserved ranges are zero, the version is known.
 *
 * <p>Version 3 adds the CPUID family, model and stepping at 0x188 ({@link #cpuid()}); the later
 * versions' launch and current mitigation vectors (0x1F8, 0x200) read as zero in earlier ones.
 *
 * @param raw the exact report bytes
 */
public record SnpReport(byte[] raw) implements HardwareEvidence {
  /** The report's size in bytes (0x4A0). */
  public static final int SIZE = 0x4A0;

  /** The signed part ends here: the signature covers bytes {@code [0, SIGNED_LENGTH)}. */
  public static final int SIGNED_LENGTH = 0x2A0;

  /** SIGNATURE_ALGO 1: ECDSA P-384 with SHA-384, the only one the specification defines. */
  public static final int ECDSA_P384_SHA384 = 1;

  static final String WHAT = "SEV-SNP attestation report";
  static final int MIN_VERSION = 2;
  static final int MAX_VERSION = 5;

  /** Which key signed the report (SIGNING_KEY, bits 2-4 of offset 0x048). */
  public enum SigningKey {
    VCEK,
    VLEK,
    NONE
  }

  /** CPUID_FAM_ID, CPUID_MOD_ID, CPUID_STEP of a version 3 or later report. */
  public record Cpuid(int family, int model, int stepping) {}

  public SnpReport {
    raw = raw.clone();
    try {
      check(raw);
    } catch (MalformedEvidenceException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Reads a report, or names the offset and field where it is malformed. */
  public static SnpReport parse(byte[] blob) throws MalformedEvidenceException {
    check(blob);
    return new SnpReport(blob);
  }

  /** Reads every field in the specification's order, so a short blob fails at its first field. */
  private static void check(byte[] blob) throws MalformedEvidenceException {
    LeReader r = new LeReader(WHAT, blob);
    long version = r.u32(0x000, "VERSION");
    if (version < MIN_VERSION || version > MAX_VERSION) {
      throw r.malformed(
          0x000, "VERSION", "version " + version + " is not 2 to 5 (SEV-SNP ABI 1.51 to 1.58)");
    }
    r.u32(0x004, "GUEST_SVN");
    long policy = r.u64(0x008, "POLICY");
    if ((policy >>> SnpGuestPolicy.RESERVED_ONE & 1) == 0) {
      throw r.malformed(0x008, "POLICY", "bit 17 is reserved and must be 1");
    }
    if (policy >>> SnpGuestPolicy.FIRST_UNDEFINED != 0) {
      throw r.malformed(
          0x008, "POLICY", String.format("undefined bits 26-63 set: 0x%016x", policy));
    }
    r.bytes(0x010, 16, "FAMILY_ID");
    r.bytes(0x020, 16, "IMAGE_ID");
    r.u32(0x030, "VMPL");
    long algo = r.u32(0x034, "SIGNATURE_ALGO");
    r.u64(0x038, "CURRENT_TCB");
    r.u64(0x040, "PLATFORM_INFO");
    long signer = r.u32(0x048, "SIGNER_INFO");
    if (signer >>> 5 != 0) {
      throw r.malformed(
          0x048, "SIGNER_INFO", String.format("reserved bits 5-31 set: 0x%x", signer));
    }
    long key = signer >>> 2 & 7;
    if (key >= 2 && key <= 6) {
      throw r.malformed(
          0x048, "SIGNER_INFO", "SIGNING_KEY " + key + " is reserved (0 VCEK, 1 VLEK, 7 none)");
    }
    r.zero(0x04C, 0x050, "reserved");
    r.bytes(0x050, 64, "REPORT_DATA");
    r.bytes(0x090, 48, "MEASUREMENT");
    r.bytes(0x0C0, 32, "HOST_DATA");
    r.bytes(0x0E0, 48, "ID_KEY_DIGEST");
    r.bytes(0x110, 48, "AUTHOR_KEY_DIGEST");
    r.bytes(0x140, 32, "REPORT_ID");
    r.bytes(0x160, 32, "REPORT_ID_MA");
    r.u64(0x180, "REPORTED_TCB");
    int reservedFrom = 0x188;
    if (version >= 3) {
      r.u8(0x188, "CPUID_FAM_ID");
      r.u8(0x189, "CPUID_MOD_ID");
      r.u8(0x18A, "CPUID_STEP");
      reservedFrom = 0x18B;
    }
    r.zero(reservedFrom, 0x1A0, "reserved");
    r.bytes(0x1A0, 64, "CHIP_ID");
    r.u64(0x1E0, "COMMITTED_TCB");
    r.u8(0x1E8, "CURRENT_BUILD");
    r.u8(0x1E9, "CURRENT_MINOR");
    r.u8(0x1EA, "CURRENT_MAJOR");
    r.zero(0x1EB, 0x1EC, "reserved");
    r.u8(0x1EC, "COMMITTED_BUILD");
    r.u8(0x1ED, "COMMITTED_MINOR");
    r.u8(0x1EE, "COMMITTED_MAJOR");
    r.zero(0x1EF, 0x1F0, "reserved");
    r.u64(0x1F0, "LAUNCH_TCB");
    r.u64(0x1F8, "LAUNCH_MIT_VECTOR");
    r.u64(0x200, "CURRENT_MIT_VECTOR");
    r.zero(0x208, SIGNED_LENGTH, "reserved");
    r.bytes(0x2A0, 72, "SIGNATURE.R");
    r.bytes(0x2E8, 72, "SIGNATURE.S");
    if (algo == ECDSA_P384_SHA384) {
      r.zero(0x330, SIZE, "SIGNATURE reserved");
    } else {
      r.bytes(0x330, SIZE - 0x330, "SIGNATURE");
    }
    if (blob.length != SIZE) {
      throw r.malformed(
          SIZE,
          "end of report",
          (blob.length - SIZE) + " bytes follow the " + SIZE + "-byte report");
    }
  }

  private int u8(int o) {
    return raw[o] & 0xff;
  }

  private long u32(int o) {
    return (raw[o] & 0xffL)
        | (raw[o + 1] & 0xffL) << 8
        | (raw[o + 2] & 0xffL) << 16
        | (raw[o + 3] & 0xffL) << 24;
  }

  private long u64(int o) {
    return u32(o) | u32(o + 4) << 32;
  }

  private byte[] slice(int o, int n) {
    return Arrays.copyOfRange(raw, o, o + n);
  }

  @Override
  public TeeType type() {
    return TeeType.SEV_SNP;
  }

  @Override
  public byte[] raw() {
    return raw.clone();
  }

  public int version() {
    return (int) u32(0x000);
  }

  public long guestSvn() {
    return u32(0x004);
  }

  public SnpGuestPolicy policy() {
    return new SnpGuestPolicy(u64(0x008));
  }

  public byte[] familyId() {
    return slice(0x010, 16);
  }

  public byte[] imageId() {
    return slice(0x020, 16);
  }

  public long vmpl() {
    return u32(0x030);
  }

  public long signatureAlgo() {
    return u32(0x034);
  }

  public SnpTcb currentTcb() {
    return new SnpTcb(u64(0x038));
  }

  public long platformInfo() {
    return u64(0x040);
  }

  /** AUTHOR_KEY_EN: the ID block was signed by an author key too. */
  public boolean authorKeyEn() {
    return (raw[0x048] & 1) != 0;
  }

  /** MASK_CHIP_KEY: the host chose to zero {@link #chipId()}. */
  public boolean maskChipKey() {
    return (raw[0x048] & 2) != 0;
  }

  public SigningKey signingKey() {
    return switch ((raw[0x048] >>> 2) & 7) {
      case 0 -> SigningKey.VCEK;
      case 1 -> SigningKey.VLEK;
      default -> SigningKey.NONE;
    };
  }

  @Override
  public byte[] reportData() {
    return slice(0x050, 64);
  }

  public byte[] measurement() {
    return slice(0x090, 48);
  }

  @Override
  public String measurementHex() {
    return HexFormat.of().formatHex(raw, 0x090, 0x0C0);
  }

  public byte[] hostData() {
    return slice(0x0C0, 32);
  }

  public byte[] idKeyDigest() {
    return slice(0x0E0, 48);
  }

  public byte[] authorKeyDigest() {
    return slice(0x110, 48);
  }

  public byte[] reportId() {
    return slice(0x140, 32);
  }

  public byte[] reportIdMa() {
    return slice(0x160, 32);
  }

  public SnpTcb reportedTcb() {
    return new SnpTcb(u64(0x180));
  }

  /** The CPU's family, model and stepping; absent before version 3. */
  public @Nullable Cpuid cpuid() {
    return version() >= 3 ? new Cpuid(u8(0x188), u8(0x189), u8(0x18A)) : null;
  }

  public byte[] chipId() {
    return slice(0x1A0, 64);
  }

  public SnpTcb committedTcb() {
    return new SnpTcb(u64(0x1E0));
  }

  /** The firmware's current version, {@code major.minor.build}. */
  public String currentVersion() {
    return u8(0x1EA) + "." + u8(0x1E9) + "." + u8(0x1E8);
  }

  /** The firmware's committed version, {@code major.minor.build}. */
  public String committedVersion() {
    return u8(0x1EE) + "." + u8(0x1ED) + "." + u8(0x1EC);
  }

  public SnpTcb launchTcb() {
    return new SnpTcb(u64(0x1F0));
  }

  public long launchMitVector() {
    return u64(0x1F8);
  }

  public long currentMitVector() {
    return u64(0x200);
  }

  /** The bytes the signature covers, 0x000-0x29F. */
  public byte[] signedBytes() {
    return slice(0, SIGNED_LENGTH);
  }

  /** SIGNATURE.R: 72 bytes, little-endian, as AMD writes it. */
  public byte[] signatureR() {
    return slice(0x2A0, 72);
  }

  /** SIGNATURE.S: 72 bytes, little-endian. */
  public byte[] signatureS() {
    return slice(0x2E8, 72);
  }

  @Override
  public SequencedMap<String, String> fields() {
    HexFormat hex = HexFormat.of();
    SequencedMap<String, String> m = new LinkedHashMap<>();
    m.put("version", Integer.toString(version()));
    m.put("guest-svn", Long.toString(guestSvn()));
    SnpGuestPolicy p = policy();
    m.put("policy", String.format("%016x", p.raw()));
    m.put("policy-abi-major", Integer.toString(p.abiMajor()));
    m.put("policy-abi-minor", Integer.toString(p.abiMinor()));
    m.put("policy-smt", Boolean.toString(p.smt()));
    m.put("policy-migrate-ma", Boolean.toString(p.migrateMa()));
    m.put("policy-debug", Boolean.toString(p.debug()));
    m.put("policy-single-socket", Boolean.toString(p.singleSocket()));
    m.put("policy-cxl-allow", Boolean.toString(p.cxlAllow()));
    m.put("policy-mem-aes-256-xts", Boolean.toString(p.memAes256Xts()));
    m.put("policy-rapl-dis", Boolean.toString(p.raplDis()));
    m.put("policy-ciphertext-hiding", Boolean.toString(p.ciphertextHiding()));
    m.put("policy-page-swap-disable", Boolean.toString(p.pageSwapDisable()));
    m.put("family-id", hex.formatHex(familyId()));
    m.put("image-id", hex.formatHex(imageId()));
    m.put("vmpl", Long.toString(vmpl()));
    m.put("signature-algo", Long.toString(signatureAlgo()));
    tcb(m, "current-tcb", currentTcb());
    m.put("platform-info", String.format("%016x", platformInfo()));
    m.put("platform-info-smt-enabled", Boolean.toString((platformInfo() & 1) != 0));
    m.put("platform-info-tsme-enabled", Boolean.toString((platformInfo() & 2) != 0));
    m.put("author-key-en", Boolean.toString(authorKeyEn()));
    m.put("mask-chip-key", Boolean.toString(maskChipKey()));
    m.put("signing-key", signingKey().name().toLowerCase(java.util.Locale.ROOT));
    m.put("report-data", hex.formatHex(reportData()));
    m.put("measurement", measurementHex());
    m.put("host-data", hex.formatHex(hostData()));
    m.put("id-key-digest", hex.formatHex(idKeyDigest()));
    m.put("author-key-digest", hex.formatHex(authorKeyDigest()));
    m.put("report-id", hex.formatHex(reportId()));
    m.put("report-id-ma", hex.formatHex(reportIdMa()));
    tcb(m, "reported-tcb", reportedTcb());
    Cpuid c = cpuid();
    if (c != null) {
      m.put("cpuid-fam-id", Integer.toString(c.family()));
      m.put("cpuid-mod-id", Integer.toString(c.model()));
      m.put("cpuid-step", Integer.toString(c.stepping()));
    }
    m.put("chip-id", hex.formatHex(chipId()));
    tcb(m, "committed-tcb", committedTcb());
    m.put("current-version", currentVersion());
    m.put("committed-version", committedVersion());
    tcb(m, "launch-tcb", launchTcb());
    m.put("launch-mit-vector", String.format("%016x", launchMitVector()));
    m.put("current-mit-vector", String.format("%016x", currentMitVector()));
    m.put("signature-r", hex.formatHex(signatureR()));
    m.put("signature-s", hex.formatHex(signatureS()));
    return m;
  }

  private static void tcb(SequencedMap<String, String> m, String name, SnpTcb t) {
    m.put(name, String.format("%016x", t.raw()));
    m.put(name + "-bootloader", Integer.toString(t.bootloader()));
    m.put(name + "-tee", Integer.toString(t.tee()));
    m.put(name + "-snp", Integer.toString(t.snp()));
    m.put(name + "-microcode", Integer.toString(t.microcode()));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SnpReport other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "SnpReport[version=" + version() + ", measurement=" + measurementHex() + "]";
  }
}
