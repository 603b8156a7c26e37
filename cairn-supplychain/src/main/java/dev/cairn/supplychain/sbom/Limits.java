package dev.cairn.supplychain.sbom;

/**
 * How much an SBOM reads: bounds that keep a hostile or huge image from exhausting memory or disk.
 * An entry past a bound is skipped and named in {@link Sbom#warnings()}; too many entries fail.
 *
 * @param maxFileBytes the largest file catalogued (a jar, a binary, a status database)
 * @param maxNestedBytes the largest archive read inside another one (held in memory)
 * @param maxNestingDepth how deep archives inside archives are opened (1: a jar's own jars)
 * @param maxEntries the most tar entries of an image, over all its layers
 * @param maxExtractedBytes the most bytes an image's catalogued files may take on disk
 */
public record Limits(
    long maxFileBytes,
    long maxNestedBytes,
    int maxNestingDepth,
    long maxEntries,
    long maxExtractedBytes) {
  /** 512 MiB files, 128 MiB nested archives, depth 3, 2 million entries, 8 GiB extracted. */
  public static final Limits DEFAULT = new Limits(512L << 20, 128L << 20, 3, 2_000_000, 8L << 30);

  public Limits {
    if (maxFileBytes <= 0
        || maxNestedBytes <= 0
        || maxNestingDepth < 0
        || maxEntries <= 0
        || maxExtractedBytes <= 0) {
      throw new IllegalArgumentException("SBOM limits are positive: " + this);
    }
  }
}
