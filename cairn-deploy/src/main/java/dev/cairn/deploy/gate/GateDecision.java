package dev.cairn.deploy.gate;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What the gate decided.
 *
 * @param passed the demands that held, e.g. {@code signature}, {@code frameworks}, {@code
 *     certificate}
 * @param refusals every demand that did not hold; empty when the deploy may go ahead
 * @param lifted the refusals a verified break-glass override lifted (then {@code refusals} is
 *     empty); empty without an override
 * @param override who signed the override that lifted them ({@code ops A, sec B}); null without
 */
public record GateDecision(
    List<String> passed, List<Refusal> refusals, List<Refusal> lifted, @Nullable String override) {
  public GateDecision {
    passed = List.copyOf(passed);
    refusals = List.copyOf(refusals);
    lifted = List.copyOf(lifted);
  }

  public GateDecision(List<String> passed, List<Refusal> refusals) {
    this(passed, refusals, List.of(), null);
  }

  public boolean allowed() {
    return refusals.isEmpty();
  }

  /** The distinct reasons of {@code refusals}, in order. */
  public List<String> reasons() {
    return refusals.stream().map(Refusal::reason).distinct().toList();
  }

  /**
   * One line for the history: {@code passed: a, b}, {@code refused: reason, reason}, or {@code
   * overridden (ops A, sec B): lifted reason; passed: a, b}.
   */
  public String summary() {
    if (!allowed()) {
      return "refused: " + String.join(", ", reasons());
    }
    String p =
        passed.isEmpty() ? "passed: nothing demanded" : "passed: " + String.join(", ", passed);
    if (lifted.isEmpty()) {
      return p;
    }
    return "overridden ("
        + override
        + "): lifted "
        + lifted.stream().map(Refusal::reason).distinct().collect(Collectors.joining(", "))
        + "; "
        + p;
  }

  /**
   * A link or demand as a refusal reason name, as a break-glass override names it: lower case,
   * spaces as {@code -} ({@code ledger record} is {@code ledger-record}).
   */
  public static String reasonName(String link) {
    return link.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-");
  }

  /**
   * One reason to refuse.
   *
   * @param reason {@code signature}, {@code provenance}, {@code builder}, {@code source}, {@code
   *     registry}, {@code trust-root}, {@code repository}, {@code branch}, {@code frameworks},
   *     {@code vulnerabilities.missing}, {@code vulnerabilities.unsigned}, {@code
   *     vulnerabilities.malformed}, {@code vulnerabilities.severity}, {@code vulnerabilities.stale}
   *     ({@link dev.cairn.deploy.VulnPolicy}), {@code certificate.missing}, {@code
   *     certificate.unreadable}, {@code certificate.expired}, {@code certificate.revoked}, {@code
   *     certificate.cluster-identity}, {@code certificate.snapshot}, {@code certificate.LINK} for
   *     another broken link, {@code override}
   * @param subject what it is about: an image, an object, the cluster
   * @param message what does not hold, one line
   * @param hint what to do, phrased to follow "perhaps you should"
   */
  public record Refusal(String reason, String subject, String message, @Nullable String hint) {
    /** {@code reason: subject: message}. */
    public String describe() {
      return reason + ": " + subject + ": " + message;
    }
  }
}
