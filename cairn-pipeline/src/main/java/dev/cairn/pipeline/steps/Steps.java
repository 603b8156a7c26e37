package dev.cairn.pipeline.steps;

import dev.cairn.attest.MeasuredJvm;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepResult;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.pipeline.build.BuildEvent;
import dev.cairn.pipeline.build.BuiltImage;
import dev.cairn.pipeline.build.Dockerfile;
import dev.cairn.pipeline.build.ImageBuild;
import dev.cairn.pipeline.build.ImageBuilds;
import dev.cairn.pipeline.build.ImageOutput;
import dev.cairn.pipeline.build.Instruction;
import dev.cairn.pipeline.source.Checkout;
import dev.cairn.pipeline.source.GitAuth;
import dev.cairn.pipeline.steps.internal.AttestedBuilder;
import dev.cairn.pipeline.steps.internal.BuilderProtocol;
import dev.cairn.pipeline.steps.internal.Provenance;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.RegistryAuth;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The executors of {@code checkout}, {@code build}, {@code push} and {@code sign}.
 *
 * <ul>
 *   <li>{@code checkout}: the run's exact commit into the workspace (secret {@code GIT_TOKEN} for
 *       HTTPS); a local directory's working tree is copied as it is.
 *   <li>{@code build}: the workspace's Dockerfile, built without a daemon. When the pipeline has a
 *       {@code push} step, the layers go straight to its registry (the image is {@code
 *       registry/repository:<commit>}); the build's digest is its output {@code digest}.
 *   <li>{@code push}: checks that the registry serves exactly the built digest and records {@code
 *       image} as {@code registry/repository@sha256:…} (secrets {@code REGISTRY_USERNAME}, {@code
 *       REGISTRY_PASSWORD}; {@code insecure: true} allows plain HTTP).
 *   <li>{@code sign}: a cosign signature of the image and a SLSA v1 provenance attestation, stored
 *       as cosign stores them (tags and OCI referrers). By default signed by the <em>attested
 *       builder</em>: a measured workload in the TEE that receives its ECDSA P-256 key from the
 *       attestation service only when its measurement matches the policy (the embedded service in
 *       Cairn's home, or a team's named by {@code attestation: URL}); a {@code SIGNING_KEY} secret
 *       given to it is sealed to the policy rather than used here. With {@code attested: false} the
 *       key in secret {@code SIGNING_KEY} (PKCS#8 PEM) signs in this process, and the builder id
 *       says so ({@link #LOCAL_BUILDER}).
 * </ul>
 */
public final class Steps {
  /** The builder id of provenance signed by a pipeline's own key, outside any TEE. */
  public static final String LOCAL_BUILDER = Provenance.LOCAL_BUILDER;

  /** The builder id of provenance signed by the attested builder (a measured workload). */
  public static final String ATTESTED_BUILDER = Provenance.ATTESTED_BUILDER;

  /** The build type of Cairn's pipeline runs. */
  public static final String BUILD_TYPE = Provenance.BUILD_TYPE;

  private Steps() {}

  /**
   * The executors of this package, with Cairn's {@code home} (the attested builder's TEE and
   * embedded attestation service) and {@code clock} for provenance times; the attested builder runs
   * this process's class path.
   */
  public static List<StepExecutor> all(CairnHome home, Clock clock) {
    return all(home, clock, MeasuredJvm.currentClassPath());
  }

  /**
   * As {@link #all(CairnHome, Clock)}, the attested builder running {@code builderClassPath}
   * (another build of Cairn is another measurement).
   */
  public static List<StepExecutor> all(CairnHome home, Clock clock, List<Path> builderClassPath) {
    return List.of(
        new CheckoutStep(),
        new BuildStep(clock),
        new PushStep(),
        new SignStep(home, clock, builderClassPath));
  }

  /** What the TEE measures for the attested builder running {@code builderClassPath}. */
  public static Digest builderMeasurement(CairnHome home, Clock clock, List<Path> builderClassPath)
      throws CairnException {
    return Tees.simulation(home, clock).measure(AttestedBuilder.spec(builderClassPath));
  }

  /** The {@code push} step of the run's pipeline, if any. */
  static Optional<StepSpec> pushStep(RunRequest r) {
    return r.definition().steps().stream().filter(s -> s.kind() == StepKind.PUSH).findFirst();
  }

  /** Where the push step puts the image: {@code registry/repository:<commit or run>}. */
  static ImageRef target(StepContext ctx, StepSpec push) throws PipelineException {
    String registry = push.param("registry", "");
    String repository = push.param("repository", "");
    if (registry.isEmpty() || repository.isEmpty()) {
      throw new PipelineException(
          ctx.request().definition().source()
              + ":"
              + push.location()
              + ": the push step needs 'registry' and 'repository'",
          "add them, e.g. push: {registry: 127.0.0.1:5000, repository: team/app}");
    }
    String c = ctx.request().commit();
    String tag = c.isEmpty() ? "run-" + ctx.runId() : c.substring(0, Math.min(12, c.length()));
    try {
      return ImageRef.parse(registry + "/" + repository + ":" + tag);
    } catch (CairnException e) {
      throw new PipelineException(
          "the push step's image "
              + registry
              + "/"
              + repository
              + " is not an image name: "
              + e.getMessage(),
          "write registry as host[:port] and repository as lower-case path, e.g. team/app");
    }
  }

  static boolean insecure(StepSpec push) {
    return Boolean.TRUE.equals(push.params().get("insecure"));
  }

  static RegistryAuth.@Nullable Basic registryAuth(StepContext ctx) throws PipelineException {
    Secret user = ctx.secrets().get("REGISTRY_USERNAME");
    Secret password = ctx.secrets().get("REGISTRY_PASSWORD");
    if (password == null) {
      return null;
    }
    String name =
        user == null ? "cairn" : new String(user.bytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (name.isEmpty() || name.contains(":")) {
      // the name is no secret, but say nothing of it anyway
      throw new PipelineException(
          "secret REGISTRY_USERNAME is not a registry user name (empty, or with ':')",
          "set it to the registry account's name");
    }
    return new RegistryAuth.Basic(name, password);
  }

  static OciClient client(ImageRef image, StepSpec push, @Nullable RegistryAuth auth) {
    Registries.Builder b = Registries.builder();
    if (insecure(push)) {
      b.allowPlainHttp(image.registry());
    }
    if (auth != null) {
      b.auth(image.registry(), auth);
    }
    return b.build();
  }

  private static final class CheckoutStep implements StepExecutor {
    @Override
    public StepKind kind() {
      return StepKind.CHECKOUT;
    }

    @Override
    public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
      RunRequest r = ctx.request();
      try {
        if (r.commit().isEmpty()) {
          copyTree(Path.of(r.repository()), ctx.workspace());
          ctx.log().line("copied the working tree of " + r.repository());
          return StepResult.succeeded(Map.of("tree", "working tree"));
        }
        Secret token = ctx.secrets().get("GIT_TOKEN");
        Checkout c =
            Checkout.at(
                r.repository(),
                r.commit(),
                token == null ? GitAuth.none() : GitAuth.token(token),
                ctx.workspace());
        ctx.log().line("checked out " + c.commit() + (c.shallow() ? " (shallow)" : ""));
        return StepResult.succeeded(
            Map.of("commit", c.commit(), "treeDigest", c.treeDigest().toString()));
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), false);
      } catch (IOException e) {
        return StepResult.failed(null, dev.cairn.core.Text.describe(e), false);
      }
    }

    private static void copyTree(Path from, Path to) throws IOException {
      try (var walk = Files.walk(from)) {
        for (Path p : (Iterable<Path>) walk::iterator) {
          Path rel = from.relativize(p);
          if (rel.toString().equals(".git") || rel.startsWith(".git")) {
            continue;
          }
          Path target = to.resolve(rel.toString());
          // links stay links (never the file they point at, which may be outside the tree), and
          // modes stay as they are: an executable script stays executable
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(target);
          } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
            Files.copy(
                p,
                target,
                LinkOption.NOFOLLOW_LINKS,
                StandardCopyOption.COPY_ATTRIBUTES,
                StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
  }

  private static final class BuildStep implements StepExecutor {
    private final Clock clock;

    BuildStep(Clock clock) {
      this.clock = clock;
    }

    @Override
    public StepKind kind() {
      return StepKind.BUILD;
    }

    @Override
    public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
      Instant started = clock.instant();
      StepSpec step = ctx.step();
      Path workspace = ctx.workspace().toAbsolutePath().normalize();
      Path context = workspace.resolve(step.param("context", ".")).normalize();
      Path dockerfile = context.resolve(step.param("dockerfile", "Dockerfile")).normalize();
      for (Path p : List.of(context, dockerfile)) {
        if (!p.startsWith(workspace)) {
          throw new PipelineException(
              ctx.request().definition().source()
                  + ":"
                  + step.location()
                  + ": the build's context and dockerfile must be inside the checkout, not "
                  + p,
              "give them relative to the repository's root, without ..");
        }
      }
      Path work = workspace.resolveSibling("build-" + ctx.runId());
      boolean pushed = pushStep(ctx.request()).isPresent();
      try {
        Files.createDirectories(work);
        ImageBuild.Builder b =
            ImageBuild.builder(context, work).dockerfile(dockerfile).timestamp(Instant.EPOCH);
        if (step.params().get("args") instanceof Map<?, ?> args) {
          args.forEach((k, v) -> b.buildArg(String.valueOf(k), String.valueOf(v)));
        }
        String target = step.param("target", "");
        if (!target.isEmpty()) {
          b.target(target);
        }
        Optional<StepSpec> push = pushStep(ctx.request());
        if (pushed && push.isPresent()) {
          ImageRef image = target(ctx, push.get());
          RegistryAuth.Basic auth = registryAuth(ctx);
          b.output(
              new ImageOutput.Registry(
                  image.toString(),
                  auth == null
                      ? null
                      : new dev.cairn.pipeline.build.RegistryAuth(auth.username(), auth.password()),
                  insecure(push.get())));
        } else {
          b.output(new ImageOutput.OciArchive(work.resolve("image.oci.tar")));
        }
        ImageBuild request = b.build();
        // the bases by digest, resolved before and after the build: provenance names what was
        // built on, and a tag that moved meanwhile fails the build rather than the record
        List<String> bases = baseImages(ctx, ImageBuilds.plan(request).dockerfile());
        BuiltImage built = ImageBuilds.build(request, e -> log(ctx, e));
        ctx.log().line("built " + built.digest() + " with " + built.builder());
        List<String> after = baseImages(ctx, ImageBuilds.plan(request).dockerfile());
        if (!after.equals(bases)) {
          return StepResult.failed(
              null, "a base image moved while it was built on: " + bases + " then " + after, true);
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("digest", built.digest().toString());
        out.put("startedOn", started.toString());
        if (!bases.isEmpty()) {
          out.put("baseImages", String.join(" ", bases));
        }
        if (!pushed) {
          out.put("archive", work.resolve("image.oci.tar").toString());
        }
        return StepResult.succeeded(out);
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), false);
      } catch (IOException e) {
        return StepResult.failed(null, dev.cairn.core.Text.describe(e), false);
      } finally {
        if (pushed) {
          Delivery.deleteTree(work);
        }
      }
    }
  }

  /**
   * The registry images the Dockerfile builds on ({@code FROM} and {@code COPY --from}), each as
   * {@code reference@sha256:…}, sorted: read with the push step's registry settings where the image
   * is on its registry.
   */
  static List<String> baseImages(StepContext ctx, Dockerfile d) throws CairnException {
    java.util.TreeSet<String> refs = new java.util.TreeSet<>();
    for (Dockerfile.Stage st : d.stages()) {
      if (st.from().stage() < 0 && !st.from().image().value().equalsIgnoreCase("scratch")) {
        refs.add(st.from().image().value());
      }
      for (Instruction i : st.instructions()) {
        if (i instanceof Instruction.Copy c && c.fromStage() < 0 && c.fromImage() != null) {
          refs.add(c.fromImage().value());
        }
      }
    }
    List<String> out = new java.util.ArrayList<>();
    Optional<StepSpec> push = pushStep(ctx.request());
    for (String r : refs) {
      ImageRef ref = ImageRef.parse(r);
      if (ref.digestIfAny().isPresent()) {
        out.add(ref.toString());
        continue;
      }
      boolean ours = push.isPresent() && push.get().param("registry", "").equals(ref.registry());
      Registries.Builder rb = Registries.builder();
      if (ours && insecure(push.get())) {
        rb.allowPlainHttp(ref.registry());
      }
      RegistryAuth.Basic auth = ours ? registryAuth(ctx) : null;
      if (auth != null) {
        rb.auth(ref.registry(), auth);
      }
      Digest digest =
          rb.build()
              .headManifest(ref)
              .orElseThrow(
                  () ->
                      new PipelineException(
                          "base image " + r + " is not in its registry",
                          "push the base image first, or fix its name in the Dockerfile"))
              .digest();
      out.add(ref.withDigest(digest).toString());
    }
    return out;
  }

  /** A build event as a log line; progress fractions are left out. */
  static void log(StepContext ctx, BuildEvent e) {
    switch (e) {
      case BuildEvent.Routed r -> ctx.log().line("builder: " + r.builder());
      case BuildEvent.Step s -> ctx.log().line(s.location() + " " + s.instruction());
      case BuildEvent.Log l -> ctx.log().line(l.line());
      case BuildEvent.Written w -> ctx.log().line("wrote " + w.digest() + " to " + w.output());
      case BuildEvent.Progress p -> {}
    }
  }

  private static final class PushStep implements StepExecutor {
    @Override
    public StepKind kind() {
      return StepKind.PUSH;
    }

    @Override
    public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
      String digest =
          ctx.output(StepKind.BUILD, "digest")
              .orElseThrow(
                  () ->
                      new PipelineException(
                          "the push step has no image: no build step before it",
                          "put a build step before push"));
      ImageRef tagged = target(ctx, ctx.step());
      // by digest only: what is signed and deployed never moves with a tag
      ImageRef image =
          new ImageRef(tagged.registry(), tagged.repository(), null, Digest.parse(digest));
      try {
        var served = client(image, ctx.step(), registryAuth(ctx)).headManifest(image);
        if (served.isEmpty() || !served.get().digest().toString().equals(digest)) {
          return StepResult.failed(
              null, image.registry() + " does not serve " + image + " as built", true);
        }
        ctx.log().line("pushed " + image);
        return StepResult.succeeded(Map.of("image", image.toString()));
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), true);
      }
    }
  }

  private static final class SignStep implements StepExecutor {
    private final CairnHome home;
    private final Clock clock;
    private final List<Path> builderClassPath;

    SignStep(CairnHome home, Clock clock, List<Path> builderClassPath) {
      this.home = home;
      this.clock = clock;
      this.builderClassPath = List.copyOf(builderClassPath);
    }

    @Override
    public StepKind kind() {
      return StepKind.SIGN;
    }

    @Override
    public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
      Instant started = clock.instant();
      RunRequest r = ctx.request();
      StepSpec step = ctx.step();
      String ref =
          ctx.output(StepKind.PUSH, "image")
              .orElseThrow(
                  () ->
                      new PipelineException(
                          "the sign step has no image: no push step before it",
                          "put a push step before sign"));
      boolean attested = !Boolean.FALSE.equals(step.params().get("attested"));
      String service = step.param("attestation", "");
      Secret pem = ctx.secrets().get("SIGNING_KEY");
      String at = r.definition().source() + ":" + step.location();
      if (!attested && pem == null) {
        throw new PipelineException(
            at
                + ": the sign step with attested: false needs its key: secret SIGNING_KEY is not"
                + " given",
            "set the step's secrets: {SIGNING_KEY: <name>} to an ECDSA P-256 PKCS#8 PEM key, or"
                + " drop attested: false to sign with the attested builder");
      }
      if (!attested && !service.isEmpty()) {
        throw new PipelineException(
            at + ": 'attestation' names the attested builder's service, but attested is false",
            "drop one of them");
      }
      URI serviceUri = null;
      if (!service.isEmpty()) {
        try {
          serviceUri = new URI(service);
          if (!"http".equals(serviceUri.getScheme()) && !"https".equals(serviceUri.getScheme())) {
            throw new URISyntaxException(service, "not http(s)");
          }
        } catch (URISyntaxException e) {
          throw new PipelineException(
              at + ": 'attestation' is not an http(s) URL of an attestation service: " + service,
              "give the service's base URL, e.g. http://127.0.0.1:8443");
        }
      }
      StepSpec push = pushStep(r).orElseThrow();
      PrivateKey key = null;
      ImageRef image;
      try {
        // a bad key or image name does not get better with a retry
        if (pem != null) {
          key = CosignKeys.readPrivateKey(pem);
        }
        image = ImageRef.parse(ref);
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), false);
      }
      BuilderProtocol.Task task = task(ctx, home, image, started);
      Cosign cosign = Cosign.using(client(image, push, registryAuth(ctx)), clock);
      if (!attested) {
        try {
          cosign.sign(image, java.util.Objects.requireNonNull(key), Cosign.Storage.BOTH);
          byte[] statement =
              Cosign.statement(
                  image,
                  Provenance.PREDICATE_TYPE,
                  Provenance.predicate(
                      task, Provenance.localBuilder(), List.of(), clock.instant()));
          cosign.attest(image, statement, key, Cosign.Storage.BOTH);
          ctx.log().line("signed " + image + " and its SLSA provenance with the local builder");
          return StepResult.succeeded(Map.of("signed", image.toString(), "builder", LOCAL_BUILDER));
        } catch (CairnException e) {
          return StepResult.failed(null, String.valueOf(e.getMessage()), true);
        }
      }
      AttestedBuilder.Signed signed;
      Secret supplied = null;
      if (key != null) {
        byte[] der = key.getEncoded();
        supplied = Secret.of(der);
        java.util.Arrays.fill(der, (byte) 0);
      }
      try {
        signed =
            AttestedBuilder.sign(ctx, home, clock, builderClassPath, task, serviceUri, supplied);
      } catch (PipelineException e) {
        // refused or failed: the builder's own words, one line; a retry is measured the same
        return StepResult.failed(null, String.valueOf(e.getMessage()), false);
      } finally {
        if (supplied != null) {
          supplied.destroy();
        }
      }
      try {
        cosign.storeSignature(image, signed.signature(), Cosign.Storage.BOTH);
        cosign.storeAttestation(image, signed.envelope(), Cosign.Storage.BOTH);
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), true);
      }
      ctx.log()
          .line(
              "signed "
                  + image
                  + " and its SLSA provenance with the attested builder "
                  + signed.measurement()
                  + (signed.tee().equals("simulation")
                      ? " (" + Tees.SIMULATION_WARNING + ")"
                      : ""));
      Map<String, String> out = new LinkedHashMap<>();
      out.put("signed", image.toString());
      out.put("builder", ATTESTED_BUILDER);
      out.put("measurement", signed.measurement().toString());
      out.put("tee", signed.tee());
      out.put("builderKey", Digest.sha256(signed.trust().builderKey()).toString());
      out.put("policy", signed.trust().policy().toString());
      return StepResult.succeeded(out);
    }

    /** The run's facts, as its provenance states them. */
    private static BuilderProtocol.Task task(
        StepContext ctx, CairnHome home, ImageRef image, Instant signStarted)
        throws PipelineException {
      RunRequest r = ctx.request();
      List<BuilderProtocol.Dependency> deps = new java.util.ArrayList<>();
      deps.add(
          new BuilderProtocol.Dependency(
              r.repository(), r.commit().isEmpty() ? Map.of() : Map.of("gitCommit", r.commit())));
      String bases = ctx.output(StepKind.BUILD, "baseImages").orElse("");
      for (String b : bases.split(" ")) {
        if (b.isBlank()) {
          continue;
        }
        try {
          ImageRef base = ImageRef.parse(b);
          Digest d = base.requireDigest();
          deps.add(
              new BuilderProtocol.Dependency(
                  "oci://" + base.name() + base.tagIfAny().map(t -> ":" + t).orElse(""),
                  Map.of(d.algorithm(), d.hex())));
        } catch (CairnException | RuntimeException e) {
          throw new PipelineException(
              "the build step's base image " + b + " is not an image by digest", null);
        }
      }
      Instant startedOn =
          ctx.output(StepKind.BUILD, "startedOn").map(Instant::parse).orElse(signStarted);
      return new BuilderProtocol.Task(
          home.root().toAbsolutePath().toString(),
          image.toString(),
          ctx.runId(),
          r.repository(),
          r.ref(),
          r.commit(),
          r.definition().source(),
          r.definition().digest(),
          r.trigger().source(),
          deps,
          startedOn);
    }
  }
}
