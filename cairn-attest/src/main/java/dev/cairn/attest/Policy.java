package dev.cairn.attest;

import dev.cairn.core.Digest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An attestation policy session, in the spirit of SCONE CAS: which measured services may run, and
 * which secrets each may receive. Every version after the first names the digest of its
 * predecessor, so a policy can't be replaced silently.
 *
 * @param name session name
 * @param version 1, 2, ...
 * @param predecessor digest of version - 1; null only for version 1
 * @param services the services
 * @param secrets the secrets
 * @param maxValidity the longest lifetime a certificate issued under this policy may have; null:
 *     not stated, {@link #DEFAULT_MAX_VALIDITY} applies (and the policy's digest is what it was
 *     before the field existed)
 */
public record Policy(
    String name,
    int version,
    @Nullable Digest predecessor,
    List<Service> services,
    List<SecretSpec> secrets,
    @Nullable Duration maxValidity) {
  /** The longest certificate lifetime of a policy that does not state one: 90 days. */
  public static final Duration DEFAULT_MAX_VALIDITY = Duration.ofDays(90);

  public Policy {
    services = List.copyOf(services);
    secrets = List.copyOf(secrets);
    if (maxValidity != null && (maxValidity.isNegative() || maxValidity.isZero())) {
      throw new IllegalArgumentException("a maximum lifetime is positive, not " + maxValidity);
    }
  }

  /** A policy that states no maximum lifetime ({@link #DEFAULT_MAX_VALIDITY} applies). */
  public Policy(
      String name,
      int version,
      @Nullable Digest predecessor,
      List<Service> services,
      List<SecretSpec> secrets) {
    this(name, version, predecessor, services, secrets, null);
  }

  /** The longest lifetime a certificate issued under this policy may have. */
  public Duration maxLifetime() {
    return maxValidity != null ? maxValidity : DEFAULT_MAX_VALIDITY;
  }

  /** A measured service: allowed measurements and its launch command and environment. */
  public record Service(
      String name, Set<Digest> measurements, List<String> command, Map<String, String> env) {
    public Service {
      measurements = Set.copyOf(measurements);
      command = List.copyOf(command);
      env = Map.copyOf(env);
    }
  }

  /** How a secret comes to be. */
  public enum Kind {
    ED25519,
    SECP256K1,
    /**
     * An ECDSA P-256 key (cosign's kind; the attested builder's signing key): generated, or
     * supplied with {@link AttestationService#supply}; released as PKCS#8 DER, published as
     * SubjectPublicKeyInfo DER.
     */
    P256,
    RANDOM,
    FILE,
    /**
     * A value that whoever installs the policy hands over with {@link AttestationService#supply}
     * (the pipeline's enclave step: a workload's own secrets); never generated, held in the service
     * and released, like any secret, only to the services the policy names whose measurements
     * match. A release before it was supplied fails.
     */
    SUPPLIED
  }

  /**
   * A secret: generated ({@code ed25519}, {@code secp256k1}, {@code p256}, {@code random}) or
   * supplied from a file.
   */
  public record SecretSpec(
      String name, Kind kind, int size, @Nullable Path file, Set<String> services) {
    public SecretSpec {
      services = Set.copyOf(services);
    }
  }

  public Optional<Service> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** SHA-256 over the canonical JSON of the policy: what a successor must name. */
  public Digest digest() {
    return Digest.sha256(PolicyJson.write(this));
  }
}
