package dev.cairn.attest.internal;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.Evidence;
import dev.cairn.attest.LaunchSpec;
import dev.cairn.attest.TeeProvider;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Keys;
import dev.cairn.core.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;

/**
 * The simulation TEE: measures exactly what a real one would (code, check packs, launch config) and
 * signs evidence with a simulated platform key kept in Cairn's home ({@code
 * simulation/platform.key}, mode 0600). It offers no hardware protection and says so everywhere, as
 * SGX simulation mode does.
 */
public final class SimulationProvider implements TeeProvider {
  private final Path dir;
  private final Clock clock;

  /**
   * The simulated platform of {@code home} (its key and measurement cache in {@code simulation/}).
   */
  public SimulationProvider(CairnHome home, Clock clock) {
    this.dir = home.simulation();
    this.clock = clock;
  }

  @Override
  public String name() {
    return "simulation";
  }

  @Override
  public boolean hardwareBacked() {
    return false;
  }

  @Override
  public Digest measure(LaunchSpec spec) throws AttestationException {
    return Measurements.of(spec, dir.resolve("measure-cache.tsv"));
  }

  @Override
  public Launched launch(LaunchSpec spec, ProcessBuilder process) throws AttestationException {
    Digest m = measure(spec);
    process.environment().put("CAIRN_TEE", name());
    process.environment().put("CAIRN_TEE_MEASUREMENT", m.toString());
    try {
      return new Launched(process.start(), m);
    } catch (java.io.IOException e) {
      throw new AttestationException(
          "cannot start the measured workload: " + e.getMessage(), "check the java binary", e);
    }
  }

  /** The simulated platform's public key: what verifiers must trust for simulation evidence. */
  @Override
  public PublicKey platformKey() throws AttestationException {
    return keys().getPublic();
  }

  @Override
  public Evidence evidence(Digest measurement, byte[] reportData) throws AttestationException {
    KeyPair kp = keys();
    Evidence unsigned =
        new Evidence(
            name(),
            false,
            measurement,
            reportData,
            Keys.keyId(kp.getPublic()),
            clock.instant(),
            new byte[0]);
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(kp.getPrivate());
      s.update(unsigned.signedBytes());
      return new Evidence(
          name(),
          false,
          measurement,
          reportData,
          unsigned.platformKey(),
          unsigned.issuedAt(),
          s.sign());
    } catch (GeneralSecurityException e) {
      throw new AttestationException("cannot sign simulation evidence: " + e.getMessage(), null, e);
    }
  }

  private synchronized KeyPair keys() throws AttestationException {
    Path priv = dir.resolve("platform.key");
    Path pub = dir.resolve("platform.pub");
    try {
      if (!Files.exists(priv)) {
        Files.createDirectories(dir);
        KeyPair kp = Keys.ed25519();
        Path tmp = Files.createTempFile(dir, ".platform", ".tmp");
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system; the directory's own permissions apply
        }
        Files.writeString(tmp, Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()));
        Files.writeString(pub, Base64.getEncoder().encodeToString(Keys.raw(kp.getPublic())));
        Files.move(tmp, priv, StandardCopyOption.ATOMIC_MOVE);
      }
      Secret pkcs8 = Secret.of(Base64.getDecoder().decode(Files.readString(priv).strip()));
      PrivateKey k = Keys.ed25519Private(pkcs8);
      pkcs8.destroy();
      PublicKey p = Keys.ed25519Public(Base64.getDecoder().decode(Files.readString(pub).strip()));
      return new KeyPair(p, k);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new AttestationException(
          "cannot load the simulated platform key in " + dir + ": " + e.getMessage(),
          "remove "
              + dir
              + " to make a new one (earlier simulation evidence will no longer verify)",
          e);
    }
  }

  @Override
  public String toString() {
    return "SimulationProvider[" + dir + ", no hardware protection]";
  }
}
