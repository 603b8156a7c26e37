package dev.cairn.deploy.duties;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a person may do. An identity holds any number of duties; Viewer is implied by each. */
public enum Duty {
  /** Push code, see runs. */
  DEV("Dev"),
  /** Checks, waivers, attestation policies, certification, vulnerability policy. */
  SEC("Sec"),
  /** Targets, registries, clusters, deploy approval, rollback. */
  OPS("Ops"),
  /** Read only. */
  VIEWER("Viewer");

  private final String title;

  Duty(String title) {
    this.title = title;
  }

  /** How the duty is written in rosters, messages and on the command line: {@code Ops}. */
  public String title() {
    return title;
  }

  /** The duty named {@code s}, in any case. */
  public static Optional<Duty> parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(d -> d.title.toLowerCase(Locale.ROOT).equals(t))
        .findFirst();
  }

  @Override
  public String toString() {
    return title;
  }
}
