package dev.cairn.attest.tee.snp;

/**
 * The guest policy the VM was launched with (ATTESTATION_REPORT offset 0x008, the launch's
 * GUEST_POLICY), decoded bit by bit as the SEV-SNP ABI specification defines it.
 *
 * @param raw the 64-bit value
 */
public record SnpGuestPolicy(long raw) {
  static final int SMT = 16;
  static final int RESERVED_ONE = 17;
  static final int MIGRATE_MA = 18;
  static final int DEBUG = 19;
  static final int SINGLE_SOCKET = 20;
  static final int CXL_ALLOW = 21;
  static final int MEM_AES_256_XTS = 22;
  static final int RAPL_DIS = 23;
  static final int CIPHERTEXT_HIDING = 24;
  static final int PAGE_SWAP_DISABLE = 25;

  /** The lowest bit no specification version defines: bits from here to 63 must be zero. */
  static final int FIRST_UNDEFINED = 26;

  private boolean bit(int i) {
    return (raw >>> i & 1) != 0;
  }

  /** Bits 0-7: the lowest ABI minor version the guest runs on. */
  public int abiMinor() {
    return (int) (raw & 0xff);
  }

  /** Bits 8-15: the lowest ABI major version. */
  public int abiMajor() {
    return (int) (raw >>> 8 & 0xff);
  }

  /** Bit 16: simultaneous multithreading allowed. */
  public boolean smt() {
    return bit(SMT);
  }

  /** Bit 18: a migration agent may be associated with the guest. */
  public boolean migrateMa() {
    return bit(MIGRATE_MA);
  }

  /** Bit 19: debugging allowed — the host can decrypt and change the guest's memory. */
  public boolean debug() {
    return bit(DEBUG);
  }

  /** Bit 20: the guest may run on one socket only. */
  public boolean singleSocket() {
    return bit(SINGLE_SOCKET);
  }

  /** Bit 21: CXL may be populated with devices or memory. */
  public boolean cxlAllow() {
    return bit(CXL_ALLOW);
  }

  /** Bit 22: AES-256-XTS required for memory encryption. */
  public boolean memAes256Xts() {
    return bit(MEM_AES_256_XTS);
  }

  /** Bit 23: Running Average Power Limit must be disabled. */
  public boolean raplDis() {
    return bit(RAPL_DIS);
  }

  /** Bit 24: ciphertext hiding for DRAM must be enabled. */
  public boolean ciphertextHiding() {
    return bit(CIPHERTEXT_HIDING);
  }

  /** Bit 25: the guest may not use page move and swap commands. */
  public boolean pageSwapDisable() {
    return bit(PAGE_SWAP_DISABLE);
  }

  @Override
  public String toString() {
    StringBuilder b =
        new StringBuilder(String.format("0x%x abi=%d.%d", raw, abiMajor(), abiMinor()));
    if (smt()) b.append(" smt");
    if (migrateMa()) b.append(" migrate-ma");
    if (debug()) b.append(" debug");
    if (singleSocket()) b.append(" single-socket");
    if (cxlAllow()) b.append(" cxl-allow");
    if (memAes256Xts()) b.append(" mem-aes-256-xts");
    if (raplDis()) b.append(" rapl-dis");
    if (ciphertextHiding()) b.append(" ciphertext-hiding");
    if (pageSwapDisable()) b.append(" page-swap-disable");
    return b.toString();
  }
}
