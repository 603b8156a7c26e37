package dev.cairn.supplychain.sbom;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One component of an SBOM: a package, library or binary found in the tree.
 *
 * @param type what it is
 * @param group the Maven group id where there is one, else null
 * @param name the package's name (for npm with its {@code @scope/})
 * @param version its version as the ecosystem writes it, or empty when unknown
 * @param purl its package URL ({@code pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12})
 * @param licenses SPDX identifiers, SPDX expressions or license names, sorted
 * @param hashes algorithm (CycloneDX's names: {@code SHA-256}, {@code SHA-1}, {@code SHA-512}) to
 *     lower-case hex, sorted by algorithm
 * @param locations where in the tree it was found ({@code /app.jar!/BOOT-INF/lib/x.jar}), sorted
 * @param cataloger which cataloger found it: {@code dpkg}, {@code apk}, {@code java}, {@code npm},
 *     {@code python}, {@code go}, {@code os}
 */
public record Component(
    Type type,
    @Nullable String group,
    String name,
    String version,
    String purl,
    List<String> licenses,
    Map<String, String> hashes,
    List<String> locations,
    String cataloger) {
  /** CycloneDX's component types that Cairn writes. */
  public enum Type {
    APPLICATION("application"),
    LIBRARY("library"),
    OPERATING_SYSTEM("operating-system"),
    CONTAINER("container"),
    FILE("file");

    private final String id;

    Type(String id) {
      this.id = id;
    }

    /** CycloneDX's name, e.g. {@code operating-system}. */
    public String id() {
      return id;
    }

    /** The type CycloneDX calls {@code id}; library for one Cairn does not write. */
    public static Type of(String id) {
      for (Type t : values()) {
        if (t.id.equals(id)) {
          return t;
        }
      }
      return LIBRARY;
    }
  }

  public Component {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a component has a name");
    }
    licenses = List.copyOf(new TreeSet<>(licenses));
    hashes = java.util.Collections.unmodifiableMap(new TreeMap<>(hashes));
    locations = List.copyOf(new TreeSet<>(locations));
  }

  public Optional<String> groupIfAny() {
    return Optional.ofNullable(group);
  }

  /**
   * This component and {@code other} (the same purl) as one: licenses, hashes and places joined.
   */
  public Component merge(Component other) {
    List<String> l = new java.util.ArrayList<>(licenses);
    l.addAll(other.licenses);
    Map<String, String> h = new TreeMap<>(other.hashes);
    h.putAll(hashes);
    List<String> at = new java.util.ArrayList<>(locations);
    at.addAll(other.locations);
    return new Component(type, group, name, version, purl, l, h, at, cataloger);
  }
}
