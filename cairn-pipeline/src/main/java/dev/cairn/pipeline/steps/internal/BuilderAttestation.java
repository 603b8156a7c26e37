package dev.cairn.pipeline.steps.internal;

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
import org.jspecify.annotations.Nullable;

/**
 * The builder's attestation policy: session {@code cairn-build} with service {@code builder}, which
 * alone receives the ECDSA P-256 {@code builder-key}. The embedded service in Cairn's home (the
 * local case, simulation TEE, as certify's) approves this build's builder; a team's service holds
 * the same session with the measurements it approves.
 */
public final class BuilderAttestation {
  public static final String SESSION = "cairn-build";
  public static final String SERVICE = "builder";
  public static final String KEY_SECRET = "builder-key";

  /** The builder's command in the policy: the key is injected by name, never passed otherwise. */
  public static final List<String> COMMAND =
      List.of("cairn-builder-workload", "--signing-key", "$$CAIRN::" + KEY_SECRET + "$$");

  /** What the TEE measures as the builder's command. */
  public static final List<String> WORKLOAD_COMMAND = List.of("cairn-builder-workload");

  /** The builder runs no check pack: the digest of nothing stands in the launch's measurement. */
  public static final Digest NO_CHECK_PACK = Digest.sha256(new byte[0]);

  private BuilderAttestation() {}

  /**
   * Opens the embedded service; when {@code measurement} is not yet approved, installs the next
   * policy version (naming its predecessor) and tells {@code approved} its version.
   */
  public static AttestationService open(
      CairnHome home, TeeProvider tee, Clock clock, Digest measurement, IntConsumer approved)
      throws AttestationException {
    AttestationService s =
        AttestationService.open(home.attestation(), List.of(tee.platformKey()), clock);
    Policy cur = s.policy(SESSION).orElse(null);
    if (cur == null
        || !cur.service(SERVICE).map(x -> x.measurements().contains(measurement)).orElse(false)) {
      Policy next =
          policy(
              cur == null ? 1 : cur.version() + 1, cur == null ? null : cur.digest(), measurement);
      s.install(next);
      approved.accept(next.version());
    }
    return s;
  }

  /** The policy approving {@code measurement} for the builder. */
  public static Policy policy(int version, @Nullable Digest predecessor, Digest measurement) {
    return new Policy(
        SESSION,
        version,
        predecessor,
        List.of(new Policy.Service(SERVICE, Set.of(measurement), COMMAND, Map.of())),
        List.of(new Policy.SecretSpec(KEY_SECRET, Policy.Kind.P256, 32, null, Set.of(SERVICE))));
  }
}
