package dev.cairn.supplychain.vuln.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** OSV ecosystem names and the package names within them. */
public final class Ecosystems {
  private Ecosystems() {}

  /** Debian's release names, for a {@code distro=bookworm} qualifier. */
  private static final Map<String, String> DEBIAN_CODENAMES =
      Map.of(
          "buster", "10",
          "bullseye", "11",
          "bookworm", "12",
          "trixie", "13",
          "forky", "14");

  /** The ecosystem without its release: {@code Debian} for {@code Debian:12}. */
  public static String base(String ecosystem) {
    int i = ecosystem.indexOf(':');
    return i < 0 ? ecosystem : ecosystem.substring(0, i);
  }

  /**
   * A package's name as the store indexes it: PyPI names normalised as PEP 503 says (lower case,
   * runs of {@code -_.} as one {@code -}); other ecosystems' names as they are.
   */
  public static String key(String ecosystem, String name) {
    if (base(ecosystem).equalsIgnoreCase("PyPI")) {
      return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }
    return name;
  }

  /**
   * The OSV ecosystem of a purl, with the release from its {@code distro} qualifier: {@code
   * Debian:12} for {@code pkg:deb/debian/x?distro=debian-12}, {@code Alpine:v3.20} for {@code
   * pkg:apk/alpine/x?distro=alpine-3.20.3}; empty for a purl type Cairn does not match.
   */
  public static Optional<String> of(Purl p) {
    String ns = p.namespace().toLowerCase(Locale.ROOT);
    return Optional.ofNullable(
        switch (p.type()) {
          case "deb" -> {
            String base = ns.equals("ubuntu") ? "Ubuntu" : ns.equals("debian") ? "Debian" : null;
            if (base == null) {
              yield null;
            }
            String d = p.qualifiers().get("distro");
            if (d == null || d.isBlank()) {
              yield base;
            }
            d = d.toLowerCase(Locale.ROOT);
            String release = d.startsWith(ns + "-") ? d.substring(ns.length() + 1) : d;
            release = DEBIAN_CODENAMES.getOrDefault(release, release);
            if (base.equals("Debian")) {
              int dot = release.indexOf('.');
              release = dot < 0 ? release : release.substring(0, dot);
            }
            yield base + ":" + release;
          }
          case "apk" -> {
            if (!ns.equals("alpine")) {
              yield null;
            }
            String d = p.qualifiers().get("distro");
            if (d == null || d.isBlank()) {
              yield "Alpine";
            }
            String release = d.toLowerCase(Locale.ROOT);
            release = release.startsWith("alpine-") ? release.substring(7) : release;
            release = release.startsWith("v") ? release.substring(1) : release;
            String[] parts = release.split("\\.");
            yield parts.length >= 2 ? "Alpine:v" + parts[0] + "." + parts[1] : "Alpine:v" + release;
          }
          case "maven" -> "Maven";
          case "npm" -> "npm";
          case "pypi" -> "PyPI";
          case "golang" -> "Go";
          default -> null;
        });
  }

  /**
   * The OSV package name of a purl: Maven's {@code group:artifact}, npm's {@code @scope/name}, a Go
   * module's path; a Debian binary package's source package when the purl names it ({@code
   * upstream=}), since Debian's advisories name source packages.
   */
  public static String name(Purl p) {
    return switch (p.type()) {
      case "maven" -> p.namespace() + ":" + p.name();
      case "npm", "golang" -> p.namespace().isEmpty() ? p.name() : p.namespace() + "/" + p.name();
      case "deb" -> {
        String up = p.qualifiers().get("upstream");
        if (up == null || up.isBlank()) {
          yield p.name();
        }
        int at = up.indexOf('@');
        yield at < 0 ? up : up.substring(0, at);
      }
      default -> p.name();
    };
  }

  /** The version a purl names, in the ecosystem's own spelling (Go's without its {@code v}). */
  public static String version(Purl p) {
    return p.version();
  }
}
