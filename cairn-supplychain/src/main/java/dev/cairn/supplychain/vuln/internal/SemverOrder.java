package dev.cairn.supplychain.vuln.internal;

import org.jspecify.annotations.Nullable;
import org.semver4j.Semver;

/**
 * Semantic Versioning 2.0.0 precedence (semver4j), as npm orders versions and as Go orders module
 * versions (with their {@code v} prefix; pseudo-versions are pre-releases and sort as such, {@code
 * +incompatible} is build metadata and ignored).
 */
final class SemverOrder implements VersionOrder {
  static final SemverOrder NPM = new SemverOrder(false);
  static final SemverOrder GO = new SemverOrder(true);

  private final boolean go;

  private SemverOrder(boolean go) {
    this.go = go;
  }

  @Override
  public int compare(String a, String b) {
    return parse(a).compareTo(parse(b));
  }

  private Semver parse(String v) {
    String s = v.strip();
    if (go && s.startsWith("v")) {
      s = s.substring(1);
    } else if (!go && (s.startsWith("v") || s.startsWith("="))) {
      // node-semver accepts a leading v or = on a version
      s = s.substring(1);
    }
    // precedence ignores build metadata (SemVer 2.0.0 item 10)
    int plus = s.indexOf('+');
    String core = plus < 0 ? s : s.substring(0, plus);
    @Nullable Semver p = Semver.parse(core);
    if (p == null) {
      throw new IllegalArgumentException("not a semantic version: " + v);
    }
    return p;
  }
}
