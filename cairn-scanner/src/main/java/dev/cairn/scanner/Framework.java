package dev.cairn.scanner;

import java.util.Locale;
import java.util.Optional;

/**
 * A compliance framework that built-in checks are labelled with. A check belongs to a framework
 * when its labels say so (see {@link Check#frameworks()}); {@code pss-restricted} includes every
 * {@code pss-baseline} check, as the restricted profile includes the baseline one.
 */
public enum Framework {
  PSS_BASELINE("pss-baseline", "Pod Security Standards, baseline profile"),
  PSS_RESTRICTED("pss-restricted", "Pod Security Standards, restricted profile"),
  NSA_CISA("nsa-cisa", "NSA/CISA Kubernetes Hardening Guidance"),
  MITRE("mitre", "MITRE ATT&CK for containers"),
  CIS("cis", "CIS Kubernetes Benchmark"),
  BEST_PRACTICE("best-practice", "General best practice");

  private final String id;
  private final String title;

  Framework(String id, String title) {
    this.id = id;
    this.title = title;
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  public static Optional<Framework> parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    for (Framework f : values()) {
      if (f.id.equals(t)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
