package dev.cairn.attest;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Keys;
import dev.cairn.core.Secret;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The attestation service (like SCONE CAS in seed 002): holds policy sessions and their secrets,
 * hands out single-use nonces, checks a workload's evidence (platform key, signature, measurement
 * against the policy, nonce and key binding) and only then releases the secrets the policy allows,
 * sealed to the workload's ephemeral key. Every decision is appended to {@code audit.log}.
 */
public final class AttestationService {
  private static final Duration NONCE_TTL = Duration.ofMinutes(5);

  private final Path dir;
  private final List<PublicKey> trustedPlatformKeys;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Policy> policies = new HashMap<>();
  private final Map<String, Challenge> nonces = new HashMap<>();
  private final Map<String, String> stamps = new HashMap<>();

  /** A nonce for one attestation of one service. */
  public record Challenge(String session, String service, byte[] nonce, Instant expiresAt) {
    public Challenge {
      nonce = nonce.clone();
    }

    @Override
    public byte[] nonce() {
      return nonce.clone();
    }
  }

  /**
   * What a successful attestation releases: the sealed secrets, and the service's command and
   * environment from the policy, with {@code $$CAIRN::name$$} placeholders for them, and the
   * longest lifetime the policy lets the workload give what it signs.
   */
  public record Release(
      Digest policy,
      List<SealedSecret> secrets,
      List<String> command,
      Map<String, String> env,
      Duration maxValidity) {
    public Release {
      secrets = List.copyOf(secrets);
      command = List.copyOf(command);
      env = Map.copyOf(env);
    }
  }

  private AttestationService(Path dir, List<PublicKey> trustedPlatformKeys, Clock clock) {
    this.dir = dir;
    this.trustedPlatformKeys = List.copyOf(trustedPlatformKeys);
    this.clock = clock;
  }

  /** Opens the service's state in {@code dir} (policies, generated secrets, audit log). */
  public static AttestationService open(Path dir, List<PublicKey> trustedPlatformKeys, Clock clock)
      throws AttestationException {
    try {
      Files.createDirectories(dir.resolve("sessions"));
    } catch (IOException e) {
      throw new AttestationException("cannot create " + dir + ": " + e.getMessage(), null, e);
    }
    AttestationService s = new AttestationService(dir, trustedPlatformKeys, clock);
    try (var sessions = Files.list(dir.resolve("sessions"))) {
      for (Path p : sessions.toList()) {
        Path f = p.resolve("policy.json");
        if (Files.exists(f)) {
          Policy pol = PolicyJson.read(Files.readString(f));
          s.policies.put(pol.name(), pol);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new AttestationException(
          "cannot read the attestation service state in " + dir + ": " + e.getMessage(), null, e);
    }
    return s;
  }

  /**
   * The policy installed for {@code session} in the service state in {@code dir}, read without
   * opening the service (nothing is created), if there is one.
   */
  public static Optional<Policy> installedPolicy(Path dir, String session)
      throws AttestationException {
    Path f = dir.resolve("sessions").resolve(session).resolve("policy.json");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(PolicyJson.read(Files.readString(f)));
    } catch (IOException | RuntimeException e) {
      throw new AttestationException(
          "cannot read the attestation policy " + f + ": " + e.getMessage(), null, e);
    }
  }

  /**
   * The installed policy of {@code session}, read again when its file changed: another process on
   * the same state (the pipeline's enclave step, while {@code cairn attest serve} runs) installs
   * versions by renaming a new file into place, and the next challenge sees them.
   */
  private @Nullable Policy current(String session) {
    Path f = dir.resolve("sessions").resolve(session).resolve("policy.json");
    try {
      java.nio.file.attribute.BasicFileAttributes a =
          Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
      String stamp = a.lastModifiedTime() + "/" + a.size() + "/" + a.fileKey();
      if (!stamp.equals(stamps.get(session))) {
        Policy pol = PolicyJson.read(Files.readString(f));
        if (pol.name().equals(session)) {
          policies.put(session, pol);
          stamps.put(session, stamp);
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return policies.get(session); // installed here and not yet on disk, or never installed
    } catch (IOException | RuntimeException e) {
      // unreadable for a moment: what was last read stands
    }
    return policies.get(session);
  }

  /** The platform keys this service trusts evidence from. */
  public List<PublicKey> trustedPlatformKeys() {
    return trustedPlatformKeys;
  }

  public synchronized Optional<Policy> policy(String session) {
    return Optional.ofNullable(current(session));
  }

  /**
   * Installs a policy version. Version 1 only for a new session; afterwards exactly current + 1,
   * naming the current version's digest as its predecessor. Generates missing secrets.
   */
  public synchronized Policy install(Policy p) throws AttestationException {
    Policy cur = current(p.name());
    if (cur == null && p.version() != 1) {
      throw new AttestationException(
          "session " + p.name() + " does not exist; its first policy must be version 1", null);
    }
    if (cur != null) {
      if (p.version() != cur.version() + 1) {
        throw new AttestationException(
            "policy "
                + p.name()
                + " version "
                + p.version()
                + " does not follow the installed version "
                + cur.version(),
            null);
      }
      if (!cur.digest().equals(p.predecessor())) {
        audit(
            "policy-update",
            p.name(),
            "",
            false,
            "predecessor " + p.predecessor() + " is not the installed " + cur.digest(),
            null,
            null);
        throw new AttestationException(
            "policy "
                + p.name()
                + " v"
                + p.version()
                + " names predecessor "
                + p.predecessor()
                + " but the installed version is "
                + cur.digest(),
            "base the update on the installed version: name its digest as the predecessor");
      }
    }
    for (Policy.SecretSpec s : p.secrets()) {
      ensureSecret(p.name(), s);
    }
    Path f = dir.resolve("sessions").resolve(p.name()).resolve("policy.json");
    writeAtomically(f, PolicyJson.write(p).getBytes(StandardCharsets.UTF_8));
    policies.put(p.name(), p);
    audit(
        "policy-install",
        p.name(),
        "",
        true,
        "version " + p.version() + " " + p.digest(),
        null,
        null);
    return p;
  }

  public synchronized Challenge challenge(String session, String service)
      throws AttestationException {
    Policy p = current(session);
    if (p == null || p.service(service).isEmpty()) {
      throw new AttestationException(
          "no service " + service + " in session " + session, "install a policy that defines it");
    }
    byte[] nonce = new byte[32];
    random.nextBytes(nonce);
    Challenge c = new Challenge(session, service, nonce, clock.instant().plus(NONCE_TTL));
    nonces.put(HexFormat.of().formatHex(nonce), c);
    return c;
  }

  /**
   * Checks the evidence of {@code service} and releases its secrets sealed to {@code enclaveKey}.
   * The nonce is consumed whatever the outcome, so evidence can't be replayed.
   */
  public synchronized Release release(
      String session, String service, byte[] nonce, Evidence evidence, byte[] enclaveKey)
      throws AttestationException {
    Challenge c = nonces.remove(HexFormat.of().formatHex(nonce));
    try {
      if (c == null || !c.session().equals(session) || !c.service().equals(service)) {
        throw new AttestationException(
            "unknown or already used nonce (replayed attestation?)", "request a new challenge");
      }
      if (clock.instant().isAfter(c.expiresAt())) {
        throw new AttestationException(
            "nonce expired at " + c.expiresAt(), "request a new challenge");
      }
      Policy p = current(session);
      Policy.Service svc = p == null ? null : p.service(service).orElse(null);
      if (p == null || svc == null) {
        throw new AttestationException("no service " + service + " in session " + session, null);
      }
      PublicKey platform =
          trustedPlatformKeys.stream()
              .filter(k -> Keys.keyId(k).equals(evidence.platformKey()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AttestationException(
                          "evidence is signed by untrusted platform key " + evidence.platformKey(),
                          "add the platform's key to the service's trust list"));
      Attestations.verify(
          evidence, platform, svc.measurements(), Attestations.reportData(nonce, enclaveKey));
      List<SealedSecret> out = new ArrayList<>();
      for (Policy.SecretSpec s : p.secrets()) {
        if (s.services().contains(service)) {
          Secret value = secretValue(session, s);
          out.add(EnclaveKey.seal(s.name(), value, enclaveKey));
          value.destroy();
        }
      }
      audit(
          "release",
          session,
          service,
          true,
          out.size() + " secret(s): " + out.stream().map(SealedSecret::name).toList(),
          evidence,
          p);
      return new Release(p.digest(), out, svc.command(), svc.env(), p.maxLifetime());
    } catch (AttestationException e) {
      audit("release", session, service, false, e.getMessage(), evidence, current(session));
      throw e;
    }
  }

  /**
   * The public key of an {@code ed25519} secret (what verifiers check certificate signatures with).
   */
  public synchronized PublicKey publicKey(String session, String secret)
      throws AttestationException {
    Policy p = current(session);
    Policy.SecretSpec s =
        p == null
            ? null
            : p.secrets().stream().filter(x -> x.name().equals(secret)).findFirst().orElse(null);
    if (s == null || s.kind() != Policy.Kind.ED25519) {
      throw new AttestationException(
          "no ed25519 secret " + secret + " in session " + session, null);
    }
    Path pub = secretDir(session).resolve(secret + ".pub");
    try {
      return Keys.ed25519Public(
          java.util.Base64.getDecoder().decode(Files.readString(pub).strip()));
    } catch (IOException | GeneralSecurityException e) {
      throw new AttestationException(
          "cannot read the public key of " + secret + ": " + e.getMessage(), null, e);
    }
  }

  /**
   * The public half of a key-pair secret ({@code ed25519}: raw 32 bytes; {@code secp256k1}: the
   * uncompressed 65-byte point; {@code p256}: SubjectPublicKeyInfo DER), which the service
   * publishes.
   */
  public synchronized byte[] publicKeyBytes(String session, String secret)
      throws AttestationException {
    Policy p = current(session);
    Policy.SecretSpec s =
        p == null
            ? null
            : p.secrets().stream().filter(x -> x.name().equals(secret)).findFirst().orElse(null);
    if (s == null
        || (s.kind() != Policy.Kind.ED25519
            && s.kind() != Policy.Kind.SECP256K1
            && s.kind() != Policy.Kind.P256)) {
      throw new AttestationException(
          "no key-pair secret " + secret + " in session " + session, null);
    }
    Path pub = secretDir(session).resolve(secret + ".pub");
    if (s.kind() == Policy.Kind.P256) {
      return p256Public(session, s, pub);
    }
    try {
      return java.util.Base64.getDecoder().decode(Files.readString(pub).strip());
    } catch (IOException | IllegalArgumentException e) {
      throw new AttestationException(
          "cannot read the public key of " + secret + ": " + e.getMessage(), null, e);
    }
  }

  /**
   * What this service publishes for {@code service} of {@code session}: the policy in force, its
   * measurements, the trusted platform keys, and the public halves of {@code signingSecret} and (if
   * the policy has it) {@code ledgerSecret}. When {@code signingSecret} is a {@code p256} secret,
   * the service is a builder: its key is published as {@link PublishedTrust#builderKey} (SPKI DER)
   * with its measurements as {@link PublishedTrust#builderMeasurements}, and the Ed25519 signing
   * key is empty.
   */
  public synchronized PublishedTrust published(
      String session, String service, String signingSecret, String ledgerSecret)
      throws AttestationException {
    Policy p =
        policy(session).orElseThrow(() -> new AttestationException("no session " + session, null));
    Policy.Service svc =
        p.service(service)
            .orElseThrow(
                () -> new AttestationException("no service " + service + " in " + session, null));
    Policy.SecretSpec signing =
        p.secrets().stream().filter(x -> x.name().equals(signingSecret)).findFirst().orElse(null);
    if (signing != null && signing.kind() == Policy.Kind.P256) {
      // a builder's: its key signs provenance and image signatures, as cosign's do
      if (!signing.services().contains(service)) {
        throw new AttestationException(
            "secret " + signingSecret + " of session " + session + " is not released to " + service,
            null);
      }
      return new PublishedTrust(
          session,
          p.digest(),
          p.version(),
          svc.measurements(),
          trustedPlatformKeys.stream().map(Keys::raw).toList(),
          new byte[0],
          new byte[0],
          p.maxLifetime(),
          publicKeyBytes(session, signingSecret),
          svc.measurements());
    }
    boolean hasLedger =
        !ledgerSecret.isEmpty()
            && p.secrets().stream()
                .anyMatch(x -> x.name().equals(ledgerSecret) && x.services().contains(service));
    return new PublishedTrust(
        session,
        p.digest(),
        p.version(),
        svc.measurements(),
        trustedPlatformKeys.stream().map(Keys::raw).toList(),
        Keys.raw(publicKey(session, signingSecret)),
        hasLedger ? publicKeyBytes(session, ledgerSecret) : new byte[0],
        p.maxLifetime());
  }

  /**
   * Holds {@code pkcs8} (PKCS#8 DER) as the value of the {@code p256} secret {@code secret} of
   * {@code session}, in place of a generated one: a key a user supplies is sealed to the policy
   * like a generated one, released only to the services the policy names, whose measurements match.
   * Supplying the key already held changes nothing. The value is never logged or audited.
   *
   * @return whether the held key changed
   */
  public synchronized boolean supply(String session, String secret, Secret pkcs8)
      throws AttestationException {
    Policy p = current(session);
    Policy.SecretSpec s =
        p == null
            ? null
            : p.secrets().stream().filter(x -> x.name().equals(secret)).findFirst().orElse(null);
    if (s == null || (s.kind() != Policy.Kind.P256 && s.kind() != Policy.Kind.SUPPLIED)) {
      throw new AttestationException(
          "no p256 or supplied secret " + secret + " in session " + session + " to supply",
          "install a policy with a secret of kind p256 or supplied named " + secret);
    }
    if (s.kind() == Policy.Kind.SUPPLIED) {
      return supplyValue(java.util.Objects.requireNonNull(p), secret, pkcs8);
    }
    byte[] value = pkcs8.bytes();
    try {
      byte[] pub;
      try {
        pub = dev.cairn.attest.internal.P256.publicKeyOf(value);
      } catch (GeneralSecurityException e) {
        throw new AttestationException(
            "the key supplied for " + secret + " is not an ECDSA P-256 private key",
            "supply a PKCS#8 ECDSA P-256 key (cosign's kind)");
      }
      Path pubFile = secretDir(session).resolve(secret + ".pub");
      Path f = secretDir(session).resolve(secret);
      try {
        if (Files.exists(f)
            && Files.exists(pubFile)
            && java.util.Arrays.equals(
                java.util.Base64.getDecoder().decode(Files.readString(pubFile).strip()), pub)) {
          return false;
        }
      } catch (IOException | IllegalArgumentException e) {
        // unreadable: written afresh below
      }
      // the private file is the truth, replaced in one rename (never deleted first: a crash
      // must not leave the secret to be generated afresh); the public half follows, and a
      // crash between the two is repaired where it is read (publicKeyBytes derives it)
      byte[] encoded = java.util.Base64.getEncoder().encode(value);
      try {
        writeAtomically(f, encoded);
      } finally {
        java.util.Arrays.fill(encoded, (byte) 0);
      }
      writeAtomically(pubFile, java.util.Base64.getEncoder().encode(pub));
      audit(
          "secret-supply",
          session,
          "",
          true,
          secret + " now holds the supplied key " + Digest.sha256(pub),
          null,
          p);
      return true;
    } finally {
      java.util.Arrays.fill(value, (byte) 0);
    }
  }

  /** Holds {@code value} as the supplied secret {@code secret}: one rename, never logged. */
  private boolean supplyValue(Policy p, String secret, Secret value) throws AttestationException {
    Path f = secretDir(p.name()).resolve(secret);
    byte[] raw = value.bytes();
    byte[] encoded = java.util.Base64.getEncoder().encode(raw);
    try {
      try {
        if (Files.exists(f)
            && java.security.MessageDigest.isEqual(
                Files.readString(f).strip().getBytes(StandardCharsets.US_ASCII), encoded)) {
          return false;
        }
      } catch (IOException e) {
        // unreadable: written afresh below
      }
      writeAtomically(f, encoded);
    } finally {
      java.util.Arrays.fill(raw, (byte) 0);
      java.util.Arrays.fill(encoded, (byte) 0);
    }
    audit("secret-supply", p.name(), "", true, secret + " now holds a supplied value", null, p);
    return true;
  }

  /**
   * A p256 secret's public half, derived from the private file (the truth: a user can supply the
   * key, and a crash may come between its two files); the {@code .pub} file is rewritten when it
   * says otherwise.
   */
  private byte[] p256Public(String session, Policy.SecretSpec s, Path pub)
      throws AttestationException {
    byte[] derived;
    Secret value = secretValue(session, s);
    byte[] der = value.bytes();
    try {
      derived = dev.cairn.attest.internal.P256.publicKeyOf(der);
    } catch (GeneralSecurityException e) {
      throw new AttestationException(
          "secret " + s.name() + " of session " + session + " is not an ECDSA P-256 key", null, e);
    } finally {
      java.util.Arrays.fill(der, (byte) 0);
      value.destroy();
    }
    byte[] written = null;
    try {
      written = java.util.Base64.getDecoder().decode(Files.readString(pub).strip());
    } catch (IOException | IllegalArgumentException e) {
      // missing or torn: rewritten below
    }
    if (!java.util.Arrays.equals(written, derived)) {
      writeAtomically(pub, java.util.Base64.getEncoder().encode(derived));
    }
    return derived;
  }

  private Path secretDir(String session) {
    return dir.resolve("sessions").resolve(session).resolve("secrets");
  }

  private void ensureSecret(String session, Policy.SecretSpec s) throws AttestationException {
    if (s.kind() == Policy.Kind.FILE) {
      if (s.file() == null || !Files.isReadable(s.file())) {
        throw new AttestationException(
            "secret " + s.name() + " is supplied from " + s.file() + ", which is not readable",
            null);
      }
      return;
    }
    if (s.kind() == Policy.Kind.SUPPLIED) {
      return; // handed over with supply(); never generated
    }
    Path f = secretDir(session).resolve(s.name());
    if (Files.exists(f)) {
      return;
    }
    byte[] value;
    byte[] pub = null;
    switch (s.kind()) {
      case ED25519 -> {
        KeyPair kp = Keys.ed25519();
        value = kp.getPrivate().getEncoded();
        pub = Keys.raw(kp.getPublic());
      }
      case SECP256K1 -> {
        value = dev.cairn.attest.internal.Secp256k1.privateKey(random);
        pub = dev.cairn.attest.internal.Secp256k1.publicKey(value);
      }
      case P256 -> {
        KeyPair kp = dev.cairn.attest.internal.P256.generate();
        value = kp.getPrivate().getEncoded();
        pub = kp.getPublic().getEncoded();
      }
      default -> {
        value = new byte[s.size()];
        random.nextBytes(value);
      }
    }
    // the public half first: the private file's presence says the pair is complete
    if (pub != null) {
      writeAtomically(
          secretDir(session).resolve(s.name() + ".pub"), java.util.Base64.getEncoder().encode(pub));
    }
    writeAtomically(f, java.util.Base64.getEncoder().encode(value));
    java.util.Arrays.fill(value, (byte) 0);
  }

  private Secret secretValue(String session, Policy.SecretSpec s) throws AttestationException {
    try {
      if (s.kind() == Policy.Kind.FILE) {
        return Secret.of(Files.readAllBytes(java.util.Objects.requireNonNull(s.file())));
      }
      if (s.kind() == Policy.Kind.SUPPLIED && !Files.exists(secretDir(session).resolve(s.name()))) {
        throw new AttestationException(
            "secret " + s.name() + " of session " + session + " was never supplied",
            "supply its value (the enclave step does, from the pipeline's secrets) before the"
                + " workload attests");
      }
      return Secret.of(
          java.util.Base64.getDecoder()
              .decode(Files.readString(secretDir(session).resolve(s.name())).strip()));
    } catch (IOException | RuntimeException e) {
      throw new AttestationException(
          "cannot read secret " + s.name() + " of session " + session, null, e);
    }
  }

  private static void writeAtomically(Path f, byte[] data) throws AttestationException {
    try {
      dev.cairn.core.AtomicFiles.write(f, data, true);
    } catch (IOException e) {
      throw new AttestationException("cannot write " + f + ": " + e.getMessage(), null, e);
    }
  }

  /** Appends one JSON line per decision and fsyncs it; never contains secret values. */
  private void audit(
      String action,
      String session,
      String service,
      boolean allowed,
      @Nullable String reason,
      @Nullable Evidence e,
      @Nullable Policy p)
      throws AttestationException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", clock.instant().toString());
    m.put("action", action);
    m.put("session", session);
    m.put("service", service);
    m.put("allowed", allowed);
    m.put("reason", reason == null ? "" : reason);
    if (e != null) {
      m.put("measurement", e.measurement().toString());
      m.put("evidence", e.digest().toString());
      m.put("tee", e.provider() + (e.hardwareBacked() ? "" : " (" + Tees.SIMULATION_WARNING + ")"));
    }
    if (p != null) {
      m.put("policy", p.digest().toString());
    }
    try (FileChannel c =
        FileChannel.open(
            dir.resolve("audit.log"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      c.write(ByteBuffer.wrap((Json.canonical(m) + "\n").getBytes(StandardCharsets.UTF_8)));
      c.force(false);
    } catch (IOException ex) {
      throw new AttestationException(
          "cannot write the audit log in " + dir + ": " + ex.getMessage(),
          "check free disk space",
          ex);
    }
  }

  /** Every audit record so far, oldest first. */
  public synchronized List<String> auditLog() throws AttestationException {
    try {
      Path f = dir.resolve("audit.log");
      return Files.exists(f) ? Files.readAllLines(f) : List.of();
    } catch (IOException e) {
      throw new AttestationException("cannot read the audit log: " + e.getMessage(), null, e);
    }
  }
}
