package dev.cairn.supplychain.enclave;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Policy;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The attestation policy of a confidential workload: one session per workload, its one service
 * {@value #SERVICE} allowed exactly the reference measurements of its pods, and its secrets of kind
 * {@code supplied} released only to that service. Each enclave step installs the next version,
 * naming its predecessor's digest, so the history of what was allowed stays checkable.
 */
public final class WorkloadPolicies {
  /** The service of a workload's session that its attestation agent attests as. */
  public static final String SERVICE = "workload";

  /** The runtime class of a pod in simulation on a test node (handler {@code runc}). */
  public static final String SIMULATION_RUNTIME_CLASS = "cairn-simulation";

  private WorkloadPolicies() {}

  /**
   * The Confidential Containers runtime class for {@code tee}: {@code kata-qemu-tdx}, {@code
   * kata-qemu-snp}, and {@code kata-qemu-coco-dev} for simulation (CoCo's class without TEE).
   */
  public static String defaultRuntimeClass(String tee) {
    return switch (tee.toLowerCase(Locale.ROOT)) {
      case "tdx" -> "kata-qemu-tdx";
      case "sev-snp", "snp" -> "kata-qemu-snp";
      case "sgx", "sgx-dcap" -> "kata-qemu-sgx";
      default -> "kata-qemu-coco-dev";
    };
  }

  /**
   * The session name of the workload {@code name} in {@code namespace}: {@code
   * workload.NAMESPACE.NAME}.
   */
  public static String session(String namespace, String name) {
    return "workload." + namespace + "." + name;
  }

  /**
   * The version after {@code current}: the service {@value #SERVICE} allowed {@code measurements},
   * the secrets {@code secretNames} (kind {@code supplied}) released to it.
   */
  public static Policy next(
      Optional<Policy> current, String session, Set<Digest> measurements, Set<String> secretNames) {
    List<Policy.SecretSpec> secrets = new ArrayList<>();
    for (String s : new java.util.TreeSet<>(secretNames)) {
      secrets.add(new Policy.SecretSpec(s, Policy.Kind.SUPPLIED, 0, null, Set.of(SERVICE)));
    }
    Policy.Service svc = new Policy.Service(SERVICE, measurements, List.of(), Map.of());
    return current
        .map(
            c ->
                new Policy(
                    session, c.version() + 1, c.digest(), List.of(svc), secrets, c.maxValidity()))
        .orElseGet(() -> new Policy(session, 1, null, List.of(svc), secrets));
  }

  /**
   * Installs the next version of the workload's session in {@code service}, unless the installed
   * one already allows exactly these measurements and secrets, and supplies the secrets' values.
   *
   * @return the installed policy (the one already there when nothing changed)
   */
  public static Policy install(
      AttestationService service,
      String session,
      Set<Digest> measurements,
      Map<String, Secret> secrets)
      throws AttestationException {
    Optional<Policy> cur = service.policy(session);
    Policy next = next(cur, session, measurements, new TreeMap<>(secrets).keySet());
    Policy installed;
    if (cur.isPresent() && same(cur.get(), next)) {
      installed = cur.get();
    } else {
      installed = service.install(next);
    }
    for (Map.Entry<String, Secret> e : new TreeMap<>(secrets).entrySet()) {
      service.supply(session, e.getKey(), e.getValue());
    }
    return installed;
  }

  private static boolean same(Policy a, Policy b) {
    return a.services().equals(b.services()) && a.secrets().equals(b.secrets());
  }
}
