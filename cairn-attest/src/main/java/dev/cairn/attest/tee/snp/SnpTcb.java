package dev.cairn.attest.tee.snp;

/**
 * An SEV-SNP TCB_VERSION: the security patch levels (SPLs) of the platform's firmware and
 * microcode, as Milan and Genoa encode them in 8 bytes (little-endian): byte 0 the PSP bootloader,
 * 1 the PSP OS (TEE), 2-5 reserved, 6 the SNP firmware, 7 the microcode.
 *
 * @param raw the 64-bit value as the report carries it
 */
public record SnpTcb(long raw) {

  public int bootloader() {
    return part(0);
  }

  public int tee() {
    return part(1);
  }

  public int snp() {
    return part(6);
  }

  public int microcode() {
    return part(7);
  }

  /** Byte {@code i} (0 = least significant). */
  public int part(int i) {
    return (int) (raw >>> (8 * i)) & 0xff;
  }

  /** The TCB composed from its parts; {@code reserved} holds bytes 2 to 5. */
  public static SnpTcb of(int bootloader, int tee, int[] reserved, int snp, int microcode) {
    long r = (bootloader & 0xffL) | (tee & 0xffL) << 8;
    for (int i = 0; i < 4 && i < reserved.length; i++) {
      r |= (reserved[i] & 0xffL) << (8 * (i + 2));
    }
    return new SnpTcb(r | (snp & 0xffL) << 48 | (microcode & 0xffL) << 56);
  }

  @Override
  public String toString() {
    return String.format(
        "bootloader=%d tee=%d snp=%d microcode=%d (0x%016x)",
        bootloader(), tee(), snp(), microcode(), raw);
  }
}
