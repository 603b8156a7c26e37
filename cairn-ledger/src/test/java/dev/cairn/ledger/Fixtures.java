package dev.cairn.ledger;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Json;
import dev.cairn.core.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Real certificates, logs and trust roots for the verifier's tests. Every key is derived from a
 * fixed seed and Ed25519 signs deterministically, so {@link #generate} writes the same bytes each
 * time: the committed fixtures under {@code src/test/resources/verifier} are compared with a fresh
 * generation, and {@code -Dgolden.update=true} rewrites them.
 */
final class Fixtures {
  static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");
  static final Instant NOW = T0.plus(Duration.ofDays(1));
  static final Instant TRUSTED_SINCE = T0.minus(Duration.ofDays(90));
  static final Duration VALIDITY = Duration.ofDays(30);

  static final KeyPair SIGNING = keyPair("signing key 1");
  static final KeyPair PLATFORM = keyPair("platform key 1");
  static final NoteSigner LOG = noteSigner("cairn-test-log", "log key 1");
  static final Digest MEASUREMENT = Digest.sha256("scanner build 1");
  static final TrustRoot.Policy POLICY =
      new TrustRoot.Policy(Digest.sha256("policy cairn-scanner v1"), "cairn-scanner", 1);

  /** The fixture files, one good and one per broken link. */
  static final List<String> FILES =
      List.of(
          "trust.json",
          "good.cert.json",
          "signature.cert.json",
          "signing-key.cert.json",
          "statement.cert.json",
          "attestation.cert.json",
          "ledger-checkpoint.cert.json",
          "ledger-inclusion.cert.json",
          "ledger-consistency.cert.json",
          "expiry.cert.json",
          "revocation.cert.json",
          "cluster-identity.cert.json");

  private Fixtures() {}

  /** An Ed25519 key pair derived from {@code label}: the same label, the same key. */
  static KeyPair keyPair(String label) {
    byte[] seed = Digest.sha256Bytes(("cairn test key " + label).getBytes(StandardCharsets.UTF_8));
    SecureRandom fixed =
        new SecureRandom() {
          private static final long serialVersionUID = 1L;

          @Override
          public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
              bytes[i] = seed[i % seed.length];
            }
          }
        };
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, fixed);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static NoteSigner noteSigner(String name, String label) {
    KeyPair kp = keyPair(label);
    try {
      return NoteSigner.of(name, kp.getPrivate().getEncoded(), Keys.raw(kp.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] raw(KeyPair k) {
    return Keys.raw(k.getPublic());
  }

  static String keyId(KeyPair k) {
    return Keys.keyId(k.getPublic());
  }

  static Digest cluster(String name) {
    return Digest.sha256("cluster " + name);
  }

  static TrustRoot.Snapshot snapshot(
      TrustRoot.Policy policy,
      Digest measurement,
      KeyPair signing,
      KeyPair platform,
      NoteSigner log) {
    return new TrustRoot.Snapshot(
        policy, Set.of(measurement), raw(signing), List.of(raw(platform)), log.verifierKey());
  }

  /** The root of the fixtures: one of everything, trusted since {@link #TRUSTED_SINCE}. */
  static TrustRoot root() {
    return TrustRoot.empty()
        .sync(snapshot(POLICY, MEASUREMENT, SIGNING, PLATFORM, LOG), TRUSTED_SINCE);
  }

  /** What a certificate is made of; {@link #good()} and one {@code with} per test's need. */
  record Spec(
      String cluster,
      Digest measurement,
      Digest policy,
      KeyPair signer,
      KeyPair platform,
      Instant issuedAt,
      Duration validity) {
    static Spec good() {
      return new Spec("a", MEASUREMENT, POLICY.digest(), SIGNING, PLATFORM, T0, VALIDITY);
    }

    Spec cluster(String c) {
      return new Spec(c, measurement, policy, signer, platform, issuedAt, validity);
    }

    Spec measurement(Digest m) {
      return new Spec(cluster, m, policy, signer, platform, issuedAt, validity);
    }

    Spec policy(Digest p) {
      return new Spec(cluster, measurement, p, signer, platform, issuedAt, validity);
    }

    Spec signer(KeyPair k) {
      return new Spec(cluster, measurement, policy, k, platform, issuedAt, validity);
    }

    Spec platform(KeyPair k) {
      return new Spec(cluster, measurement, policy, signer, k, issuedAt, validity);
    }

    Spec issuedAt(Instant t) {
      return new Spec(cluster, measurement, policy, signer, platform, t, validity);
    }
  }

  static Certificate certificate(Spec s) {
    Digest id = cluster(s.cluster());
    Digest report = Digest.sha256("report of " + s.cluster() + " at " + s.issuedAt());
    String keyId = keyId(s.signer());
    return new Certificate(
        id,
        "uid-" + s.cluster(),
        Digest.sha256("ca " + s.cluster()),
        "https://" + s.cluster() + ".example:6443",
        "snapshot",
        List.of("pss-restricted"),
        Digest.sha256("check pack"),
        "cairn-test",
        "simulation",
        false,
        s.measurement(),
        evidence(s.platform(), s.measurement(), Certificate.bindingReportData(report, id, keyId)),
        report,
        Map.of("passed", 12L, "failed", 0L),
        s.policy(),
        keyId,
        s.issuedAt(),
        s.issuedAt().plus(s.validity()));
  }

  static Dsse.Envelope sign(Certificate c, KeyPair k) {
    return Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, c.statement(), k.getPrivate(), keyId(k));
  }

  static LedgerEntry.Issued entry(Certificate c, Dsse.Envelope env, String locator) {
    return new LedgerEntry.Issued(
        c.clusterId(),
        env.digest(),
        c.issuedAt(),
        c.expiresAt(),
        locator,
        env.toJson().getBytes(StandardCharsets.UTF_8));
  }

  /** Signs {@code s}'s certificate, records it on {@code log}, and returns its bundle. */
  static CertificateBundle issue(TransparencyLog log, Spec s, String locator)
      throws LedgerException {
    Certificate c = certificate(s);
    Dsse.Envelope env = sign(c, s.signer());
    Receipt r = log.issue(entry(c, env, locator));
    return new CertificateBundle(
        env,
        raw(s.signer()),
        "embedded",
        r.index(),
        r.inclusionProof(),
        r.checkpoint().signedNote(),
        locator,
        c.issuedAt());
  }

  /** A bundle recorded on a blockchain registry (see {@link FakeRegistry}). */
  static CertificateBundle onChain(Spec s, ChainReceipt receipt) {
    Certificate c = certificate(s);
    Dsse.Envelope env = sign(c, s.signer());
    return CertificateBundle.onChain(
        env, raw(s.signer()), receipt, "chain.cert.json", c.issuedAt());
  }

  /**
   * The scanner's evidence, in a small format of these tests: the platform key signs the canonical
   * JSON of measurement, platform key id and report data.
   */
  static String evidence(KeyPair platform, Digest measurement, byte[] reportData) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("measurement", measurement.toString());
    body.put("platformKey", keyId(platform));
    body.put("reportData", HexFormat.of().formatHex(reportData));
    try {
      byte[] sig =
          Keys.signEd25519(
              platform.getPrivate(), Json.canonical(body).getBytes(StandardCharsets.UTF_8));
      body.put("signature", Base64.getEncoder().encodeToString(sig));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return Json.canonical(body);
  }

  /** Checks {@link #evidence}: signed by a trusted platform key, for an approved build. */
  static final CertificateVerifier.EvidenceCheck EVIDENCE =
      (json, platformKeys, measurements, reportData) -> {
        Map<?, ?> m;
        try {
          m = Json.parseObject(json);
        } catch (java.io.IOException e) {
          throw new CairnException("evidence is not JSON", null);
        }
        String named = String.valueOf(m.get("platformKey"));
        PublicKey key = null;
        for (byte[] k : platformKeys) {
          try {
            PublicKey pk = Keys.ed25519Public(k);
            if (Keys.keyId(pk).equals(named)) {
              key = pk;
            }
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
          }
        }
        if (key == null) {
          throw new CairnException(
              "evidence is signed by platform key "
                  + named
                  + ", which the trust root does not list",
              null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("measurement", m.get("measurement"));
        body.put("platformKey", named);
        body.put("reportData", m.get("reportData"));
        try {
          if (!Keys.verifyEd25519(
              key,
              Json.canonical(body).getBytes(StandardCharsets.UTF_8),
              Base64.getDecoder().decode(String.valueOf(m.get("signature"))))) {
            throw new CairnException("evidence signature does not verify", null);
          }
        } catch (GeneralSecurityException e) {
          throw new CairnException("evidence signature is malformed", null);
        }
        if (!measurements.contains(Digest.parse(String.valueOf(m.get("measurement"))))) {
          throw new CairnException("evidence is for an unapproved measurement", null);
        }
        if (!HexFormat.of().formatHex(reportData).equals(m.get("reportData"))) {
          throw new CairnException("evidence binds another report, cluster or key", null);
        }
      };

  /**
   * Writes every fixture file into {@code out}, building the logs in {@code work}, and returns the
   * main log (open): the live log the fixtures are verified against.
   */
  static TransparencyLog generate(Path out, Path work) throws Exception {
    Files.createDirectories(out);
    TransparencyLog log = TransparencyLog.open(work.resolve("log"), LOG);
    try (TransparencyLog fork = TransparencyLog.open(work.resolve("fork"), LOG)) {
      write(out, "trust.json", root().toJson());
      CertificateBundle good = issue(log, Spec.good(), "good.cert.json");
      write(out, "good.cert.json", good.toJson());
      // the payload altered after signing
      String altered =
          new String(good.envelope().payload(), StandardCharsets.UTF_8)
              .replace("\"failed\":0", "\"failed\":3");
      write(
          out,
          "signature.cert.json",
          new CertificateBundle(
                  new Dsse.Envelope(
                      good.envelope().payloadType(),
                      altered.getBytes(StandardCharsets.UTF_8),
                      good.envelope().signatures()),
                  good.signingKey(),
                  good.ledger(),
                  good.index(),
                  good.inclusionProof(),
                  good.checkpoint(),
                  good.locator(),
                  good.issuedAt())
              .toJson());
      // each of these is otherwise valid and on the log: only its own link breaks
      write(
          out,
          "signing-key.cert.json",
          issue(log, Spec.good().signer(keyPair("unreleased key")), "signing-key.cert.json")
              .toJson());
      write(
          out,
          "statement.cert.json",
          issue(log, Spec.good().policy(Digest.sha256("another policy")), "statement.cert.json")
              .toJson());
      write(
          out,
          "attestation.cert.json",
          issue(
                  log,
                  Spec.good().measurement(Digest.sha256("scanner build modified")),
                  "attestation.cert.json")
              .toJson());
      write(
          out,
          "ledger-checkpoint.cert.json",
          new CertificateBundle(
                  good.envelope(),
                  good.signingKey(),
                  good.ledger(),
                  good.index(),
                  good.inclusionProof(),
                  good.checkpoint().replaceFirst("\n1\n", "\n999\n"),
                  good.locator(),
                  good.issuedAt())
              .toJson());
      write(
          out,
          "ledger-inclusion.cert.json",
          new CertificateBundle(
                  good.envelope(),
                  good.signingKey(),
                  good.ledger(),
                  7,
                  good.inclusionProof(),
                  good.checkpoint(),
                  good.locator(),
                  good.issuedAt())
              .toJson());
      // a log with the same key and another history: its checkpoints fork from the live log's
      fork.issue(
          entry(
              certificate(Spec.good().cluster("z")),
              sign(certificate(Spec.good().cluster("z")), SIGNING),
              "z"));
      write(
          out,
          "ledger-consistency.cert.json",
          issue(fork, Spec.good().cluster("f"), "ledger-consistency.cert.json").toJson());
      write(
          out,
          "expiry.cert.json",
          issue(log, Spec.good().issuedAt(T0.minus(Duration.ofDays(40))), "expiry.cert.json")
              .toJson());
      CertificateBundle revoked = issue(log, Spec.good().cluster("c"), "revocation.cert.json");
      write(out, "revocation.cert.json", revoked.toJson());
      write(
          out,
          "cluster-identity.cert.json",
          issue(log, Spec.good().cluster("b"), "cluster-identity.cert.json").toJson());
      log.revoke(
          new LedgerEntry.Revoked(
              revoked.envelope().digest(), "cluster decommissioned", T0.plus(Duration.ofHours(1))));
      return log;
    } catch (Exception | Error e) {
      log.close();
      throw e;
    }
  }

  private static void write(Path dir, String name, String content) throws java.io.IOException {
    Files.writeString(dir.resolve(name), content);
  }
}
