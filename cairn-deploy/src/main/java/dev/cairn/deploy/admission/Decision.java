package dev.cairn.deploy.admission;

import java.util.List;

/**
 * What the webhook decided about one object.
 *
 * @param allowed whether the API server may store it
 * @param message the whole message the API server shows ({@code status.message}); for a denial
 *     {@code cairn admission denied KIND NS/NAME: } and the reasons joined by {@code "; "}
 * @param reasons each reason on its own (empty when allowed)
 */
public record Decision(boolean allowed, String message, List<String> reasons) {
  public Decision {
    reasons = List.copyOf(reasons);
    if (!allowed && reasons.isEmpty()) {
      throw new IllegalArgumentException("a denial names its reasons");
    }
  }

  static Decision allow(String message) {
    return new Decision(true, message, List.of());
  }

  static Decision deny(String subject, List<String> reasons) {
    return new Decision(
        false, "cairn admission denied " + subject + ": " + String.join("; ", reasons), reasons);
  }
}
