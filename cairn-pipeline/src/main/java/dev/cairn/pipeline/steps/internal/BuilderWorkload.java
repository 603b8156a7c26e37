package dev.cairn.pipeline.steps.internal;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Attestations;
import dev.cairn.attest.EnclaveKey;
import dev.cairn.attest.Evidence;
import dev.cairn.attest.MeasuredJvm;
import dev.cairn.attest.SealedSecret;
import dev.cairn.attest.SecretInjection;
import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Secret;
import dev.cairn.supplychain.BuilderEvidence;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.ImageRef;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attested builder, run by the sign step as its own measured process. It learns what to sign
 * from its one argument (a {@link BuilderProtocol.Task}), where to attest from one line on stdin
 * ({@link BuilderProtocol.Instructions}, sent once the service listens), gets the builder key
 * sealed to its ephemeral key only when its measurement matches the policy, signs the image's
 * cosign payload and the run's SLSA provenance (which states its measurement and carries evidence
 * bound to the image, the key and the run), and prints one {@link BuilderProtocol.Outcome} line.
 * The key never leaves it.
 */
public final class BuilderWorkload {
  private BuilderWorkload() {}

  public static void main(String[] args) {
    trace("started");
    BuilderProtocol.Outcome out;
    try {
      if (args.length != 1) {
        throw new IllegalArgumentException("expected one argument, the task");
      }
      if (BuilderProtocol.isBuild(args[0])) {
        watchParent();
        out = build(BuilderProtocol.decodeBuildTask(args[0]));
        System.out.println(BuilderProtocol.encode(out));
        System.out.flush();
        trace("built");
        System.exit(0);
      }
      BuilderProtocol.Task task = BuilderProtocol.decodeTask(args[0]);
      CairnHome home = CairnHome.of(Path.of(task.home()));
      Clock clock = Clock.systemUTC();
      TeeProvider tee = Tees.simulation(home, clock);
      // the measurement comes from the platform that launched it, as a TEE's report carries what
      // the hardware measured at load; run by hand (no platform), it measures itself
      Digest measurement = measurement(tee);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null) {
        throw new IllegalStateException("the sign step did not say where to attest");
      }
      trace("read where to attest");
      out = run(task, tee, clock, measurement, BuilderProtocol.decodeInstructions(line));
    } catch (Exception e) {
      out = new BuilderProtocol.Error(String.valueOf(e.getMessage()));
    }
    System.out.println(BuilderProtocol.encode(out));
    System.out.flush();
    trace("done");
    System.exit(0);
  }

  /**
   * Ends this builder, and what it started, when its stdin closes: the build step that launched it
   * is gone (a crash, kill -9), so nobody will read what it builds.
   */
  private static void watchParent() {
    Thread t =
        new Thread(
            () -> {
              try {
                while (System.in.read() != -1) {
                  // the parent says nothing more during a build
                }
              } catch (java.io.IOException e) {
                // closed either way
              }
              ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
              Runtime.getRuntime().halt(3);
            },
            "parent-watch");
    t.setDaemon(true);
    t.start();
  }

  /** This process's measurement: the platform's that launched it, or its own when run by hand. */
  private static Digest measurement(TeeProvider tee) throws CairnException {
    String launched = System.getenv("CAIRN_TEE_MEASUREMENT");
    return launched != null
        ? Digest.parse(launched)
        : tee.measure(
            MeasuredJvm.spec(
                MeasuredJvm.currentClassPath(),
                BuilderAttestation.NO_CHECK_PACK,
                BuilderAttestation.WORKLOAD_COMMAND));
  }

  /**
   * The build step's run: builds the task into its archive, its events as {@code "| "} lines on
   * stdout, and binds the image's digest, the run and the commit into TEE evidence of this
   * builder's measurement. Tools it starts (buildah, a project's wrapper) run outside the
   * measurement; what it measures is Cairn's builder, which drives them and writes the image.
   */
  static BuilderProtocol.Outcome build(BuilderProtocol.BuildTask task) {
    try {
      CairnHome home = CairnHome.of(Path.of(task.home()));
      Clock clock = Clock.systemUTC();
      TeeProvider tee = Tees.simulation(home, clock);
      Digest measurement = measurement(tee);
      dev.cairn.pipeline.build.BuiltImage built =
          BuildTasks.run(
              task,
              e -> {
                String line = BuildTasks.describe(e);
                if (line != null) {
                  for (String l : line.split("\r?\n", -1)) {
                    System.out.println("| " + l);
                  }
                }
              });
      Evidence evidence =
          tee.evidence(
              measurement,
              BuilderEvidence.buildReportData(built.digest(), task.runId(), task.commit()));
      return new BuilderProtocol.Built(
          measurement, tee.name(), built.digest(), built.builder(), evidence.toJson());
    } catch (CairnException | java.io.IOException e) {
      return new BuilderProtocol.Error(String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new BuilderProtocol.Error("the build was interrupted");
    }
  }

  /** With {@code CAIRN_TRACE} set: how long since the JVM started, on stderr. */
  static void trace(String phase) {
    if (System.getenv("CAIRN_TRACE") != null) {
      System.err.printf(
          "cairn[trace] %6d ms  builder  %s%n",
          System.currentTimeMillis()
              - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime(),
          phase);
    }
  }

  static BuilderProtocol.Outcome run(
      BuilderProtocol.Task task,
      TeeProvider tee,
      Clock clock,
      Digest measurement,
      BuilderProtocol.Instructions att)
      throws CairnException, GeneralSecurityException {
    ImageRef image = ImageRef.parse(task.image());
    Digest imageDigest = image.requireDigest();
    EnclaveKey enclave = EnclaveKey.generate();
    AttestationHttp.Client cas = new AttestationHttp.Client(URI.create(att.attest()));
    AttestationService.Release release;
    try {
      byte[] nonce = cas.challenge(att.session(), att.service());
      Evidence evidence =
          tee.evidence(measurement, Attestations.reportData(nonce, enclave.publicKey()));
      release = cas.release(att.session(), att.service(), nonce, evidence, enclave.publicKey());
    } catch (AttestationException e) {
      String why = String.valueOf(e.getMessage());
      String prefix = "attestation service refused: ";
      return new BuilderProtocol.Error(
          "the attestation service refused the builder its signing key: "
              + (why.startsWith(prefix) ? why.substring(prefix.length()) : why)
              + (why.contains(measurement.toString()) ? "" : " (builder " + measurement + ")"));
    }
    trace("attested; key released");
    Map<String, Secret> opened = new LinkedHashMap<>();
    for (SealedSecret s : release.secrets()) {
      opened.put(s.name(), enclave.open(s));
    }
    // the policy's command for this service, with the released secrets injected by name
    SecretInjection.Injected launch =
        SecretInjection.inject(release.command(), release.env(), opened);
    opened.values().forEach(Secret::destroy);
    try {
      Secret keyArg =
          launch
              .option("--signing-key")
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the policy's command for "
                              + att.service()
                              + " does not inject the builder key (--signing-key $$CAIRN::"
                              + BuilderAttestation.KEY_SECRET
                              + "$$)"));
      PrivateKey key = privateKey(keyArg);
      byte[] published = Base64.getDecoder().decode(att.builderKey());
      PublicKey publishedKey =
          KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(published));
      Digest keyId = Digest.sha256(published);
      byte[] payload = Cosign.simpleSigningPayload(image);
      byte[] signature = ecdsa(key, payload);
      if (!ecdsaVerify(publishedKey, payload, signature)) {
        return new BuilderProtocol.Error(
            "the key the attestation service released is not the builder key "
                + keyId
                + " it publishes; nothing was signed");
      }
      Evidence bound =
          tee.evidence(measurement, BuilderEvidence.reportData(imageDigest, keyId, task.runId()));
      byte[] evidenceJson = bound.toJson().getBytes(StandardCharsets.UTF_8);
      List<Map<String, Object>> byproducts =
          new ArrayList<>(Provenance.byproducts(evidenceJson, task.buildEvidence()));
      byproducts.addAll(Extras.byproducts(task));
      Map<String, Object> predicate =
          Provenance.predicate(
              task,
              Provenance.attestedBuilder(measurement, tee.name()),
              byproducts,
              clock.instant());
      byte[] statement = Cosign.statement(image, Provenance.PREDICATE_TYPE, predicate);
      Dsse.Envelope env = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, key, "");
      List<String> extras = new ArrayList<>();
      for (byte[] st : Extras.statements(task)) {
        extras.add(Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, st, key, "").toJson());
      }
      trace("signed");
      return new BuilderProtocol.Signed(
          measurement,
          tee.name(),
          Base64.getEncoder().encodeToString(signature),
          env.toJson(),
          Digest.sha256(evidenceJson),
          extras);
    } finally {
      launch.destroy();
    }
  }

  /** The PKCS#8 P-256 key a base64 secret argument stands for. */
  private static PrivateKey privateKey(Secret arg) throws GeneralSecurityException {
    byte[] text = arg.bytes();
    byte[] der = new byte[0];
    try {
      der = Base64.getDecoder().decode(text);
      PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      if (!(k instanceof ECPrivateKey)) {
        throw new GeneralSecurityException("the released builder key is not an ECDSA key");
      }
      return k;
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // say nothing of what was read
      throw new GeneralSecurityException("the released builder key is not a PKCS#8 ECDSA key");
    } finally {
      Arrays.fill(text, (byte) 0);
      Arrays.fill(der, (byte) 0);
    }
  }

  private static boolean ecdsaVerify(PublicKey key, byte[] data, byte[] sig)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initVerify(key);
    s.update(data);
    return s.verify(sig);
  }

  private static byte[] ecdsa(PrivateKey key, byte[] data) throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(data);
    return s.sign();
  }
}
