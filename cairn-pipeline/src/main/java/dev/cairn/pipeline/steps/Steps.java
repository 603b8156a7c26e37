package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
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
import dev.cairn.pipeline.build.BuildPlan;
import dev.cairn.pipeline.build.BuiltImage;
import dev.cairn.pipeline.build.Dockerfile;
import dev.cairn.pipeline.build.ImageBuild;
import dev.cairn.pipeline.build.ImageBuilds;
import dev.cairn.pipeline.build.ImageOutput;
import dev.cairn.pipeline.build.JavaBuild;
import dev.cairn.pipeline.source.Checkout;
import dev.cairn.pipeline.source.GitAuth;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.RegistryAuth;
import java.io.IOException;
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
 *   <li>{@code sign}: a cosign signature of the image and a SLSA v1 provenance attestation, stored
 *       as cosign stores them (tags and OCI referrers), with the ECDSA P-256 key in secret {@code
 *       SIGNING_KEY} (PKCS#8 PEM). The builder id says this is the local, unattested builder.
 * </ul>
 */
public final class Steps {
  /** The builder id of provenance signed by a pipeline's own key, outside any TEE. */
  public static final String LOCAL_BUILDER = "https://cairn.dev/builder/local/v1";

  /** The build type of Cairn's pipeline runs. */
  public static final String BUILD_TYPE = "https://cairn.dev/pipeline/run/v1";

  private Steps() {}

  /** The executors of this package, with {@code clock} for provenance times. */
  public static List<StepExecutor> all(Clock clock) {
    return List.of(new CheckoutStep(), new BuildStep(), new PushStep(), new SignStep(clock));
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
    @Override
    public StepKind kind() {
      return StepKind.BUILD;
    }

    @Override
    public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
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
      Path archive = work.resolve("image.oci.tar");
      Optional<StepSpec> push = pushStep(ctx.request());
      try {
        Files.createDirectories(work);
        RegistryOptions registry =
            push.isPresent()
                ? RegistryOptions.of(ctx, push.get(), target(ctx, push.get()).registry())
                : null;
        BuiltImage built;
        boolean explicitDockerfile = step.params().containsKey("dockerfile");
        Optional<JavaBuild.Tool> java =
            explicitDockerfile || Files.isRegularFile(dockerfile)
                ? Optional.empty()
                : ImageBuilds.detectJava(context);
        if (java.isPresent()) {
          built = buildJava(ctx, step, context, work, archive, java.get(), registry);
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
          built = buildDockerfile(ctx, step, context, dockerfile, work, archive, registry);
        }
        ctx.log().line("built " + built.digest() + " with " + built.builder());
        return StepResult.succeeded(
            Map.of("digest", built.digest().toString(), "archive", archive.toString()));
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), false);
      } catch (IOException e) {
        return StepResult.failed(null, dev.cairn.core.Text.describe(e), false);
      }
    }

    private static BuiltImage buildDockerfile(
        StepContext ctx,
        StepSpec step,
        Path context,
        Path dockerfile,
        Path work,
        Path archive,
        @Nullable RegistryOptions registry)
        throws CairnException, IOException, InterruptedException {
      ImageBuild.Builder b =
          ImageBuild.builder(context, work).dockerfile(dockerfile).timestamp(Instant.EPOCH);
      if (step.params().get("args") instanceof Map<?, ?> args) {
        args.forEach((k, v) -> b.buildArg(String.valueOf(k), String.valueOf(v)));
      }
      String target = step.param("target", "");
      if (!target.isEmpty()) {
        b.target(target);
      }
      b.output(new ImageOutput.OciArchive(archive));
      if (registry != null) {
        // base images on the pipeline's registry come through Cairn's client, with its CA,
        // credentials and plain-HTTP rule, as a local archive the builders read
        int n = 0;
        BuildPlan plan = ImageBuilds.plan(b.build());
        for (Dockerfile.Stage s : plan.dockerfile().stages()) {
          String from = s.from().image().value();
          if (s.from().stage() >= 0 || from.equalsIgnoreCase("scratch")) {
            continue;
          }
          Path base = pullBase(ctx, registry, from, work.resolve("base-" + n++ + ".tar"));
          if (base != null) {
            b.baseArchive(from, base);
          }
        }
      }
      return ImageBuilds.build(b.build(), e -> log(ctx, e));
    }

    private static BuiltImage buildJava(
        StepContext ctx,
        StepSpec step,
        Path project,
        Path work,
        Path archive,
        JavaBuild.Tool tool,
        @Nullable RegistryOptions registry)
        throws CairnException, IOException, InterruptedException {
      String base = step.param("baseImage", JavaBuild.DEFAULT_BASE_IMAGE);
      Map<String, Path> archives = new LinkedHashMap<>();
      if (registry != null) {
        Path local = pullBase(ctx, registry, base, work.resolve("base-java.tar"));
        if (local != null) {
          archives.put(base, local);
        }
      }
      String layout = step.param("layout", "classes");
      String main = step.param("mainClass", "");
      ctx.log()
          .line(
              "no Dockerfile: a "
                  + tool.name().toLowerCase(java.util.Locale.ROOT)
                  + " project, built with its wrapper");
      JavaBuild r =
          new JavaBuild(
              project,
              tool,
              work,
              base,
              archives,
              step.listParam("wrapperArgs"),
              main.isEmpty() ? null : main,
              layout.equals("jar") ? JavaBuild.Layout.JAR : JavaBuild.Layout.CLASSES,
              ctx.env(),
              Instant.EPOCH,
              archive,
              step.timeout());
      return ImageBuilds.buildJava(r, e -> log(ctx, e));
    }

    /** The base image {@code from} as a Docker archive, when it is on the pipeline's registry. */
    private static @Nullable Path pullBase(
        StepContext ctx, RegistryOptions registry, String from, Path out)
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
      ImageTransfer.pullDockerArchive(registry.client(), ref, from, out);
      ctx.log().line("pulled the base image " + from);
      return out;
    }
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
    private final Clock clock;

    SignStep(Clock clock) {
      this.clock = clock;
    }

    @Override
    public StepKind kind() {
      return StepKind.SIGN;
    }

    @Override
    public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
      Instant started = clock.instant();
      RunRequest r = ctx.request();
      String ref =
          ctx.output(StepKind.PUSH, "image")
              .orElseThrow(
                  () ->
                      new PipelineException(
                          "the sign step has no image: no push step before it",
                          "put a push step before sign"));
      Secret pem = ctx.secrets().get("SIGNING_KEY");
      if (pem == null) {
        throw new PipelineException(
            "the sign step needs its key: secret SIGNING_KEY is not given",
            "set the step's secrets: {SIGNING_KEY: <name>} to an ECDSA P-256 PKCS#8 PEM key");
      }
      StepSpec push = pushStep(r).orElseThrow();
      PrivateKey key;
      ImageRef image;
      try {
        // a bad key or image name does not get better with a retry
        key = CosignKeys.readPrivateKey(pem);
        image = ImageRef.parse(ref);
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), false);
      }
      try {
        Cosign cosign =
            Cosign.using(RegistryOptions.of(ctx, push, image.registry()).client(), clock);
        cosign.sign(image, key, Cosign.Storage.BOTH);
        byte[] statement =
            Cosign.statement(image, "https://slsa.dev/provenance/v1", provenance(ctx, started));
        cosign.attest(image, statement, key, Cosign.Storage.BOTH);
        ctx.log().line("signed " + image + " and its SLSA provenance");
        return StepResult.succeeded(Map.of("signed", image.toString()));
      } catch (CairnException e) {
        return StepResult.failed(null, String.valueOf(e.getMessage()), true);
      }
    }

    /** A SLSA v1 provenance predicate of this run. */
    private Map<String, Object> provenance(StepContext ctx, Instant started) {
      RunRequest r = ctx.request();
      Map<String, Object> external = new LinkedHashMap<>();
      external.put("repository", r.repository());
      external.put("ref", r.ref());
      external.put("pipeline", r.definition().source());
      external.put("pipelineDigest", r.definition().digest().toString());
      Map<String, Object> dep = new LinkedHashMap<>();
      dep.put("uri", r.repository());
      if (!r.commit().isEmpty()) {
        dep.put("digest", Map.of("gitCommit", r.commit()));
      }
      Map<String, Object> definition = new LinkedHashMap<>();
      definition.put("buildType", BUILD_TYPE);
      definition.put("externalParameters", external);
      definition.put("internalParameters", Map.of("trigger", r.trigger().source()));
      definition.put("resolvedDependencies", List.of(dep));
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("invocationId", ctx.runId());
      metadata.put("startedOn", started.toString());
      metadata.put("finishedOn", clock.instant().toString());
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("builder", Map.of("id", LOCAL_BUILDER));
      run.put("metadata", metadata);
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("buildDefinition", definition);
      p.put("runDetails", run);
      return p;
    }
  }
}
