package dev.cairn.cli;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.LaunchSpec;
import dev.cairn.attest.Policies;
import dev.cairn.attest.Policy;
import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Keys;
import dev.cairn.ledger.NoteSigner;
import dev.cairn.ledger.TransparencyLog;
import dev.cairn.ledger.TrustAnchors;
import dev.cairn.scanner.Checks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cairn's embedded defaults in its home directory: the simulation TEE, the attestation service with
 * session {@code cairn-certify}, and the transparency log.
 */
final class Embedded {
  static final String SESSION = "cairn-certify";
  static final String SERVICE = "scanner";
  static final String SIGNING_SECRET = "certificate-key";
  static final String LEDGER_SECRET = "ledger-key";
  static final List<String> WORKLOAD_COMMAND = List.of("cairn-certify-workload");

  /**
   * The service's command in the policy: the signing key is injected by name, never passed
   * otherwise.
   */
  static final String POLICY_COMMAND =
      "[cairn-certify-workload, --signing-key, \"$$CAIRN::"
          + "certificate-key$$\", --ledger-key, \"$$CAIRN::"
          + "ledger-key$$\"]";

  private Embedded() {}

  static Path home() {
    return Tees.cairnHome();
  }

  /**
   * The measured launch of the certify workload: every jar or class directory the workload loads
   * (the class path and, for jars, their manifests' {@code Class-Path}, as {@code java -jar} and
   * {@code -cp} follow it), the built-in check pack, the command.
   */
  static LaunchSpec launchSpec() {
    java.util.LinkedHashSet<Path> code = new java.util.LinkedHashSet<>();
    java.util.ArrayDeque<Path> todo = new java.util.ArrayDeque<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!e.isEmpty()) {
        todo.add(Path.of(e).toAbsolutePath().normalize());
      }
    }
    while (!todo.isEmpty()) {
      Path p = todo.poll();
      if (!(Files.isRegularFile(p) || Files.isDirectory(p)) || !code.add(p)) {
        continue;
      }
      if (Files.isRegularFile(p)) {
        todo.addAll(manifestClassPath(p));
      }
    }
    return new LaunchSpec(
        new ArrayList<>(code), Checks.builtinPackDigest(), WORKLOAD_COMMAND, Map.of());
  }

  /** The jars a jar's manifest adds to the class path, resolved against the jar's directory. */
  private static List<Path> manifestClassPath(Path jar) {
    List<Path> out = new ArrayList<>();
    try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile(), false)) {
      java.util.jar.Manifest m = j.getManifest();
      String cp =
          m == null
              ? null
              : m.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
      if (cp != null) {
        Path dir = jar.getParent();
        for (String entry : cp.trim().split("\\s+")) {
          if (!entry.isEmpty() && dir != null) {
            out.add(dir.resolve(entry).toAbsolutePath().normalize());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not a jar (or unreadable): it is measured as a file, and adds nothing
    }
    return out;
  }

  static TeeProvider tee() {
    return Tees.simulation(home(), Clock.systemUTC());
  }

  /**
   * Opens the embedded attestation service; when this build's scanner is not yet approved, installs
   * the next policy version (naming its predecessor) and says so.
   */
  static AttestationService attestation(Digest measurement, PrintWriter err) throws CairnException {
    AttestationService s =
        AttestationService.open(
            home().resolve("attest"), List.of(tee().platformKey()), Clock.systemUTC());
    Policy cur = s.policy(SESSION).orElse(null);
    if (cur == null
        || !cur.service(SERVICE).map(x -> x.measurements().contains(measurement)).orElse(false)
        || cur.secrets().stream().noneMatch(x -> x.name().equals(LEDGER_SECRET))) {
      int version = cur == null ? 1 : cur.version() + 1;
      String text =
          "name: "
              + SESSION
              + "\nversion: "
              + version
              + "\n"
              + (cur == null ? "" : "predecessor: " + cur.digest() + "\n")
              + "services:\n  - name: "
              + SERVICE
              + "\n    measurements: ["
              + measurement
              + "]\n    command: "
              + POLICY_COMMAND
              + "\n"
              + "secrets:\n  - {name: "
              + SIGNING_SECRET
              + ", kind: ed25519, services: ["
              + SERVICE
              + "]}\n  - {name: "
              + LEDGER_SECRET
              + ", kind: secp256k1, services: ["
              + SERVICE
              + "]}\n";
      s.install(Policies.parse("embedded policy", text, null));
      err.println(
          "cairn: approved scanner measurement "
              + measurement
              + " in the embedded attestation policy (v"
              + version
              + ")");
    }
    return s;
  }

  static TransparencyLog log() throws CairnException {
    Path keyFile = home().resolve("ledger-key");
    try {
      NoteSigner signer;
      if (Files.exists(keyFile)) {
        List<String> l = Files.readAllLines(keyFile);
        signer =
            NoteSigner.of(
                "cairn-embedded-log",
                Base64.getDecoder().decode(l.get(0)),
                Base64.getDecoder().decode(l.get(1)));
      } else {
        signer = NoteSigner.generate("cairn-embedded-log");
        Files.createDirectories(home());
        Path tmp = Files.createTempFile(home(), ".ledger-key", ".tmp");
        try {
          Files.setPosixFilePermissions(
              tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not POSIX
        }
        Files.writeString(
            tmp,
            Base64.getEncoder().encodeToString(signer.pkcs8())
                + "\n"
                + Base64.getEncoder().encodeToString(signer.publicKey())
                + "\n");
        Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return TransparencyLog.open(home().resolve("ledger"), signer);
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      throw new CairnException(
          "cannot open the embedded ledger in " + home() + ": " + e.getMessage(),
          "check CAIRN_HOME",
          e);
    }
  }

  /** The public trust anchors of the embedded services, as written to {@code trust.json}. */
  static TrustAnchors trust(AttestationService s, TransparencyLog log) throws AttestationException {
    Policy p =
        s.policy(SESSION).orElseThrow(() -> new AttestationException("no policy " + SESSION, null));
    Set<Digest> ms = p.service(SERVICE).orElseThrow().measurements();
    return new TrustAnchors(
        log.verifierKey(),
        List.of(Keys.raw(tee().platformKey())),
        p.digest(),
        ms,
        Keys.raw(s.publicKey(SESSION, SIGNING_SECRET)));
  }
}
