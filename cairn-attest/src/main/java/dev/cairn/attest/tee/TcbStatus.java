package dev.cairn.attest.tee;

/**
 * How current a platform's trusted computing base is, as the vendor's collateral judges it: Intel's
 * TCB statuses (TCB info and QE identity), and for SEV-SNP the reported TCB against the VCEK's.
 */
public enum TcbStatus {
  UP_TO_DATE("UpToDate"),
  SW_HARDENING_NEEDED("SWHardeningNeeded"),
  CONFIGURATION_NEEDED("ConfigurationNeeded"),
  CONFIGURATION_AND_SW_HARDENING_NEEDED("ConfigurationAndSWHardeningNeeded"),
  OUT_OF_DATE("OutOfDate"),
  OUT_OF_DATE_CONFIGURATION_NEEDED("OutOfDateConfigurationNeeded"),
  REVOKED("Revoked");

  private final String wireName;

  TcbStatus(String wireName) {
    this.wireName = wireName;
  }

  /** Intel's spelling, as in TCB info JSON: {@code UpToDate}, {@code OutOfDate}, ... */
  public String wireName() {
    return wireName;
  }

  /** The status Intel's collateral spells {@code name}. */
  public static TcbStatus parse(String name) {
    for (TcbStatus s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("not a TCB status: " + name);
  }
}
