package dev.cairn.certify.internal;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Policy;
import dev.cairn.attest.TeeProvider;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * The embedded attestation service in Cairn's home, with session {@code cairn-certify}: its policy
 * approves this build's scanner, releasing it the certificate key and the ledger key.
 */
public final class EmbeddedAttestation {
  public static final String SESSION = "cairn-certify";
  public static final String SERVICE = "scanner";
  public static final String SIGNING_SECRET = "certificate-key";
  public static final String LEDGER_SECRET = "ledger-key";

  /** The workload's command: the keys are injected by name, never passed otherwise. */
  public static final List<String> COMMAND =
      List.of(
          "cairn-certify-workload",
          "--signing-key",
          "$$CAIRN::" + SIGNING_SECRET + "$$",
          "--ledger-key",
          "$$CAIRN::" + LEDGER_SECRET + "$$");

  /** What the TEE measures as the workload's command. */
  public static final List<String> WORKLOAD_COMMAND = List.of("cairn-certify-workload");

  private EmbeddedAttestation() {}

  /**
   * Opens the service; when {@code measurement} is not yet approved, installs the next policy
   * version (naming its predecessor) and tells {@code approved} its version.
   */
  public static AttestationService open(
      CairnHome home, TeeProvider tee, Clock clock, Digest measurement, IntConsumer approved)
      throws AttestationException {
    AttestationService s =
        AttestationService.open(home.attestation(), List.of(tee.platformKey()), clock);
    Policy cur = s.policy(SESSION).orElse(null);
    if (cur == null
        || !cur.service(SERVICE).map(x -> x.measurements().contains(measurement)).orElse(false)
        || cur.secrets().stream().noneMatch(x -> x.name().equals(LEDGER_SECRET))) {
      Policy next =
          policy(
              cur == null ? 1 : cur.version() + 1,
              cur == null ? null : cur.digest(),
              measurement,
              cur == null ? null : cur.maxValidity());
      s.install(next);
      approved.accept(next.version());
    }
    return s;
  }

  /**
   * The embedded policy approving {@code measurement}, with the maximum certificate lifetime of its
   * predecessor (null: the default of {@link Policy#DEFAULT_MAX_VALIDITY}, unstated, so the
   * policy's digest is what it was before policies had the field).
   */
  static Policy policy(
      int version,
      @org.jspecify.annotations.Nullable Digest predecessor,
      Digest measurement,
      java.time.@org.jspecify.annotations.Nullable Duration maxValidity) {
    return new Policy(
        SESSION,
        version,
        predecessor,
        List.of(new Policy.Service(SERVICE, Set.of(measurement), COMMAND, Map.of())),
        List.of(
            new Policy.SecretSpec(SIGNING_SECRET, Policy.Kind.ED25519, 32, null, Set.of(SERVICE)),
            new Policy.SecretSpec(LEDGER_SECRET, Policy.Kind.SECP256K1, 32, null, Set.of(SERVICE))),
        maxValidity);
  }

  /**
   * The longest certificate lifetime the embedded policy in {@code home} allows, read without
   * opening the service (nothing is created or approved): the installed policy's, or the default
   * for the first one.
   */
  public static java.time.Duration maxLifetime(CairnHome home) throws AttestationException {
    return AttestationService.installedPolicy(home.attestation(), SESSION)
        .map(Policy::maxLifetime)
        .orElse(Policy.DEFAULT_MAX_VALIDITY);
  }
}
