package dev.cairn.pipeline.build.internal;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import dev.cairn.core.Diagnostic;
import dev.cairn.core.Digest;
import dev.cairn.core.Fix;
import dev.cairn.core.Text;
import dev.cairn.pipeline.build.BuildEvent;
import dev.cairn.pipeline.build.BuildException;
import dev.cairn.pipeline.build.BuiltImage;
import dev.cairn.pipeline.build.Dockerfile;
import dev.cairn.pipeline.build.DockerfileException;
import dev.cairn.pipeline.build.ImageBuild;
import dev.cairn.pipeline.build.ImageOutput;
import dev.cairn.pipeline.build.Instruction;
import dev.cairn.pipeline.build.RegistryAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds a Dockerfile natively: each COPY/ADD is one layer of files from the build context or from
 * an earlier stage's layers; the configuration instructions set the image's configuration; the root
 * stage's base is scratch, a local Docker archive or a registry image. Reproducible: files in path
 * order, fixed times, permissions 0644/0755 from the executable bit (or --chmod), owner 0:0 (or a
 * numeric --chown).
 */
final class JibBuilder {
  private JibBuilder() {}

  /** Signals that a COPY --from reads files that may be in a stage's base image. */
  static final class NeedsBuildah extends Exception {
    private static final long serialVersionUID = 1L;
    final transient List<Diagnostic> reasons;

    NeedsBuildah(List<Diagnostic> reasons) {
      super(null, null, false, false);
      this.reasons = reasons;
    }
  }

  /** A file or directory in a stage's file system, as the layers put it there. */
  record Entry(String path, Path source, boolean dir, int mode, String owner) {}

  /** A stage as it is built. */
  static final class State {
    final Instruction.From root;
    final List<List<Entry>> layers = new ArrayList<>();
    final TreeMap<String, Entry> fs = new TreeMap<>();
    final Map<String, String> env = new LinkedHashMap<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    final Set<String> ports = new LinkedHashSet<>();
    final Set<String> volumes = new LinkedHashSet<>();
    @Nullable String user;
    @Nullable String workdir;
    @Nullable List<String> entrypoint;
    @Nullable List<String> cmd;

    State(Instruction.From root) {
      this.root = root;
    }

    State copy() {
      State s = new State(root);
      layers.forEach(l -> s.layers.add(l));
      s.fs.putAll(fs);
      s.env.putAll(env);
      s.labels.putAll(labels);
      s.ports.addAll(ports);
      s.volumes.addAll(volumes);
      s.user = user;
      s.workdir = workdir;
      s.entrypoint = entrypoint;
      s.cmd = cmd;
      return s;
    }
  }

  static BuiltImage build(
      ImageBuild r, Dockerfile d, Dockerfile.Stage target, Consumer<? super BuildEvent> listener)
      throws DockerfileException, BuildException, NeedsBuildah, InterruptedException {
    BuildContext ctx;
    try {
      ctx = new BuildContext(r.context());
    } catch (IOException e) {
      throw new BuildException(
          "cannot read the build context's .dockerignore: "
              + Text.escape(String.valueOf(e.getMessage())),
          "check the build context " + r.context(),
          Fix.of("build.context", "dir", r.context().toString()));
    }
    Map<Integer, State> states = new TreeMap<>();
    List<Diagnostic> errors = new ArrayList<>();
    List<Diagnostic> reasons = new ArrayList<>();
    for (int i : Builds.needed(d, target)) {
      Dockerfile.Stage s = d.stages().get(i);
      listener.accept(new BuildEvent.Step(s.from().location(), "FROM " + s.from().image().value()));
      State st =
          s.from().stage() >= 0
              ? java.util.Objects.requireNonNull(states.get(s.from().stage())).copy()
              : new State(s.from());
      for (Instruction in : s.instructions()) {
        apply(d, ctx, states, st, in, errors, reasons, listener);
      }
      states.put(i, st);
    }
    if (!errors.isEmpty()) {
      throw new DockerfileException(errors, "fix the Dockerfile or the build context");
    }
    if (!reasons.isEmpty()) {
      throw new NeedsBuildah(reasons);
    }
    State st = java.util.Objects.requireNonNull(states.get(target.index()));
    try {
      return containerize(r, d, st, listener);
    } catch (InvalidImageReferenceException e) {
      throw new DockerfileException(
          List.of(
              d.diagnostic(
                  st.root.image().location(),
                  "'" + st.root.image().value() + "' is not a valid image reference")),
          "name the base image as registry/repository[:tag][@digest]");
    }
  }

  private static void apply(
      Dockerfile d,
      BuildContext ctx,
      Map<Integer, State> states,
      State st,
      Instruction in,
      List<Diagnostic> errors,
      List<Diagnostic> reasons,
      Consumer<? super BuildEvent> listener) {
    switch (in) {
      case Instruction.Copy c -> {
        listener.accept(new BuildEvent.Step(c.location(), c.add() ? "ADD" : "COPY"));
        List<Entry> layer = new ArrayList<>();
        try {
          if (c.fromStage() >= 0) {
            copyFromStage(
                d,
                java.util.Objects.requireNonNull(states.get(c.fromStage())),
                c,
                st,
                layer,
                errors,
                reasons);
          } else {
            copyFromContext(d, ctx, c, st, layer, errors, reasons);
          }
        } catch (IOException e) {
          errors.add(
              d.diagnostic(
                  c.location(),
                  "cannot read the build context: " + Text.escape(String.valueOf(e.getMessage()))));
        }
        if (!layer.isEmpty()) {
          st.layers.add(List.copyOf(layer));
          for (Entry e : layer) {
            st.fs.put(e.path(), e);
          }
        }
      }
      case Instruction.Env e -> st.env.putAll(e.variables());
      case Instruction.Label l -> st.labels.putAll(l.labels());
      case Instruction.Workdir w -> st.workdir = w.path();
      case Instruction.User u -> st.user = u.user();
      case Instruction.Expose x -> st.ports.addAll(x.ports());
      case Instruction.Volume v -> st.volumes.addAll(v.paths());
      case Instruction.Entrypoint e -> {
        st.entrypoint = e.command();
        st.cmd = List.of(); // as Docker: an ENTRYPOINT resets the CMD it inherits
      }
      case Instruction.Cmd c -> st.cmd = c.command();
      case Instruction.Arg a -> {}
      case Instruction.From f -> {}
      case Instruction.Shell s -> {}
      case Instruction.Run r -> reasons.add(d.diagnostic(r.location(), "RUN needs buildah"));
      case Instruction.ConfigOnly c ->
          reasons.add(d.diagnostic(c.location(), c.keyword() + " needs buildah"));
    }
  }

  private static int mode(Instruction.Copy c, boolean dir, int sourceMode) {
    if (c.chmod() >= 0) {
      return c.chmod();
    }
    return dir ? 0755 : sourceMode;
  }

  private static String owner(Instruction.Copy c) {
    if (c.chown() == null) {
      return "0:0";
    }
    String v = c.chown().value();
    return v.contains(":") ? v : v + ":" + v;
  }

  /** Where a source goes: into the directory {@code dest}, or as the file {@code dest}. */
  private static String target(
      Instruction.Copy c, State st, String name, boolean many, boolean sourceIsDir) {
    String dest = c.destination().value();
    boolean intoDir =
        many
            || sourceIsDir
            || dest.endsWith("/")
            || (st.fs.containsKey(dest) && st.fs.get(dest).dir());
    String base =
        dest.endsWith("/") && dest.length() > 1 ? dest.substring(0, dest.length() - 1) : dest;
    if (sourceIsDir) {
      return base;
    }
    return intoDir ? (base.equals("/") ? "/" + name : base + "/" + name) : base;
  }

  private static void copyFromContext(
      Dockerfile d,
      BuildContext ctx,
      Instruction.Copy c,
      State st,
      List<Entry> layer,
      List<Diagnostic> errors,
      List<Diagnostic> reasons)
      throws IOException {
    String kw = c.add() ? "ADD" : "COPY";
    List<Path> sources = new ArrayList<>();
    boolean wildcard = false;
    for (Instruction.Word w : c.sources()) {
      if (w.value().contains("://")) {
        continue; // routed to buildah by the plan
      }
      BuildContext.Match m = ctx.match(w.value());
      switch (m) {
        case BuildContext.Match.Outside o ->
            errors.add(
                d.diagnostic(
                    w.location(), kw + " source " + w.value() + " is outside the build context"));
        case BuildContext.Match.Missing miss ->
            errors.add(
                d.diagnostic(
                    w.location(),
                    kw
                        + " source "
                        + w.value()
                        + (miss.ignored()
                            ? " is excluded by .dockerignore"
                            : " does not exist in the build context")));
        case BuildContext.Match.Found f -> {
          sources.addAll(f.paths());
          wildcard |= f.wildcard();
        }
      }
    }
    boolean many = sources.size() > 1 || wildcard;
    if (many && !c.destination().value().endsWith("/")) {
      errors.add(
          d.diagnostic(
              c.destination().location(),
              "with several sources the destination of "
                  + kw
                  + " must be a directory ending in /"));
      return;
    }
    for (Path src : sources) {
      if (Files.isSymbolicLink(src)) {
        reasons.add(
            d.diagnostic(
                c.location(),
                "the build context's symbolic link "
                    + ctx.relative(src)
                    + " is copied as a link by buildah only"));
        continue;
      }
      boolean dir = Files.isDirectory(src);
      String dest =
          target(c, st, src.getFileName() == null ? "" : src.getFileName().toString(), many, dir);
      if (!dir) {
        layer.add(new Entry(dest, src, false, mode(c, false, fileMode(src)), owner(c)));
        continue;
      }
      if (!dest.equals("/")) {
        layer.add(new Entry(dest, src, true, mode(c, true, 0755), owner(c)));
      }
      for (Path p : ctx.walk(src)) {
        if (Files.isSymbolicLink(p)) {
          reasons.add(
              d.diagnostic(
                  c.location(),
                  "the build context's symbolic link "
                      + ctx.relative(p)
                      + " is copied as a link by buildah only"));
          continue;
        }
        String rel = src.relativize(p).toString().replace('\\', '/');
        String to = dest.equals("/") ? "/" + rel : dest + "/" + rel;
        boolean isDir = Files.isDirectory(p);
        layer.add(new Entry(to, p, isDir, mode(c, isDir, isDir ? 0755 : fileMode(p)), owner(c)));
      }
    }
  }

  private static int fileMode(Path p) throws IOException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      return perms.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644;
    } catch (UnsupportedOperationException e) {
      return 0644;
    }
  }

  private static void copyFromStage(
      Dockerfile d,
      State from,
      Instruction.Copy c,
      State st,
      List<Entry> layer,
      List<Diagnostic> errors,
      List<Diagnostic> reasons) {
    boolean scratch = from.root.image().value().equalsIgnoreCase("scratch");
    List<Entry> matched = new ArrayList<>();
    List<String> roots = new ArrayList<>();
    for (Instruction.Word w : c.sources()) {
      String p = DockerfileParser.resolve("/", w.value());
      List<Entry> hits = new ArrayList<>();
      if (BuildContext.isGlob(w.value())) {
        var matcher = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + p);
        for (Entry e : from.fs.values()) {
          if (matcher.matches(Path.of(e.path()))) {
            hits.add(e);
          }
        }
      } else if (from.fs.containsKey(p)) {
        hits.add(from.fs.get(p));
      } else if (p.equals("/") || !from.fs.subMap(p + "/", p + "0").isEmpty()) {
        // a directory the stage has files under without naming it itself
        hits.add(new Entry(p, Path.of("/"), true, 0755, "0:0"));
      }
      if (hits.isEmpty()) {
        if (scratch) {
          errors.add(
              d.diagnostic(
                  w.location(),
                  "COPY --from: "
                      + p
                      + " is not in what stage "
                      + from.root.image().value()
                      + " built"));
        } else {
          reasons.add(
              d.diagnostic(
                  w.location(),
                  "COPY --from: "
                      + p
                      + " is not among the files the stage copied in, so it may come from its base"
                      + " image "
                      + from.root.image().value()
                      + ", which buildah reads"));
        }
      }
      for (Entry h : hits) {
        matched.add(h);
        roots.add(h.path());
      }
    }
    boolean many = matched.size() > 1;
    if (many && !c.destination().value().endsWith("/")) {
      errors.add(
          d.diagnostic(
              c.destination().location(),
              "with several sources the destination of COPY must be a directory ending in /"));
      return;
    }
    for (Entry h : matched) {
      String name = h.path().substring(h.path().lastIndexOf('/') + 1);
      String dest = target(c, st, name, many, h.dir());
      if (!h.dir()) {
        layer.add(new Entry(dest, h.source(), false, mode(c, false, h.mode()), owner(c)));
        continue;
      }
      if (!dest.equals("/") && !h.source().equals(Path.of("/"))) {
        layer.add(new Entry(dest, h.source(), true, mode(c, true, 0755), owner(c)));
      }
      String prefix = h.path().equals("/") ? "/" : h.path() + "/";
      for (Entry e : from.fs.tailMap(prefix).values()) {
        if (!e.path().startsWith(prefix)) {
          break;
        }
        String rel = e.path().substring(prefix.length());
        String to = dest.equals("/") ? "/" + rel : dest + "/" + rel;
        layer.add(new Entry(to, e.source(), e.dir(), mode(c, e.dir(), e.mode()), owner(c)));
      }
    }
  }

  // ------------------------------------------------------------------ jib

  private static BuiltImage containerize(
      ImageBuild r, Dockerfile d, State st, Consumer<? super BuildEvent> listener)
      throws InvalidImageReferenceException, BuildException, InterruptedException {
    Instant fileTime =
        r.timestamp().equals(Instant.EPOCH) ? Instant.ofEpochSecond(1) : r.timestamp();
    String baseRef = st.root.image().value();
    JibContainerBuilder jib;
    boolean insecure = false;
    if (baseRef.equalsIgnoreCase("scratch")) {
      jib = Jib.fromScratch();
    } else if (r.baseArchives().containsKey(baseRef)) {
      jib = Jib.from(TarImage.at(r.baseArchives().get(baseRef)).named(baseRef));
    } else {
      ImageReference ref = ImageReference.parse(baseRef);
      RegistryImage image = RegistryImage.named(ref);
      RegistryAuth auth = r.registryAuth().get(ref.getRegistry());
      if (auth != null) {
        image.addCredential(
            auth.username(), new String(auth.password().bytes(), StandardCharsets.UTF_8));
      }
      insecure |= r.insecureRegistries().contains(ref.getRegistry());
      jib = Jib.from(image);
    }
    int n = 0;
    for (List<Entry> layer : st.layers) {
      List<Entry> sorted = new ArrayList<>(layer);
      sorted.sort(java.util.Comparator.comparing(Entry::path));
      FileEntriesLayer.Builder b = FileEntriesLayer.builder().setName("layer-" + n++);
      Map<String, Entry> byPath = new LinkedHashMap<>();
      for (Entry e : sorted) {
        byPath.put(e.path(), e); // a later source for the same path wins, as in a copy
      }
      for (Entry e : byPath.values()) {
        b.addEntry(
            new FileEntry(
                e.source(),
                AbsoluteUnixPath.get(e.path()),
                FilePermissions.fromOctalString(String.format("%03o", e.mode() & 0777)),
                fileTime,
                e.owner()));
      }
      jib.addFileEntriesLayer(b.build());
    }
    if (!st.env.isEmpty()) {
      jib.setEnvironment(st.env);
    }
    Map<String, String> labels = new LinkedHashMap<>(st.labels);
    labels.putAll(r.labels());
    if (!labels.isEmpty()) {
      jib.setLabels(labels);
    }
    if (!st.ports.isEmpty()) {
      Set<Port> ports = new LinkedHashSet<>();
      for (String p : st.ports) {
        String[] pp = p.split("/");
        ports.add(Port.parseProtocol(Integer.parseInt(pp[0]), pp[1]));
      }
      jib.setExposedPorts(ports);
    }
    if (!st.volumes.isEmpty()) {
      Set<AbsoluteUnixPath> vols = new LinkedHashSet<>();
      st.volumes.forEach(v -> vols.add(AbsoluteUnixPath.get(v)));
      jib.setVolumes(vols);
    }
    if (st.user != null) {
      jib.setUser(st.user);
    }
    if (st.workdir != null) {
      jib.setWorkingDirectory(AbsoluteUnixPath.get(st.workdir));
    }
    if (st.entrypoint != null) {
      jib.setEntrypoint(st.entrypoint);
    }
    if (st.cmd != null) {
      jib.setProgramArguments(st.cmd);
    }
    if (st.root.platform() != null) {
      String[] p = st.root.platform().split("/");
      if (p.length >= 2) {
        jib.setPlatforms(Set.of(new Platform(p[1], p[0])));
      }
    }
    jib.setCreationTime(r.timestamp());
    jib.setFormat(ImageFormat.OCI);

    List<ImageOutput> outputs = new ArrayList<>(r.outputs());
    Path oci =
        outputs.stream()
            .filter(o -> o instanceof ImageOutput.OciArchive)
            .map(o -> ((ImageOutput.OciArchive) o).file())
            .findFirst()
            .orElse(r.workDir().resolve("image.oci.tar"));
    String name =
        outputs.stream()
            .filter(o -> o instanceof ImageOutput.Registry)
            .map(o -> ((ImageOutput.Registry) o).reference())
            .findFirst()
            .orElse("cairn.local/build:latest");
    for (ImageOutput o : outputs) {
      if (o instanceof ImageOutput.Registry reg) {
        insecure |=
            r.insecureRegistries().contains(ImageReference.parse(reg.reference()).getRegistry())
                || reg.insecure();
      }
    }
    JibContainer built =
        run(
            jib,
            Containerizer.to(TarImage.at(oci).named(name)),
            r,
            insecure,
            listener,
            "OCI archive");
    OciArchives.Summary summary;
    try {
      summary = OciArchives.read(oci);
    } catch (IOException e) {
      throw new BuildException(
          "cannot read the image written to " + oci + ": " + e.getMessage(),
          "check the work directory",
          Fix.of("build.workdir", "dir", r.workDir().toString()));
    }
    Digest digest = Digest.parse(built.getDigest().toString());
    if (!summary.manifest().equals(digest)) {
      throw new IllegalStateException(
          "jib-core reported " + digest + " but wrote " + summary.manifest());
    }
    listener.accept(new BuildEvent.Written(new ImageOutput.OciArchive(oci), digest.toString()));
    List<String> pushed = new ArrayList<>();
    for (ImageOutput o : outputs) {
      switch (o) {
        case ImageOutput.OciArchive a -> {
          if (!a.file().equals(oci)) {
            run(
                jib,
                Containerizer.to(TarImage.at(a.file()).named(name)),
                r,
                insecure,
                listener,
                "OCI archive");
            listener.accept(new BuildEvent.Written(a, digest.toString()));
          }
        }
        case ImageOutput.DockerArchive a -> {
          jib.setFormat(ImageFormat.Docker);
          JibContainer c =
              run(
                  jib,
                  Containerizer.to(TarImage.at(a.file()).named(a.reference())),
                  r,
                  insecure,
                  listener,
                  "Docker archive");
          jib.setFormat(ImageFormat.OCI);
          listener.accept(new BuildEvent.Written(a, c.getDigest().toString()));
        }
        case ImageOutput.Registry reg -> {
          RegistryImage target = RegistryImage.named(reg.reference());
          if (reg.auth() != null) {
            target.addCredential(
                reg.auth().username(),
                new String(reg.auth().password().bytes(), StandardCharsets.UTF_8));
          }
          JibContainer c =
              run(jib, Containerizer.to(target), r, insecure, listener, reg.reference());
          Digest pushedDigest = Digest.parse(c.getDigest().toString());
          if (!pushedDigest.equals(digest)) {
            throw new IllegalStateException(
                "pushed " + pushedDigest + " but built " + digest + " for " + reg.reference());
          }
          String at =
              ImageReference.parse(reg.reference()).withQualifier(digest.toString()).toString();
          pushed.add(at);
          listener.accept(new BuildEvent.Written(reg, digest.toString()));
        }
      }
    }
    long size =
        summary.configSize() + summary.layers().stream().mapToLong(BuiltImage.Layer::size).sum();
    return new BuiltImage(digest, summary.config(), summary.layers(), size, "jib-core", pushed);
  }

  private static JibContainer run(
      JibContainerBuilder jib,
      Containerizer to,
      ImageBuild r,
      boolean insecure,
      Consumer<? super BuildEvent> listener,
      String what)
      throws BuildException, InterruptedException {
    double[] done = {0};
    to.setBaseImageLayersCache(r.workDir().resolve("cache/base"))
        .setApplicationLayersCache(r.workDir().resolve("cache/app"))
        .setToolName("cairn")
        .setToolVersion("0.1")
        .setAllowInsecureRegistries(insecure)
        .addEventHandler(
            ProgressEvent.class,
            e -> {
              long units = e.getAllocation().getAllocationUnits();
              if (units > 0) {
                synchronized (done) {
                  done[0] += e.getAllocation().getFractionOfRoot() * e.getUnits() / units;
                  listener.accept(new BuildEvent.Progress(Math.min(1, done[0]), what));
                }
              }
            });
    try {
      return jib.containerize(to);
    } catch (RegistryUnauthorizedException e) {
      throw unauthorized(e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (c instanceof RegistryUnauthorizedException u) {
        throw unauthorized(u);
      }
      throw failure(what, c, r);
    } catch (RegistryException | IOException | CacheDirectoryCreationException e) {
      throw failure(what, e, r);
    }
  }

  private static BuildException unauthorized(RegistryUnauthorizedException e) {
    String ref = Text.escape(e.getImageReference());
    return new BuildException(
        "the registry refused the credentials for " + ref,
        "check the registry user and password (or token) and that they may push or pull there",
        Fix.of("build.registry.auth", "image", ref));
  }

  private static BuildException failure(String what, Throwable e, ImageBuild r) {
    StringBuilder m = new StringBuilder();
    for (Throwable t = e; t != null && m.length() < 400; t = t.getCause()) {
      if (t.getMessage() != null && m.indexOf(t.getMessage()) < 0) {
        m.append(m.length() == 0 ? "" : ": ").append(t.getMessage());
      }
    }
    String msg = m.length() == 0 ? e.getClass().getSimpleName() : m.toString();
    for (RegistryAuth a : r.registryAuth().values()) {
      msg = msg.replace(new String(a.password().bytes(), StandardCharsets.UTF_8), "***");
    }
    for (ImageOutput o : r.outputs()) {
      if (o instanceof ImageOutput.Registry reg && reg.auth() != null) {
        msg = msg.replace(new String(reg.auth().password().bytes(), StandardCharsets.UTF_8), "***");
      }
    }
    return new BuildException(
        "building " + what + " failed: " + Text.escape(msg.strip()),
        "check that the base image and the registry are reachable",
        Fix.of("build.failed", "output", what));
  }
}
