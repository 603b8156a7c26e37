package dev.cairn.deploy.duties;

import dev.cairn.core.Keys;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/** Checks actions against the roster. */
public final class Duties {
  /** How old (or how far ahead of this clock) a signed request may be. */
  public static final Duration REQUEST_WINDOW = Duration.ofMinutes(10);

  private Duties() {}

  /**
   * The roster's member {@code identity}, if it holds {@code duty}; else a one-line refusal that
   * names who lacks which duty.
   */
  public static Roster.Member require(Roster roster, String identity, Duty duty)
      throws DutyException {
    Roster.Member m =
        roster
            .member(identity)
            .orElseThrow(
                () ->
                    new DutyException(
                        "identity " + identity + " is not in the roster, so it holds no " + duty,
                        "ask a roster keeper to grant " + identity + " the " + duty + " duty"));
    if (!m.holds(duty)) {
      throw new DutyException(
          "identity " + identity + " lacks the " + duty + " duty (holds " + m.dutiesText() + ")",
          "ask a roster keeper to grant "
              + identity
              + " the "
              + duty
              + " duty, or ask someone who holds it");
    }
    return m;
  }

  /**
   * The member who signed {@code action}, if the signature is by the key the roster lists for the
   * requesting identity, the request is fresh at {@code now}, and the identity holds {@code duty}.
   */
  public static Roster.Member requireSigned(
      Roster roster, SignedAction action, Duty duty, Instant now) throws DutyException {
    ActionRequest r = action.request();
    Roster.Member m =
        roster
            .byKeyId(action.keyId())
            .orElseThrow(
                () ->
                    new DutyException(
                        "the request's key " + action.keyId() + " is not in the roster",
                        "grant the identity its duty in the roster with its public key"));
    if (!m.name().equals(r.identity())) {
      throw new DutyException(
          "the request names " + r.identity() + " but is signed by " + m.name() + "'s key",
          "sign the request with the named identity's own Cairn home");
    }
    if (!verify(m.identity(), r.signedBytes(), action.signature())) {
      throw new DutyException(
          "the signature by " + m.name() + " does not match the request (altered after signing?)",
          "sign the request again");
    }
    if (r.at().isBefore(now.minus(REQUEST_WINDOW)) || r.at().isAfter(now.plus(REQUEST_WINDOW))) {
      throw new DutyException(
          "the request by "
              + m.name()
              + " was signed at "
              + r.at()
              + ", outside "
              + REQUEST_WINDOW.toMinutes()
              + " minutes of now ("
              + now
              + ")",
          "sign a new request (and check both clocks)");
    }
    return require(roster, m.name(), duty);
  }

  static boolean verify(Identity id, byte[] message, String signatureBase64) {
    try {
      return Keys.verifyEd25519(id.key(), message, Base64.getDecoder().decode(signatureBase64));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
