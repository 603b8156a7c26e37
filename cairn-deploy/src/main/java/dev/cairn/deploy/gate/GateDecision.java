package dev.cairn.deploy.gate;

import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What the gate decided.
 *
 * @param passed the demands that held, e.g. {@code signature}, {@code frameworks}, {@code
 *     certificate}
 * @param refusals every demand that did not hold; empty when the deploy may go ahead
 */
public record GateDecision(List<String> passed, List<Refusal> refusals) {
  public GateDecision {
    passed = List.copyOf(passed);
    refusals = List.copyOf(refusals);
  }

  public boolean allowed() {
    return refusals.isEmpty();
  }

  /** One line for the history: {@code passed: a, b} or {@code refused: reason, reason}. */
  public String summary() {
    if (allowed()) {
      return passed.isEmpty() ? "passed: nothing demanded" : "passed: " + String.join(", ", passed);
    }
    return "refused: "
        + refusals.stream().map(Refusal::reason).distinct().collect(Collectors.joining(", "));
  }

  /**
   * One reason to refuse.
   *
   * @param reason {@code signature}, {@code provenance}, {@code builder}, {@code source}, {@code
   *     registry}, {@code repository}, {@code branch}, {@code frameworks}, {@code certificate}
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
