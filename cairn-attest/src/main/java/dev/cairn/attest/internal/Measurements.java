package dev.cairn.attest.internal;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.LaunchSpec;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The measurement of a launch: SHA-256 over canonical JSON of the code files (by file name and
 * content digest, sorted by name, so directory and order don't matter; a class directory counts as
 * every file in it), the check pack digest and the launch configuration. The same inputs give the
 * same digest on any machine.
 *
 * <p>File digests may be remembered in a cache keyed by path, size, modification time, change time
 * and inode, as git's index does, so that a launch does not re-read 46 MB of jars each time. The
 * change time cannot be set by a user, so a file rewritten in place gets a new entry. The cache
 * lives beside the simulated platform key: whoever can alter it can sign evidence anyway.
 */
public final class Measurements {
  private Measurements() {}

  public static Digest of(LaunchSpec spec) throws AttestationException {
    return of(spec, null);
  }

  /** Measures {@code spec}, remembering file digests in {@code cache} when it is given. */
  public static Digest of(LaunchSpec spec, @Nullable Path cache) throws AttestationException {
    Map<String, Map<String, String>> known = cache == null ? new TreeMap<>() : load(cache);
    boolean changed = false;
    List<Map<String, String>> code = new ArrayList<>();
    List<Path> files = new ArrayList<>(spec.code());
    files.sort(
        Comparator.comparing((Path p) -> p.getFileName().toString()).thenComparing(Path::toString));
    for (Path f : files) {
      try {
        String key = f.toAbsolutePath().normalize().toString();
        if (Files.isDirectory(f)) {
          // a class directory (a build run in place): every file in it, by relative path
          code.add(Map.of("name", f.getFileName().toString(), "digest", directory(f).toString()));
          continue;
        }
        String stamp = cache == null || key.contains("\t") || key.contains("\n") ? null : stamp(f);
        Map<String, String> hit = known.get(key);
        String digest;
        if (stamp != null
            && hit != null
            && stamp.equals(hit.get("stamp"))
            && !racy(f, measuredAt(hit))) {
          digest = hit.get("digest");
        } else {
          try (InputStream in = Files.newInputStream(f)) {
            digest = Digest.sha256(in).toString();
          }
          // a file changed while it was read is not remembered; one changed shortly before it was
          // measured is remembered but read again next time (a same-size rewrite within the
          // clock's granularity keeps its stamp), as git does with racy entries
          if (stamp != null && stamp.equals(stamp(f))) {
            known.put(
                key,
                Map.of(
                    "stamp",
                    stamp,
                    "digest",
                    digest,
                    "measuredAt",
                    Long.toString(System.currentTimeMillis())));
            changed = true;
          }
        }
        code.add(Map.of("name", f.getFileName().toString(), "digest", digest));
      } catch (IOException e) {
        throw new AttestationException(
            "cannot measure " + f + ": " + e.getMessage(),
            "check that the workload's jars exist and are readable",
            e);
      }
    }
    if (cache != null && changed) {
      save(cache, known);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", code);
    m.put("checkPack", spec.checkPack().toString());
    m.put("command", spec.command());
    m.put("env", spec.env());
    return Digest.sha256(Json.canonical(m));
  }

  private static Digest directory(Path dir) throws IOException {
    List<List<String>> files = new ArrayList<>();
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
        try (InputStream in = Files.newInputStream(p)) {
          files.add(
              List.of(
                  dir.relativize(p).toString().replace('\\', '/'), Digest.sha256(in).toString()));
        }
      }
    }
    return Digest.sha256(Json.canonical(files));
  }

  private static long measuredAt(Map<String, String> entry) {
    try {
      return Long.parseLong(entry.getOrDefault("measuredAt", "0"));
    } catch (NumberFormatException e) {
      return 0; // a damaged entry: measure again
    }
  }

  /** Whether the file changed less than two seconds before it was measured. */
  private static boolean racy(Path f, long measuredAt) throws IOException {
    long m = Files.getLastModifiedTime(f).toMillis();
    Object c = Files.getAttribute(f, "unix:ctime");
    long ct = c instanceof FileTime t ? t.toMillis() : Long.MAX_VALUE;
    return Math.max(m, ct) > measuredAt - 2_000;
  }

  /** Size, mtime, ctime and inode of {@code f}; null where the file system has no change time. */
  private static @Nullable String stamp(Path f) throws IOException {
    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
    Object ctime;
    try {
      ctime = Files.getAttribute(f, "unix:ctime");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
    if (!(ctime instanceof FileTime) || a.fileKey() == null) {
      return null;
    }
    return a.size()
        + "/"
        + a.lastModifiedTime().toInstant()
        + "/"
        + ((FileTime) ctime).toInstant()
        + "/"
        + a.fileKey();
  }

  /**
   * The cache: one line per file, {@code path TAB stamp TAB digest TAB measuredAt} (no JSON parser
   * to start).
   */
  private static Map<String, Map<String, String>> load(Path cache) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    try {
      for (String line : Files.readAllLines(cache)) {
        String[] f = line.split("\t");
        if (f.length == 4) {
          out.put(f[0], Map.of("stamp", f[1], "digest", f[2], "measuredAt", f[3]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // missing or unreadable: measure everything again
    }
    return out;
  }

  private static void save(Path cache, Map<String, Map<String, String>> known) {
    try {
      StringBuilder b = new StringBuilder();
      known.forEach(
          (path, v) ->
              b.append(path)
                  .append('\t')
                  .append(v.get("stamp"))
                  .append('\t')
                  .append(v.get("digest"))
                  .append('\t')
                  .append(v.get("measuredAt"))
                  .append('\n'));
      dev.cairn.core.AtomicFiles.write(cache, b.toString());
    } catch (IOException | RuntimeException e) {
      // a cache that cannot be written only costs time
    }
  }
}
