package dev.cairn.supplychain.vuln.internal;

import org.apache.maven.artifact.versioning.ComparableVersion;

/** Maven's own order, from maven-artifact's {@code ComparableVersion}. */
final class MavenOrder implements VersionOrder {
  static final MavenOrder ORDER = new MavenOrder();

  private MavenOrder() {}

  @Override
  public int compare(String a, String b) {
    if (a.isBlank() || b.isBlank()) {
      throw new IllegalArgumentException("an empty Maven version");
    }
    return new ComparableVersion(a.strip()).compareTo(new ComparableVersion(b.strip()));
  }
}
