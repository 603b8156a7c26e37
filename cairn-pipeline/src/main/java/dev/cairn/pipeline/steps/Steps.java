package dev.cairn.pipeline.steps;

import dev.cairn.attest.MeasuredJvm;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepResult;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.pipeline.build.BuildEvent;
import dev.cairn.pipeline.build.BuildPlan;
import dev.cairn.pipeline.build.BuiltImage;
import dev.cairn.pipeline.build.Dockerfile;
import dev.cairn.pipeline.build.ImageBuild;
import dev.cairn.pipeline.build.ImageBuilds;
import dev.cairn.pipeline.build.ImageOutput;
import dev.cairn.pipeline.build.Instruction;
import dev.cairn.pipeline.build.JavaBuild;
import dev.cairn.pipeline.source.Checkout;
import dev.cairn.pipeline.source.GitAuth;
import dev.cairn.pipeline.steps.internal.AttestedBuilder;
import dev.cairn.pipeline.steps.internal.BuildTasks;
import dev.cairn.pipeline.steps.internal.BuilderProtocol;
import dev.cairn.pipeline.steps.internal.Extras;
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
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The executors of {@code checkout}, {@code build}, {@code push} and {@code sign}.
 *
 * <ul>
 *   <li>{@code checkout}: the run's exact commit into the workspace (secret {@code GIT_TOKEN} for
 *       HTTPS); a local directory's working tree is copied as it is.
 *   <li>{@code build}: the workspace's Dockerfile, built without a daemon; with none, a Maven or
 *       Gradle project built with its own wrapper and packaged as a layered Java image. Written as
 *       an OCI archive (output {@code archive}); base images on the push step's registry are pulled
 *       through Cairn's OCI client with that registry's settings. Output {@code digest}.
 *   <li>{@code push}: uploads the archive to {@code registry/repository:<commit>}, checks that the
 *       registry serves exactly the built digest and records {@code image} as {@code
 *       registry/repository@sha256:…}. HTTPS with the JDK's CAs and {@code caCertificate} (or
 *       secret {@code REGISTRY_CA_CERTIFICATE}); plain HTTP only with {@code plainHttp: true}
 *       ({@code insecure: true}); secrets {@code REGISTRY_USERNAME}, {@code REGISTRY_PASSWORD}, for
 *       basic auth or a bearer registry's token service.
 *   <li>{@code sbom}: a CycloneDX 1.6 SBOM of the pushed image (or, before push, of the built
 *       archive) in the workspace ({@code output}, default {@code sbom.cdx.json}); outputs {@code
 *       sbom}, {@code sbomDigest} and {@code components} ({@link SbomStep}).
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
        new BuildStep(home, clock, builderClassPath),
        new PushStep(),
        new SbomStep(clock),
        new SignStep(home, clock, builderClassPath),
        new VulnGateStep(home, clock),
        new EnclaveStep(home, clock));
  }

  /**
   * What trusting a team's attested builder added to a trust root.
   *
   * @param added how many items (builder key, builder measurements, platform keys) were new
   * @param builderKey the builder key's id
   * @param measurements how many builder measurements the service's policy approves
   * @param platformKeys how many TEE platform keys it trusts
   */
  public record TrustedBuilder(int added, Digest builderKey, int measurements, int platformKeys) {}

  /**
   * Makes the trust root in {@code trustRoot} trust the attested builder of the team's attestation
   * service at {@code service} — its builder key, the builder measurements its policy approves and
   * the TEE platform keys it trusts — from {@code from} on: an operator's explicit act (a service
   * named in a pipeline file is never trusted for being named there). Only grows; retired items
   * stay retired.
   *
   * @throws PipelineException when the service cannot be read or publishes no builder
   */
  public static TrustedBuilder trustBuilderService(Path trustRoot, URI service, Instant from)
      throws PipelineException {
    dev.cairn.attest.PublishedTrust t = AttestedBuilder.remoteTrust(service);
    int added;
    try {
      added = dev.cairn.supplychain.BuilderTrust.grow(trustRoot, t, from);
    } catch (CairnException e) {
      throw new PipelineException(String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
    return new TrustedBuilder(
        added,
        Digest.sha256(t.builderKey()),
        t.builderMeasurements().size(),
        t.platformKeys().size());
  }

  /**
   * The {@code deploy} step's executor: params {@code target} (a name {@code targets} knows) and
   * {@code manifests} (paths in the workspace, a string or a list; default {@code deploy}); the
   * image is the push step's {@code image} output. Outputs {@code revision}. A rollout that failed
   * (and was rolled back) fails the step, naming why.
   */
  public static StepExecutor deploy(dev.cairn.pipeline.DeployTarget.Lookup targets) {
    return new DeployStep(targets);
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
          push.location() + ": the push step needs 'registry' and 'repository'",
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

  /**
   * Whether another attempt can do better: the registry did not answer, was busy or failed on its
   * side (no answer, 408, 429, 5xx). Refused credentials, a missing repository or a bad request do
   * not get better with a retry.
   */
  static boolean transientFailure(CairnException e) {
    if (e instanceof dev.cairn.supplychain.RegistryException r) {
      int s = r.status();
      return s == 0 || s == 408 || s == 429 || s >= 500;
    }
    return false;
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
    private final CairnHome home;
    private final Clock clock;
    private final List<Path> builderClassPath;

    BuildStep(CairnHome home, Clock clock, List<Path> builderClassPath) {
      this.home = home;
      this.clock = clock;
      this.builderClassPath = List.copyOf(builderClassPath);
    }

    @Override
    public StepKind kind() {
      return StepKind.BUILD;
    }

    @Override
    public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
      Instant started = clock.instant();
      // the images built on, by digest: what the provenance names as resolved dependencies
      java.util.TreeSet<String> bases = new java.util.TreeSet<>();
      StepSpec step = ctx.step();
      Path workspace = ctx.workspace().toAbsolutePath().normalize();
      Path context = workspace.resolve(step.param("context", ".")).normalize();
      Path dockerfile = context.resolve(step.param("dockerfile", "Dockerfile")).normalize();
      for (Path p : List.of(context, dockerfile)) {
        if (!p.startsWith(workspace)) {
          throw new PipelineException(
              step.location()
                  + ": the build's context and dockerfile must be inside the checkout, not "
                  + p,
              "give them relative to the repository's root, without ..");
        }
      }
      Path work = workspace.resolveSibling("build-" + ctx.runId());
      Path archive = work.resolve("image.oci.tar");
      Optional<StepSpec> push = pushStep(ctx.request());
      try {
        Files.createDirectories(work);
        RegistryOptions registry =
            push.isPresent()
                ? RegistryOptions.of(ctx, push.get(), target(ctx, push.get()).registry())
                : null;
        Built built;
        boolean explicitDockerfile = step.params().containsKey("dockerfile");
        Optional<JavaBuild.Tool> java =
            explicitDockerfile || Files.isRegularFile(dockerfile)
                ? Optional.empty()
                : ImageBuilds.detectJava(context);
        // built by the measured builder when an attested builder signs it: one measurement
        // builds and signs, and the build's evidence goes into the provenance
        Builder builder = measured(ctx.request()) ? this::measuredBuild : BuildStep::localBuild;
        if (java.isPresent()) {
          built =
              buildJava(ctx, step, context, work, archive, java.get(), registry, bases, builder);
        } else {
          if (!Files.isRegularFile(dockerfile)) {
            return StepResult.failed(
                null,
                "nothing to build in "
                    + (context.equals(workspace) ? "the checkout" : workspace.relativize(context))
                    + ": no "
                    + workspace.relativize(dockerfile)
                    + ", pom.xml or build.gradle",
                false);
          }
          built =
              buildDockerfile(
                  ctx, step, context, dockerfile, work, archive, registry, bases, builder);
        }
        ctx.log().line("built " + built.digest() + " with " + built.builder());
        Map<String, String> out = new LinkedHashMap<>();
        out.put("digest", built.digest().toString());
        if (built.measurement() != null) {
          out.put("measurement", built.measurement().toString());
          out.put("evidence", Objects.requireNonNull(built.evidence()));
        }
        out.put("archive", archive.toString());
        out.put("startedOn", started.toString());
        if (!bases.isEmpty()) {
          out.put("baseImages", String.join(" ", bases));
        }
        return StepResult.succeeded(out);
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), false);
      } catch (IOException e) {
        return StepResult.failed(null, dev.cairn.core.Text.describe(e), false);
      }
    }

    /** What was built, and by the measured builder: its measurement and evidence (else null). */
    record Built(
        Digest digest, String builder, @Nullable Digest measurement, @Nullable String evidence) {}

    /** Carries out a build task: in this process, or in the measured builder. */
    @FunctionalInterface
    interface Builder {
      Built build(StepContext ctx, BuilderProtocol.BuildTask task)
          throws CairnException, IOException, InterruptedException;
    }

    /** Whether an attested builder signs this run's image (so it builds it too). */
    private static boolean measured(RunRequest r) {
      for (StepSpec s : r.definition().steps()) {
        if (s.kind() == StepKind.SIGN) {
          return !Boolean.FALSE.equals(s.params().get("attested"));
        }
      }
      return false;
    }

    private static Built localBuild(StepContext ctx, BuilderProtocol.BuildTask task)
        throws CairnException, IOException, InterruptedException {
      BuiltImage b = BuildTasks.run(task, e -> log(ctx, e));
      return new Built(b.digest(), b.builder(), null, null);
    }

    private Built measuredBuild(StepContext ctx, BuilderProtocol.BuildTask task)
        throws PipelineException, InterruptedException {
      BuilderProtocol.Built b = AttestedBuilder.build(ctx, home, clock, builderClassPath, task);
      return new Built(b.image(), b.builder(), b.measurement(), b.evidence());
    }

    private BuilderProtocol.BuildTask task(
        StepContext ctx,
        String tool,
        Path context,
        String dockerfile,
        Map<String, String> args,
        String target,
        Map<String, String> bases,
        Path work,
        Path archive,
        String baseImage,
        List<String> wrapperArgs,
        String mainClass,
        String layout,
        Map<String, String> environment) {
      return new BuilderProtocol.BuildTask(
          home.root().toAbsolutePath().toString(),
          ctx.runId(),
          ctx.request().commit(),
          tool,
          context.toAbsolutePath().toString(),
          dockerfile,
          args,
          target,
          bases,
          work.toAbsolutePath().toString(),
          archive.toAbsolutePath().toString(),
          baseImage,
          wrapperArgs,
          mainClass,
          layout,
          environment,
          Math.max(1, ctx.step().timeout().toSeconds()));
    }

    private Built buildDockerfile(
        StepContext ctx,
        StepSpec step,
        Path context,
        Path dockerfile,
        Path work,
        Path archive,
        @Nullable RegistryOptions registry,
        java.util.Set<String> bases,
        Builder builder)
        throws CairnException, IOException, InterruptedException {
      ImageBuild.Builder b =
          ImageBuild.builder(context, work).dockerfile(dockerfile).timestamp(Instant.EPOCH);
      Map<String, String> args = new LinkedHashMap<>();
      if (step.params().get("args") instanceof Map<?, ?> a) {
        a.forEach((k, v) -> args.put(String.valueOf(k), String.valueOf(v)));
      }
      args.forEach(b::buildArg);
      String target = step.param("target", "");
      if (!target.isEmpty()) {
        b.target(target);
      }
      b.output(new ImageOutput.OciArchive(archive));
      BuildPlan plan = ImageBuilds.plan(b.build());
      java.util.Set<String> pulled = new java.util.HashSet<>();
      Map<String, String> archives = new LinkedHashMap<>();
      if (registry != null) {
        // base images on the pipeline's registry come through Cairn's client, with its CA,
        // credentials and plain-HTTP rule, as a local archive the builders read
        int n = 0;
        for (Dockerfile.Stage s : plan.dockerfile().stages()) {
          String from = s.from().image().value();
          if (s.from().stage() >= 0 || from.equalsIgnoreCase("scratch") || !pulled.add(from)) {
            continue;
          }
          Path base = pullBase(ctx, registry, from, work.resolve("base-" + n++ + ".tar"), bases);
          if (base != null) {
            archives.put(from, base.toAbsolutePath().toString());
          } else {
            pulled.remove(from);
          }
        }
      }
      // the builders pull the others themselves: resolved before and after the build, so that a
      // tag that moved meanwhile fails the build rather than the provenance
      List<String> before = otherBases(plan.dockerfile(), pulled);
      Built built =
          builder.build(
              ctx,
              task(
                  ctx,
                  "dockerfile",
                  context,
                  dockerfile.toAbsolutePath().toString(),
                  args,
                  target,
                  archives,
                  work,
                  archive,
                  "",
                  List.of(),
                  "",
                  "",
                  Map.of()));
      List<String> after = otherBases(plan.dockerfile(), pulled);
      if (!after.equals(before)) {
        throw new PipelineException(
            "a base image moved while it was built on: " + before + " then " + after,
            "run again: the provenance names each base image by the digest built on");
      }
      bases.addAll(before);
      return built;
    }

    /**
     * The registry images {@code d} builds on ({@code FROM}, {@code COPY --from}) other than those
     * in {@code pulled}, each as {@code reference@sha256:…}: asked of their registries (HTTPS).
     */
    private static List<String> otherBases(Dockerfile d, java.util.Set<String> pulled)
        throws CairnException {
      java.util.TreeSet<String> refs = new java.util.TreeSet<>();
      for (Dockerfile.Stage st : d.stages()) {
        String from = st.from().image().value();
        if (st.from().stage() < 0 && !from.equalsIgnoreCase("scratch") && !pulled.contains(from)) {
          refs.add(from);
        }
        for (Instruction i : st.instructions()) {
          if (i instanceof Instruction.Copy c && c.fromStage() < 0 && c.fromImage() != null) {
            refs.add(c.fromImage().value());
          }
        }
      }
      return byDigest(refs);
    }

    /** Each of {@code refs} as {@code reference@sha256:…}: asked of its registry (HTTPS). */
    private static List<String> byDigest(java.util.SortedSet<String> refs) throws CairnException {
      List<String> out = new java.util.ArrayList<>();
      OciClient oci = refs.isEmpty() ? null : Registries.builder().build();
      for (String r : refs) {
        ImageRef ref = ImageRef.parse(r);
        if (ref.digestIfAny().isPresent()) {
          out.add(ref.toString());
          continue;
        }
        Digest digest =
            java.util.Objects.requireNonNull(oci)
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

    private Built buildJava(
        StepContext ctx,
        StepSpec step,
        Path project,
        Path work,
        Path archive,
        JavaBuild.Tool tool,
        @Nullable RegistryOptions registry,
        java.util.Set<String> bases,
        Builder builder)
        throws CairnException, IOException, InterruptedException {
      String base = step.param("baseImage", JavaBuild.DEFAULT_BASE_IMAGE);
      Map<String, String> archives = new LinkedHashMap<>();
      if (registry != null) {
        Path local = pullBase(ctx, registry, base, work.resolve("base-java.tar"), bases);
        if (local != null) {
          archives.put(base, local.toAbsolutePath().toString());
        }
      }
      // a base off the pipeline's registry is pulled by the builder: resolved before and after,
      // so the provenance names the digest built on
      java.util.SortedSet<String> other =
          archives.isEmpty() ? new java.util.TreeSet<>(List.of(base)) : new java.util.TreeSet<>();
      List<String> before = byDigest(other);
      String layout = step.param("layout", "classes");
      ctx.log()
          .line(
              "no Dockerfile: a "
                  + tool.name().toLowerCase(java.util.Locale.ROOT)
                  + " project, built with its wrapper");
      Built built =
          builder.build(
              ctx,
              task(
                  ctx,
                  tool.name().toLowerCase(java.util.Locale.ROOT),
                  project,
                  "",
                  Map.of(),
                  "",
                  archives,
                  work,
                  archive,
                  base,
                  step.listParam("wrapperArgs"),
                  step.param("mainClass", ""),
                  layout.equals("jar") ? "jar" : "classes",
                  ctx.env()));
      List<String> after = byDigest(other);
      if (!after.equals(before)) {
        throw new PipelineException(
            "the base image moved while it was built on: " + before + " then " + after,
            "run again: the provenance names the base image by the digest built on");
      }
      bases.addAll(before);
      return built;
    }

    /**
     * The base image {@code from} as a Docker archive, when it is on the pipeline's registry; adds
     * it to {@code bases} by the digest pulled.
     */
    private static @Nullable Path pullBase(
        StepContext ctx,
        RegistryOptions registry,
        String from,
        Path out,
        java.util.Set<String> bases)
        throws CairnException, IOException {
      ImageRef ref;
      try {
        ref = ImageRef.parse(from);
      } catch (CairnException e) {
        return null; // the builder names the bad reference at its line
      }
      if (!ref.registry().equals(registry.registry())) {
        return null;
      }
      Digest pulled = ImageTransfer.pullDockerArchive(registry.client(), ref, from, out);
      bases.add(ref.withDigest(pulled).toString());
      ctx.log().line("pulled the base image " + from + " at " + pulled);
      return out;
    }
  }

  /** A build event as a log line; progress fractions are left out. */
  static void log(StepContext ctx, BuildEvent e) {
    String line = BuildTasks.describe(e);
    if (line != null) {
      ctx.log().line(line);
    }
  }

  private static final class PushStep implements StepExecutor {
    @Override
    public StepKind kind() {
      return StepKind.PUSH;
    }

    @Override
    public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
      PipelineException noBuild =
          new PipelineException(
              "the push step has no image: no build step before it",
              "put a build step before push");
      String digest = ctx.output(StepKind.BUILD, "digest").orElseThrow(() -> noBuild);
      Path archive = Path.of(ctx.output(StepKind.BUILD, "archive").orElseThrow(() -> noBuild));
      ImageRef tagged = target(ctx, ctx.step());
      // recorded by digest only: what is signed and deployed never moves with a tag
      ImageRef image =
          new ImageRef(tagged.registry(), tagged.repository(), null, Digest.parse(digest));
      RegistryOptions registry = RegistryOptions.of(ctx, ctx.step(), tagged.registry());
      OciClient oci = registry.client();
      ImageTransfer.Pushed pushed;
      try {
        pushed = ImageTransfer.push(oci, archive, tagged);
      } catch (IOException e) {
        return StepResult.failed(
            null, "cannot read the built image: " + dev.cairn.core.Text.describe(e), false);
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), transientFailure(e));
      }
      try {
        var served = oci.headManifest(image);
        if (!pushed.digest().toString().equals(digest)
            || served.isEmpty()
            || !served.get().digest().toString().equals(digest)) {
          return StepResult.failed(
              null, image.registry() + " does not serve " + image + " as built", true);
        }
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), transientFailure(e));
      }
      ctx.log()
          .line(
              "pushed "
                  + image
                  + " as "
                  + tagged.tag()
                  + " ("
                  + pushed.blobs()
                  + " blobs uploaded)");
      Path work = archive.getParent();
      if (work != null && work.getFileName().toString().startsWith("build-")) {
        Delivery.deleteTree(work);
      }
      return StepResult.succeeded(Map.of("image", image.toString()));
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
      String at = step.location().toString();
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
      Cosign cosign = Cosign.using(RegistryOptions.of(ctx, push, image.registry()).client(), clock);
      if (!attested) {
        try {
          List<byte[]> extras = Extras.statements(task);
          cosign.sign(image, java.util.Objects.requireNonNull(key), Cosign.Storage.BOTH);
          byte[] statement =
              Cosign.statement(
                  image,
                  Provenance.PREDICATE_TYPE,
                  Provenance.predicate(
                      task, Provenance.localBuilder(), Extras.byproducts(task), clock.instant()));
          cosign.attest(image, statement, key, Cosign.Storage.BOTH);
          List<Dsse.Envelope> envelopes = new java.util.ArrayList<>();
          for (byte[] st : extras) {
            envelopes.add(Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, st, key, ""));
          }
          Map<String, String> out = new LinkedHashMap<>();
          out.put("signed", image.toString());
          out.put("builder", LOCAL_BUILDER);
          out.putAll(storeExtras(ctx, cosign, image, task, envelopes));
          ctx.log()
              .line(
                  "signed "
                      + image
                      + " and its SLSA provenance"
                      + extrasSaid(task)
                      + " with the local builder");
          return StepResult.succeeded(out);
        } catch (CairnException e) {
          return StepResult.failed(null, String.valueOf(e.getMessage()), transientFailure(e));
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
      Map<String, String> extraOutputs;
      try {
        cosign.storeSignature(image, signed.signature(), Cosign.Storage.BOTH);
        cosign.storeAttestation(image, signed.envelope(), Cosign.Storage.BOTH);
        extraOutputs = storeExtras(ctx, cosign, image, task, signed.extras());
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), transientFailure(e));
      }
      if (serviceUri == null) {
        // the embedded service in this home: what verifies the image, from now on. A team's
        // service named by the pipeline file is never trusted for being named there: its
        // builder key goes into a trust root only by the operator (cairn trust add-builder-key).
        // Trusted from the build's start: the same builder's build evidence is that old
        try {
          if (dev.cairn.supplychain.BuilderTrust.grow(
                  home.trustRoot(), signed.trust(), task.startedOn())
              > 0) {
            ctx.log().line("trust root " + home.trustRoot() + " now trusts this builder");
          }
        } catch (CairnException e) {
          return StepResult.failed(null, String.valueOf(e.getMessage()), false);
        }
      } else {
        ctx.log()
            .line(
                "the builder key "
                    + Digest.sha256(signed.trust().builderKey())
                    + " of "
                    + serviceUri
                    + " verifies this image where a trust root trusts it (cairn trust"
                    + " add-builder-key)");
      }
      ctx.log()
          .line(
              "signed "
                  + image
                  + " and its SLSA provenance"
                  + extrasSaid(task)
                  + " with the attested builder "
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
      out.putAll(extraOutputs);
      return StepResult.succeeded(out);
    }

    /**
     * The run's SBOM ({@code sbom} step) and vulnerability gate result ({@code vuln-gate} step),
     * when it has them, as statements to attest beside the provenance.
     */
    private static List<BuilderProtocol.Extra> extras(StepContext ctx) throws PipelineException {
      List<BuilderProtocol.Extra> out = new java.util.ArrayList<>();
      java.util.Optional<String> sbom = ctx.output(StepKind.SBOM, "sbom");
      if (sbom.isPresent()) {
        String d = ctx.output(StepKind.SBOM, "sbomDigest").orElse("");
        try {
          out.add(
              new BuilderProtocol.Extra(
                  Extras.CYCLONEDX,
                  java.nio.file.Path.of(sbom.get()).toAbsolutePath().toString(),
                  Digest.parse(d)));
        } catch (RuntimeException e) {
          throw new PipelineException(
              "the sbom step's output names no digest of " + sbom.get(), "rerun the pipeline");
        }
      }
      java.util.Optional<String> gate = ctx.output(StepKind.VULN_GATE, "vulnGate");
      if (gate.isPresent()) {
        java.nio.file.Path p = java.nio.file.Path.of(gate.get()).toAbsolutePath();
        try {
          // the gate's step records no digest of its file: it is taken when the sign step starts,
          // and the builder checks the file it reads against it
          out.add(
              new BuilderProtocol.Extra(
                  Extras.VULN_GATE,
                  p.toString(),
                  Digest.sha256(java.nio.file.Files.readAllBytes(p))));
        } catch (java.io.IOException e) {
          throw new PipelineException(
              "cannot read the vuln-gate step's result " + p + ": " + e.getMessage(),
              "rerun the pipeline");
        }
      }
      return out;
    }

    /** Stores the extras' envelopes like the provenance; their digests as the step's outputs. */
    private static Map<String, String> storeExtras(
        StepContext ctx,
        Cosign cosign,
        ImageRef image,
        BuilderProtocol.Task task,
        List<Dsse.Envelope> envelopes)
        throws CairnException {
      Map<String, String> out = new LinkedHashMap<>();
      for (int i = 0; i < envelopes.size(); i++) {
        Dsse.Envelope env = envelopes.get(i);
        String type = task.extras().get(i).predicateType();
        cosign.storeAttestation(image, env, Cosign.Storage.BOTH);
        String digest =
            Digest.sha256(env.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
        out.put(Extras.CYCLONEDX.equals(type) ? "sbomAttestation" : "vulnAttestation", digest);
        ctx.log().line("attested " + type + " about " + image + " (" + digest + ")");
      }
      return out;
    }

    private static String extrasSaid(BuilderProtocol.Task task) {
      List<String> said = new java.util.ArrayList<>();
      for (BuilderProtocol.Extra e : task.extras()) {
        said.add(Extras.CYCLONEDX.equals(e.predicateType()) ? "SBOM" : "vulnerability gate result");
      }
      return said.isEmpty() ? "" : ", " + String.join(", ", said) + ",";
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
          startedOn,
          ctx.output(StepKind.BUILD, "evidence").orElse(""),
          extras(ctx));
    }
  }

  private static final class DeployStep implements StepExecutor {
    private final dev.cairn.pipeline.DeployTarget.Lookup targets;

    DeployStep(dev.cairn.pipeline.DeployTarget.Lookup targets) {
      this.targets = targets;
    }

    @Override
    public StepKind kind() {
      return StepKind.DEPLOY;
    }

    @Override
    public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
      StepSpec step = ctx.step();
      String where = step.location().toString();
      String name = step.param("target", "");
      if (name.isEmpty()) {
        throw new PipelineException(
            where + ": the deploy step needs 'target'",
            "name the deploy target, e.g. deploy: {target: staging, manifests: deploy/}");
      }
      dev.cairn.pipeline.DeployTarget target =
          targets
              .find(name)
              .orElseThrow(
                  () ->
                      new PipelineException(
                          where + ": there is no deploy target '" + name + "'",
                          "define the target first (its cluster, namespace and gate)"));
      List<String> paths = new java.util.ArrayList<>();
      if (step.params().get("manifests") instanceof List<?> l) {
        for (Object o : l) {
          paths.add(String.valueOf(o));
        }
      } else {
        paths.add(step.param("manifests", "deploy"));
      }
      Path ws = ctx.workspace().toAbsolutePath().normalize();
      List<Path> files = new java.util.ArrayList<>();
      for (String given : paths) {
        // "deploy/**" (as the scan step writes it) names the directory, which is read recursively
        String p = given.endsWith("/**") ? given.substring(0, given.length() - 3) : given;
        if (p.contains("*")) {
          throw new PipelineException(
              where + ": manifests path '" + given + "' is a pattern; give files or directories",
              "name the directory, e.g. deploy/ (read with everything below it)");
        }
        Path f = ws.resolve(p.isEmpty() ? "." : p).normalize();
        if (!f.startsWith(ws)) {
          throw new PipelineException(
              where + ": manifests path '" + p + "' leaves the workspace",
              "give a path inside the repository");
        }
        if (!Files.exists(f)) {
          throw new PipelineException(
              where + ": manifests path '" + p + "' is not in the checkout",
              "commit the manifests, or name where they are");
        }
        files.add(f);
      }
      String image = ctx.output(StepKind.PUSH, "image").orElse(null);
      String commit = ctx.request().commit().isEmpty() ? null : ctx.request().commit();
      String who = ctx.env().getOrDefault("CAIRN_DEPLOYER", "pipeline run " + ctx.runId());
      dev.cairn.pipeline.DeployTarget.Outcome o =
          target.deploy(
              new dev.cairn.pipeline.DeployTarget.Order(
                  name, image, files, commit, who, line -> ctx.log().line(line)));
      ctx.log().line(o.message());
      if (!o.deployed()) {
        return StepResult.failed(null, o.message(), false);
      }
      return new StepResult(
          true, null, o.message(), Map.of("revision", Integer.toString(o.revision())), false);
    }
  }
}
