package dev.cairn.pipeline.steps.internal;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.LaunchSpec;
import dev.cairn.attest.MeasuredJvm;
import dev.cairn.attest.PublishedTrust;
import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.StepContext;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.ImageRef;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The sign step's side of the attested builder: launches {@link BuilderWorkload} as a measured JVM
 * in the TEE (environment scrubbed, its measurement what it loads), opens the attestation service
 * (the embedded one in Cairn's home, approving this build's builder, or a team's), tells the
 * builder where to attest, and checks what it signed against the key the service publishes before
 * anything is stored. The key never reaches this process: a key the user supplies is sealed into
 * the embedded service, which releases it to the builder only.
 */
public final class AttestedBuilder {
  /** Runs of one process approve and supply in the embedded service one at a time. */
  private static final Object EMBEDDED = new Object();

  private AttestedBuilder() {}

  /**
   * What the builder signed, checked against the published builder key.
   *
   * @param signature the ECDSA signature over cosign's simple-signing payload of the image
   * @param envelope the DSSE envelope of the provenance Statement
   * @param extras the DSSE envelopes of the task's extra statements, in their order
   * @param measurement the builder's measurement
   * @param tee the TEE provider's name
   * @param trust what the attestation service publishes for the builder
   * @param approvedVersion the policy version that approved this measurement just now, or 0
   */
  public record Signed(
      byte[] signature,
      Dsse.Envelope envelope,
      List<Dsse.Envelope> extras,
      Digest measurement,
      String tee,
      PublishedTrust trust,
      int approvedVersion) {
    public Signed {
      signature = signature.clone();
      extras = List.copyOf(extras);
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }

  /** What the TEE measures for a builder running {@code classPath}. */
  public static LaunchSpec spec(List<Path> classPath) {
    return MeasuredJvm.spec(
        classPath, BuilderAttestation.NO_CHECK_PACK, BuilderAttestation.WORKLOAD_COMMAND);
  }

  /**
   * Has the builder on {@code classPath} sign {@code task}'s image and provenance.
   *
   * @param service a team's attestation service, or null for the embedded one in {@code home}
   * @param suppliedKey the user's PKCS#8 DER P-256 key to seal into the embedded service, or null
   *     to use the key the service generated
   * @throws PipelineException when the builder was refused its key or failed: one line, naming the
   *     measurement when that was the reason
   */
  public static Signed sign(
      StepContext ctx,
      CairnHome home,
      Clock clock,
      List<Path> classPath,
      BuilderProtocol.Task task,
      @Nullable URI service,
      @Nullable Secret suppliedKey)
      throws PipelineException {
    if (service != null && suppliedKey != null) {
      throw new PipelineException(
          "the sign step has a SIGNING_KEY and an attestation service: a team's attestation"
              + " service holds the builder key itself",
          "drop the SIGNING_KEY secret from the sign step, or the 'attestation' parameter to use"
              + " the embedded service");
    }
    TeeProvider tee = Tees.simulation(home, clock);
    PublishedTrust remote = service == null ? null : remoteTrust(service);
    MeasuredJvm.Launch launch =
        new MeasuredJvm.Launch(
            spec(classPath),
            BuilderWorkload.class.getName(),
            List.of(BuilderProtocol.encode(task)),
            Set.of(),
            workloadEnvironment(home),
            home.simulation().resolve("cds"));
    MeasuredJvm.Running workload;
    try {
      workload = MeasuredJvm.start(tee, launch);
    } catch (AttestationException e) {
      throw attestation("cannot launch the attested builder: ", e);
    }
    try (workload) {
      Process p = workload.process();
      ctx.onCancel(p::destroyForcibly);
      Digest measurement = workload.measurement();
      ctx.log()
          .line("launched the attested builder " + measurement + " in the " + tee.name() + " TEE");
      int[] approved = {0};
      AttestationService cas = null;
      PublishedTrust published;
      try {
        if (remote == null) {
          synchronized (EMBEDDED) {
            cas = BuilderAttestation.open(home, tee, clock, measurement, v -> approved[0] = v);
            if (suppliedKey != null
                && cas.supply(
                    BuilderAttestation.SESSION, BuilderAttestation.KEY_SECRET, suppliedKey)) {
              ctx.log().line("sealed the SIGNING_KEY to the builder's attestation policy");
            }
            published =
                cas.published(
                    BuilderAttestation.SESSION,
                    BuilderAttestation.SERVICE,
                    BuilderAttestation.KEY_SECRET,
                    "");
          }
          if (approved[0] > 0) {
            ctx.log()
                .line(
                    "the embedded attestation policy "
                        + BuilderAttestation.SESSION
                        + " v"
                        + approved[0]
                        + " approves builder "
                        + measurement);
          }
        } else {
          published = remote;
        }
      } catch (AttestationException e) {
        throw attestation("", e);
      }
      BuilderProtocol.Outcome outcome;
      try (AttestationHttp http = cas == null ? null : serve(cas)) {
        String attest =
            http == null
                ? java.util.Objects.requireNonNull(service).toString()
                : http.uri().toString();
        send(
            workload,
            new BuilderProtocol.Instructions(
                attest,
                BuilderAttestation.SESSION,
                BuilderAttestation.SERVICE,
                published.policy(),
                Base64.getEncoder().encodeToString(published.builderKey())));
        outcome = read(workload);
      }
      workload.finish(outcome instanceof BuilderProtocol.Signed);
      return switch (outcome) {
        case BuilderProtocol.Error e ->
            throw new PipelineException(
                e.message(),
                e.message().contains("not allowed by the attestation policy")
                    ? "approve builder "
                        + measurement
                        + " in the attestation policy "
                        + BuilderAttestation.SESSION
                        + " if this build of Cairn is yours"
                    : null);
        case BuilderProtocol.Signed s -> checked(s, measurement, published, task, approved[0]);
        case BuilderProtocol.Built b ->
            throw new PipelineException("the attested builder built instead of signing", null);
      };
    }
  }

  /**
   * Has the builder on {@code classPath} build {@code task} as a measured workload in the TEE: its
   * log lines go to the step's log, and it answers the image's digest with TEE evidence of its
   * measurement bound to that digest, the run and the commit. Cancelling the step ends the builder
   * and what it started.
   *
   * @throws PipelineException when the builder failed: its own one line
   */
  public static BuilderProtocol.Built build(
      StepContext ctx,
      CairnHome home,
      Clock clock,
      List<Path> classPath,
      BuilderProtocol.BuildTask task)
      throws PipelineException, InterruptedException {
    TeeProvider tee = Tees.simulation(home, clock);
    MeasuredJvm.Launch launch =
        new MeasuredJvm.Launch(
            spec(classPath),
            BuilderWorkload.class.getName(),
            List.of(BuilderProtocol.encode(task)),
            task.tool().equals("dockerfile")
                ? Set.of()
                : Set.copyOf(dev.cairn.pipeline.build.JavaBuild.WRAPPER_ENVIRONMENT),
            workloadEnvironment(home),
            // its own class-data archive: the build loads other classes than the signing
            home.simulation().resolve("cds").resolve("build"));
    MeasuredJvm.Running workload;
    try {
      // (the launcher makes the archive directory owner-only, or records no archive in it)
      workload = MeasuredJvm.start(tee, launch);
    } catch (AttestationException e) {
      throw new PipelineException(
          "cannot launch the measured builder: " + e.getMessage(), e.hint().orElse(null));
    }
    try (workload) {
      Process p = workload.process();
      ctx.onCancel(
          () -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
          });
      Digest measurement = workload.measurement();
      ctx.log()
          .line("building in the measured builder " + measurement + " (" + tee.name() + " TEE)");
      BuilderProtocol.Outcome outcome;
      try {
        // stdin stays open: the builder ends itself and what it started when it closes (this
        // process gone, even by kill -9)
        java.util.Optional<String> line =
            workload.resultLine(
                l -> {
                  if (l.startsWith("| ")) {
                    ctx.log().line(l.substring(2));
                  }
                });
        outcome =
            line.isPresent()
                ? BuilderProtocol.decodeOutcome(line.get())
                : new BuilderProtocol.Error(
                    ctx.cancelled()
                        ? "the build was cancelled"
                        : "the measured builder ended without a result (exit "
                            + p.exitValue()
                            + "); its own error is on standard error");
      } catch (IOException | IllegalArgumentException e) {
        throw new PipelineException(
            "cannot read the measured builder's result: " + e.getMessage(), null);
      }
      workload.finish(outcome instanceof BuilderProtocol.Built);
      return switch (outcome) {
        case BuilderProtocol.Error e -> throw new PipelineException(e.message(), null);
        case BuilderProtocol.Signed s ->
            throw new PipelineException("the measured builder signed instead of building", null);
        case BuilderProtocol.Built b -> {
          if (!b.measurement().equals(measurement)) {
            throw new PipelineException(
                "the builder says it is " + b.measurement() + " but was launched as " + measurement,
                null);
          }
          yield b;
        }
      };
    }
  }

  /** The builder's environment: Cairn's home, and {@code CAIRN_TRACE} when set (never secrets). */
  private static Map<String, String> workloadEnvironment(CairnHome home) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("CAIRN_HOME", home.root().toString());
    String trace = System.getenv("CAIRN_TRACE");
    if (trace != null) {
      env.put("CAIRN_TRACE", trace);
    }
    return env;
  }

  /** Never stores what does not verify with the published builder key. */
  private static Signed checked(
      BuilderProtocol.Signed s,
      Digest launched,
      PublishedTrust published,
      BuilderProtocol.Task task,
      int approved)
      throws PipelineException {
    if (!s.measurement().equals(launched)) {
      throw new PipelineException(
          "the builder says it is " + s.measurement() + " but was launched as " + launched, null);
    }
    byte[] signature;
    Dsse.Envelope env;
    List<Dsse.Envelope> extras = new java.util.ArrayList<>();
    try {
      signature = Base64.getDecoder().decode(s.signature());
      env = Dsse.parse(s.envelope());
      for (String e : s.extras()) {
        extras.add(Dsse.parse(e));
      }
    } catch (CairnException | IllegalArgumentException e) {
      throw new PipelineException("the attested builder's output is malformed", null);
    }
    List<byte[]> asked;
    try {
      asked = Extras.statements(task);
    } catch (CairnException e) {
      throw new PipelineException(String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
    if (asked.size() != extras.size()) {
      throw new PipelineException(
          "the attested builder signed "
              + extras.size()
              + " extra statements, not the "
              + asked.size()
              + " it was asked for; nothing was stored",
          null);
    }
    boolean ok;
    try {
      PublicKey key =
          KeyFactory.getInstance("EC")
              .generatePublic(new X509EncodedKeySpec(published.builderKey()));
      Signature v = Signature.getInstance("SHA256withECDSA");
      v.initVerify(key);
      v.update(Cosign.simpleSigningPayload(ImageRef.parse(task.image())));
      ok = v.verify(signature) && Dsse.verify(env, key);
      for (int i = 0; ok && i < extras.size(); i++) {
        // exactly the statement asked for, signed with the published key
        ok =
            Dsse.verify(extras.get(i), key)
                && java.util.Arrays.equals(extras.get(i).payload(), asked.get(i));
      }
    } catch (GeneralSecurityException | CairnException e) {
      ok = false;
    }
    if (!ok) {
      throw new PipelineException(
          "what the attested builder signed does not verify with the builder key "
              + Digest.sha256(published.builderKey())
              + " the attestation service publishes; nothing was stored",
          "check the attestation policy's builder-key: the service released a key that is not the"
              + " one it publishes");
    }
    return new Signed(signature, env, extras, s.measurement(), s.tee(), published, approved);
  }

  /** What a team's attestation service publishes for its attested builder. */
  public static PublishedTrust remoteTrust(URI service) throws PipelineException {
    PublishedTrust t;
    try {
      t =
          new AttestationHttp.Client(service)
              .trust(
                  BuilderAttestation.SESSION,
                  BuilderAttestation.SERVICE,
                  BuilderAttestation.KEY_SECRET,
                  "");
    } catch (AttestationException e) {
      throw attestation("", e);
    }
    if (!t.isBuilder()) {
      throw new PipelineException(
          "the attestation service at "
              + service
              + " publishes no builder key for "
              + BuilderAttestation.SESSION
              + "/"
              + BuilderAttestation.SERVICE,
          "give its policy a p256 secret "
              + BuilderAttestation.KEY_SECRET
              + " released to the service "
              + BuilderAttestation.SERVICE);
    }
    return t;
  }

  private static AttestationHttp serve(AttestationService cas) throws PipelineException {
    try {
      return AttestationHttp.serve(cas, "127.0.0.1", 0);
    } catch (IOException e) {
      throw new PipelineException(
          "cannot serve the embedded attestation service on 127.0.0.1: " + e.getMessage(), null);
    }
  }

  private static void send(MeasuredJvm.Running workload, BuilderProtocol.Instructions i)
      throws PipelineException {
    try {
      workload.tell(BuilderProtocol.encode(i));
    } catch (IOException e) {
      // it is gone: say how it ended rather than that a pipe closed
      Process p = workload.process();
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      throw new PipelineException(
          "the attested builder ended before it attested"
              + (p.isAlive() ? "" : " (exit " + p.exitValue() + ")")
              + "; its own error is on standard error",
          null);
    }
  }

  /** The builder's one result line (it exits by itself right after). */
  private static BuilderProtocol.Outcome read(MeasuredJvm.Running workload)
      throws PipelineException {
    try {
      java.util.Optional<String> line = workload.resultLine();
      if (line.isPresent()) {
        return BuilderProtocol.decodeOutcome(line.get());
      }
      return new BuilderProtocol.Error(
          "the attested builder ended without a result (exit "
              + workload.process().exitValue()
              + ")");
    } catch (IOException | IllegalArgumentException e) {
      throw new PipelineException(
          "cannot read the attested builder's result: " + e.getMessage(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("interrupted while the attested builder signed", null);
    }
  }

  private static PipelineException attestation(String prefix, AttestationException e) {
    return new PipelineException(prefix + e.getMessage(), e.hint().orElse(null), null, null);
  }
}
