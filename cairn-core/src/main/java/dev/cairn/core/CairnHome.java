package dev.cairn.core;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The layout of Cairn's home directory, passed as a value to whatever keeps state there (the
 * attestation service, the simulation TEE, the embedded ledger, the trust root, the pipeline). Only
 * the edges (CLI, server) decide where it is, with {@link #locate}; nothing deeper reads a system
 * property or the environment for it.
 *
 * @param root the directory
 */
public record CairnHome(Path root) {
  /** The environment variable that names the home. */
  public static final String ENV = "CAIRN_HOME";

  public CairnHome {
    root = root.toAbsolutePath().normalize();
  }

  public static CairnHome of(Path root) {
    return new CairnHome(root);
  }

  /**
   * Where the edges find the home: {@code CAIRN_HOME} in {@code env} if set, else {@code ~/.cairn}.
   */
  public static CairnHome locate(Map<String, String> env, @Nullable String userHome) {
    String p = env.get(ENV);
    if (p != null && !p.isBlank()) {
      return new CairnHome(Path.of(p));
    }
    return new CairnHome(Path.of(Objects.requireNonNullElse(userHome, "."), ".cairn"));
  }

  /** The published trust root ({@code trust.json}). */
  public Path trustRoot() {
    return root.resolve("trust.json");
  }

  /** The embedded transparency log's entries and checkpoint. */
  public Path ledger() {
    return root.resolve("ledger");
  }

  /** The embedded log's signing key (mode 0600). */
  public Path ledgerKey() {
    return root.resolve("ledger-key");
  }

  /** The embedded attestation service's state: policies, generated secrets, audit log. */
  public Path attestation() {
    return root.resolve("attest");
  }

  /** The simulation TEE's platform key, measurement cache and class-data archives. */
  public Path simulation() {
    return root.resolve("simulation");
  }

  /** Per-registry state of Ethereum ledgers (issuing locks). */
  public Path ethereum() {
    return root.resolve("ethereum");
  }

  /** The delivery pipeline's state: run records and logs, workspaces, webhook deliveries. */
  public Path pipeline() {
    return root.resolve("pipeline");
  }

  /** Any other module's own directory, by name. */
  public Path dir(String name) {
    if (name.isBlank() || name.contains("/") || name.contains("..")) {
      throw new IllegalArgumentException("not a directory name: " + name);
    }
    return root.resolve(name);
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
