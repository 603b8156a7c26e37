package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.core.Text;
import dev.cairn.scanner.Version;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.RegistryAuth;
import dev.cairn.supplychain.sbom.Component;
import dev.cairn.supplychain.sbom.Sbom;
import dev.cairn.supplychain.sbom.Sboms;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn sbom IMAGE|DIR}: a CycloneDX 1.6 SBOM of an image (a registry reference, or {@code
 * oci:DIR[:TAG]} for an OCI layout) or of a directory. The SBOM goes to stdout or {@code --output};
 * progress and warnings go to stderr.
 */
@Command(name = "sbom")
final class SbomCommand extends Sub {
  @Parameters(paramLabel = "IMAGE|DIR", descriptionKey = "sbom-target")
  @SuppressWarnings("NullAway.Init")
  String target;

  @Option(
      names = {"-o", "--format"},
      paramLabel = "FORMAT")
  String format = "cyclonedx-json";

  @Option(names = "--output", paramLabel = "FILE")
  @Nullable Path output;

  @Option(names = "--platform", paramLabel = "OS/ARCH")
  String platform = "linux/amd64";

  @Option(names = "--plain-http")
  boolean plainHttp;

  @Option(names = "--registry-ca", paramLabel = "FILE")
  @Nullable Path registryCa;

  @Option(names = "--registry-user", paramLabel = "NAME")
  @Nullable String registryUser;

  @Option(names = "--registry-password-env", paramLabel = "VAR")
  @Nullable String registryPasswordEnv;

  @Override
  public Integer call() throws Exception {
    String fmt = format.toLowerCase(Locale.ROOT);
    if (!fmt.equals("cyclonedx-json") && !fmt.equals("json") && !fmt.equals("table")) {
      throw ExitException.usage(
          "unknown SBOM format '" + Text.escape(format) + "'", "use -o cyclonedx-json or table");
    }
    Progress progress = Progress.forStderr();
    Sboms.Options o =
        Sboms.Options.of(Clock.systemUTC())
            .withTool(Version.TOOL)
            .withPlatform(platform)
            .withProgress(progress::update);
    Sbom sbom;
    try {
      sbom = make(o);
    } finally {
      progress.done();
    }
    PrintWriter err = err();
    for (String w : sbom.warnings()) {
      err.println("cairn: warning: " + Text.escape(w));
    }
    byte[] bytes =
        fmt.equals("table") ? table(sbom).getBytes(StandardCharsets.UTF_8) : sbom.toJson();
    if (output != null) {
      if (fmt.equals("table")) {
        dev.cairn.core.AtomicFiles.write(output, bytes, false);
      } else {
        sbom.write(output);
      }
      err.println(
          "wrote "
              + output
              + ": "
              + Text.count(sbom.components().size(), "component")
              + " of "
              + Text.escape(sbom.subject().name())
              + (fmt.equals("table")
                  ? ""
                  : " (CycloneDX "
                      + Sbom.SPEC_VERSION
                      + ", sha256:"
                      + Digest.sha256(bytes).hex()
                      + ")"));
    } else {
      PrintWriter out = out();
      out.print(new String(bytes, StandardCharsets.UTF_8));
      out.flush();
    }
    err.flush();
    return Main.OK;
  }

  private Sbom make(Sboms.Options o) throws CairnException {
    if (target.startsWith("oci:")) {
      return layout(target.substring(4), o);
    }
    Path dir = Path.of(target);
    if (Files.isDirectory(dir)) {
      if (plainHttp || registryCa != null || registryUser != null) {
        throw ExitException.usage(
            "registry options are for an image, not a directory (" + target + ")",
            "leave them out, or name an image");
      }
      return Sboms.directory(dir, o);
    }
    if (Files.exists(dir)) {
      throw ExitException.usage(
          target + " is a file, not a directory or an image",
          "give a directory, an image as registry/repository:tag, or oci:DIR for an OCI layout");
    }
    ImageRef ref;
    try {
      ref = ImageRef.parse(target);
    } catch (CairnException e) {
      throw ExitException.usage(
          "'"
              + Text.escape(target)
              + "' is neither a directory nor an image reference ("
              + e.getMessage()
              + ")",
          "give a directory, an image as registry/repository:tag, or oci:DIR for an OCI layout");
    }
    if (ref.tag() == null && ref.digest() == null) {
      throw ExitException.usage(
          "image " + ref + " has neither tag nor digest",
          "name the image as " + ref.name() + ":TAG or " + ref.name() + "@sha256:<digest>");
    }
    return Sboms.image(registry(ref), ref, o);
  }

  /** {@code oci:DIR[:TAG]}: the image tagged TAG in the layout, or its only one. */
  private Sbom layout(String spec, Sboms.Options o) throws CairnException {
    String dir = spec;
    String tag = null;
    int colon = spec.lastIndexOf(':');
    if (colon > 0 && !Files.isDirectory(Path.of(spec))) {
      dir = spec.substring(0, colon);
      tag = spec.substring(colon + 1);
    }
    Path d = Path.of(dir);
    if (!Files.isRegularFile(d.resolve("index.json"))) {
      throw ExitException.usage(
          dir + " is not an OCI image layout (no index.json)",
          "give oci:DIR of a directory with oci-layout, index.json and blobs/");
    }
    Path abs = d.toAbsolutePath().normalize();
    String name =
        abs.getFileName() == null
            ? "image"
            : abs.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    name = name.replaceAll("^-+|-+$", "");
    ImageRef base = new ImageRef("localhost", name.isEmpty() ? "image" : name, null, null);
    ImageRef ref;
    if (tag != null) {
      ref = base.withTag(tag);
    } else {
      List<?> ms;
      try {
        ms =
            (List<?>)
                Json.parseObject(Files.readString(d.resolve("index.json")))
                    .getOrDefault("manifests", List.of());
      } catch (java.io.IOException | ClassCastException e) {
        throw ExitException.usage(
            d.resolve("index.json") + " is not an OCI index", "give an OCI image layout");
      }
      if (ms.size() != 1 || !(ms.get(0) instanceof Map<?, ?> m)) {
        throw ExitException.usage(
            dir + " holds " + ms.size() + " images; say which",
            "name it by tag: oci:" + dir + ":TAG");
      }
      ref = base.atDigest(Digest.parse(String.valueOf(m.get("digest"))));
    }
    return Sboms.image(Registries.readLayout(d), ref, o);
  }

  private OciClient registry(ImageRef image) throws ExitException {
    return registry(this, image, plainHttp, registryCa, registryUser, registryPasswordEnv);
  }

  /**
   * The registry client of {@code image} from the registry flags ({@code --plain-http}, {@code
   * --registry-ca}, {@code --registry-user}, {@code --registry-password-env}) of {@code cairn sbom}
   * and {@code cairn vuln scan IMAGE}.
   */
  static OciClient registry(
      Sub s,
      ImageRef image,
      boolean plainHttp,
      @Nullable Path registryCa,
      @Nullable String registryUser,
      @Nullable String registryPasswordEnv)
      throws ExitException {
    Registries.Builder b = Registries.builder();
    if (plainHttp) {
      b.allowPlainHttp(image.registry());
    }
    if (registryCa != null) {
      b.caCertificate(image.registry(), registryCa);
    }
    if (registryUser != null) {
      String password = registryPasswordEnv == null ? null : s.env().get(registryPasswordEnv);
      if (password == null || password.isEmpty()) {
        throw ExitException.usage(
            "--registry-user needs a password: "
                + (registryPasswordEnv == null
                    ? "no --registry-password-env"
                    : "no password in " + registryPasswordEnv),
            "pass --registry-password-env VAR with the password (or token) in VAR");
      }
      try {
        b.auth(image.registry(), RegistryAuth.basic(registryUser, Secret.ofUtf8(password)));
      } catch (IllegalArgumentException e) {
        throw ExitException.usage(
            "--registry-user "
                + Text.escape(registryUser)
                + " is not a user name (empty, or with ':')",
            "pass the registry account's name");
      }
    }
    return b.build();
  }

  /** The components as a table for people: name, version, kind, purl. */
  static String table(Sbom sbom) {
    List<Component> cs = sbom.components();
    int n = "NAME".length();
    int v = "VERSION".length();
    int k = "KIND".length();
    for (Component c : cs) {
      n = Math.max(n, display(c).length());
      v = Math.max(v, c.version().length());
      k = Math.max(k, c.cataloger().length());
    }
    n = Math.min(n, 60);
    v = Math.min(v, 40);
    StringBuilder b = new StringBuilder();
    String f = "%-" + n + "s  %-" + v + "s  %-" + k + "s  %s%n";
    b.append(String.format(f, "NAME", "VERSION", "KIND", "PURL"));
    for (Component c : cs) {
      b.append(
          String.format(
              f,
              Text.escape(display(c)),
              Text.escape(c.version()),
              c.cataloger(),
              Text.escape(c.purl())));
    }
    b.append(
        String.format(
            "%s in %s%n", Text.count(cs.size(), "component"), Text.escape(sbom.subject().name())));
    return b.toString();
  }

  private static String display(Component c) {
    return c.group() == null ? c.name() : c.group() + ":" + c.name();
  }
}
