package dev.cairn.supplychain.sbom;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Fix;
import dev.cairn.core.Json;
import dev.cairn.core.TarReader;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Manifest;
import dev.cairn.supplychain.MediaTypes;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.internal.OciJson;
import dev.cairn.supplychain.sbom.internal.Catalog;
import dev.cairn.supplychain.sbom.internal.ImageRootfs;
import dev.cairn.supplychain.sbom.internal.Purl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Makes SBOMs: of a directory tree ({@link #directory}), of an image in a registry or OCI layout
 * ({@link #image}), or of a built OCI layout archive ({@link #imageArchive}).
 *
 * <pre>{@code
 * Sbom sbom = Sboms.image(oci, ImageRef.parse("registry:5000/team/app@sha256:…"),
 *     Sboms.Options.of(clock));
 * sbom.write(Path.of("sbom.cdx.json"));
 * }</pre>
 */
public final class Sboms {
  private Sboms() {}

  /**
   * How an SBOM is made.
   *
   * @param clock gives the SBOM's timestamp
   * @param tool the tool named in its metadata, {@code name version}
   * @param limits bounds on what is read
   * @param platform the platform picked from a multi-platform index, {@code os/arch[/variant]}
   * @param workDir where an image's layers and catalogued files go while it is read (a new temp
   *     directory under it, deleted after); null for the system's temp directory
   * @param progress told of each layer as it is read (for a terminal); never of a secret
   */
  public record Options(
      Clock clock,
      String tool,
      Limits limits,
      String platform,
      @Nullable Path workDir,
      Consumer<String> progress) {
    public static final String DEFAULT_TOOL = "cairn " + version();

    /** The defaults: Cairn as the tool, {@link Limits#DEFAULT}, linux/amd64, no progress. */
    public static Options of(Clock clock) {
      return new Options(clock, DEFAULT_TOOL, Limits.DEFAULT, "linux/amd64", null, s -> {});
    }

    public Options withTool(String t) {
      return new Options(clock, t, limits, platform, workDir, progress);
    }

    public Options withLimits(Limits l) {
      return new Options(clock, tool, l, platform, workDir, progress);
    }

    public Options withPlatform(String p) {
      return new Options(clock, tool, limits, p, workDir, progress);
    }

    public Options withWorkDir(@Nullable Path d) {
      return new Options(clock, tool, limits, platform, d, progress);
    }

    public Options withProgress(Consumer<String> p) {
      return new Options(clock, tool, limits, platform, workDir, p);
    }

    private static String version() {
      String v = Sboms.class.getPackage().getImplementationVersion();
      return v == null ? "0.1.0-SNAPSHOT" : v;
    }
  }

  /** The SBOM of the tree at {@code dir}: a source checkout, or an unpacked root file system. */
  public static Sbom directory(Path dir, Options o) throws SbomException {
    if (!Files.isDirectory(dir)) {
      throw new SbomException(
          "there is no directory " + dir,
          "give a directory or an image reference",
          Fix.of("sbom.target", "target", dir.toString()),
          null);
    }
    Path abs = dir.toAbsolutePath().normalize();
    boolean rootfs =
        Files.isDirectory(abs.resolve("var/lib/dpkg"), LinkOption.NOFOLLOW_LINKS)
            || Files.isDirectory(abs.resolve("lib/apk/db"), LinkOption.NOFOLLOW_LINKS);
    Catalog.Result r;
    try {
      r = Catalog.of(abs, rootfs, o.limits());
    } catch (IOException e) {
      throw new SbomException(
          "cannot read " + dir + ": " + dev.cairn.core.Text.describe(e), null, null, e);
    }
    String name = abs.getFileName() == null ? "/" : abs.getFileName().toString();
    Component subject =
        new Component(
            Component.Type.APPLICATION, null, name, "", "", List.of(), Map.of(), List.of(), "");
    return sbom(subject, r.components(), r.warnings(), o);
  }

  /**
   * The SBOM of the image at {@code ref} (by tag or digest; an index resolves to {@link
   * Options#platform()}), read through {@code oci}: a registry, or an OCI layout ({@link
   * Registries#readLayout}).
   */
  public static Sbom image(OciClient oci, ImageRef ref, Options o) throws CairnException {
    Manifest top = oci.getManifest(ref);
    Manifest m = top;
    if (isIndex(top.mediaType(), top.bytes())) {
      Digest d = pick(top.bytes(), o.platform(), ref);
      m = oci.getManifest(ref.atDigest(d));
    }
    OciJson.ImageManifest im;
    try {
      im = OciJson.imageManifest(m.bytes());
    } catch (IOException e) {
      throw new SbomException(
          ref + " is not an image manifest: " + e.getMessage(),
          "give an image, not another kind of artifact",
          Fix.of("sbom.target", "target", ref.toString()),
          e);
    }
    Path work = workDir(o);
    try {
      ImageRootfs fs = new ImageRootfs(work, o.limits(), o.progress());
      int i = 0;
      for (Descriptor layer : im.layers()) {
        i++;
        String what = "layer " + i + "/" + im.layers().size() + " " + layer.digest();
        o.progress().accept(what + " (" + dev.cairn.core.Sizes.format(layer.size()) + ")");
        Path blob = work.resolve("layer.blob");
        oci.getBlob(ref, layer.digest(), blob);
        try {
          fs.apply(blob, what);
        } catch (ImageRootfs.LayerException e) {
          throw new SbomException(
              ref + ": " + e.getMessage(),
              "the image's layers are malformed or hostile; rebuild it",
              Fix.of("sbom.layer", "image", ref.toString()),
              e);
        } finally {
          Files.deleteIfExists(blob);
        }
      }
      Catalog.Result r = Catalog.of(fs.root(), true, o.limits());
      List<String> warnings = new ArrayList<>(fs.warnings());
      warnings.addAll(r.warnings());
      return sbom(subject(ref, top.digest()), r.components(), warnings, o);
    } catch (IOException e) {
      throw new SbomException(
          "cannot read the image " + ref + ": " + dev.cairn.core.Text.describe(e),
          "check the disk space of the work directory",
          null,
          e);
    } finally {
      deleteQuietly(work);
    }
  }

  /**
   * The SBOM of the image in OCI layout tar {@code archive} (as Cairn's build step writes it),
   * named {@code as} in the SBOM (its registry and repository; its digest must be the archive's,
   * when it has one).
   */
  public static Sbom imageArchive(Path archive, ImageRef as, Options o) throws CairnException {
    Path work = workDir(o);
    try {
      Path layout = Files.createDirectories(work.resolve("layout"));
      try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(archive))) {
        TarReader tar = new TarReader(in);
        for (TarReader.Entry e; (e = tar.next()) != null; ) {
          String n = e.name().startsWith("./") ? e.name().substring(2) : e.name();
          if (!e.regular()
              || !(n.equals("index.json")
                  || n.equals("oci-layout")
                  || n.matches("blobs/sha256/[0-9a-f]{64}"))) {
            continue;
          }
          Path out = layout.resolve(n);
          Files.createDirectories(out.getParent());
          try (OutputStream os = Files.newOutputStream(out)) {
            tar.content().transferTo(os);
          }
        }
      }
      byte[] index;
      try {
        index = Files.readAllBytes(layout.resolve("index.json"));
      } catch (java.nio.file.NoSuchFileException e) {
        throw new SbomException(
            archive + " is not an OCI image layout archive (no index.json)",
            "give the archive the build step wrote",
            Fix.of("sbom.target", "target", archive.toString()),
            e);
      }
      List<Descriptor> ms = OciJson.indexManifests(index);
      if (ms.isEmpty()) {
        throw new SbomException(archive + ": index.json lists no manifest", null);
      }
      Digest d = ms.get(0).digest();
      if (as.digestIfAny().isPresent() && !as.digestIfAny().get().equals(d)) {
        throw new SbomException(
            archive + " holds image " + d + ", not " + as.digestIfAny().get(),
            "give the archive of the image named");
      }
      OciClient oci = Registries.readLayout(layout);
      return image(
          oci, as.withDigest(d), o.withWorkDir(Files.createDirectories(work.resolve("image"))));
    } catch (IOException e) {
      throw new SbomException(
          "cannot read the image archive " + archive + ": " + dev.cairn.core.Text.describe(e),
          "give the archive the build step wrote",
          Fix.of("sbom.target", "target", archive.toString()),
          e);
    } finally {
      deleteQuietly(work);
    }
  }

  private static Path workDir(Options o) throws SbomException {
    try {
      return o.workDir() == null
          ? Files.createTempDirectory("cairn-sbom-")
          : Files.createTempDirectory(Files.createDirectories(o.workDir()), "sbom-");
    } catch (IOException e) {
      throw new SbomException(
          "cannot make a work directory: " + dev.cairn.core.Text.describe(e),
          "check the temp directory's space and permissions",
          null,
          e);
    }
  }

  private static void deleteQuietly(Path p) {
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // a temp directory left behind is no reason to fail the SBOM
    }
  }

  private static boolean isIndex(String mediaType, byte[] bytes) {
    if (mediaType.equals(MediaTypes.OCI_INDEX)
        || mediaType.equals(MediaTypes.DOCKER_MANIFEST_LIST)) {
      return true;
    }
    try {
      Map<String, Object> m = Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
      return m.get("manifests") instanceof List<?> && !(m.get("layers") instanceof List<?>);
    } catch (IOException e) {
      return false;
    }
  }

  /** The manifest of {@code platform} in an index. */
  private static Digest pick(byte[] index, String platform, ImageRef ref) throws SbomException {
    String[] want = platform.split("/");
    List<String> seen = new ArrayList<>();
    try {
      Map<String, Object> m = Json.parseObject(new String(index, StandardCharsets.UTF_8));
      for (Object o : (List<?>) m.getOrDefault("manifests", List.of())) {
        if (!(o instanceof Map<?, ?> d) || !(d.get("platform") instanceof Map<?, ?> p)) {
          continue;
        }
        String os = String.valueOf(p.get("os"));
        String arch = String.valueOf(p.get("architecture"));
        String variant = p.get("variant") instanceof String v ? v : "";
        seen.add(os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant));
        if (os.equals(want[0])
            && want.length > 1
            && arch.equals(want[1])
            && (want.length < 3 || variant.equals(want[2]))) {
          return Digest.parse(String.valueOf(d.get("digest")));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new SbomException(ref + ": its index is malformed: " + e.getMessage(), null);
    }
    throw new SbomException(
        ref + " has no image for platform " + platform + " (it has " + seen + ")",
        "pick one of the platforms it has",
        Fix.of("sbom.platform", "platforms", String.join(", ", seen)),
        null);
  }

  /** The image as the SBOM's subject: {@code pkg:oci/NAME@sha256:…?repository_url=…}. */
  static Component subject(ImageRef ref, Digest digest) {
    String repo = ref.repository();
    String last = repo.substring(repo.lastIndexOf('/') + 1);
    Map<String, String> q = new LinkedHashMap<>();
    q.put("repository_url", ref.name());
    if (ref.tag() != null) {
      q.put("tag", ref.tag());
    }
    return new Component(
        Component.Type.CONTAINER,
        null,
        ref.name(),
        digest.toString(),
        Purl.of("oci", null, last, digest.toString(), q),
        List.of(),
        Map.of("SHA-256", digest.hex()),
        List.of(),
        "");
  }

  private static Sbom sbom(
      Component subject, List<Component> components, List<String> warnings, Options o) {
    Instant ts = o.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    Sbom draft =
        new Sbom(
            subject,
            components,
            "urn:uuid:00000000-0000-0000-0000-000000000000",
            ts,
            o.tool(),
            warnings);
    // the serial number names this content at this time: the same inputs give the same bytes
    UUID serial = UUID.nameUUIDFromBytes(draft.toJson());
    return new Sbom(subject, components, "urn:uuid:" + serial, ts, o.tool(), warnings);
  }
}
