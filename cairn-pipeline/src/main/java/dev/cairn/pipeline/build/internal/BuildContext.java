package dev.cairn.pipeline.build.internal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The build context: its files less those {@code .dockerignore} excludes (patterns with {@code *},
 * {@code **}, {@code ?}, {@code !} exceptions; a pattern that matches a directory excludes what is
 * in it) and less {@code .git}, whose contents differ between clones of the same commit.
 */
final class BuildContext {
  private final Path root;
  private final List<Rule> rules = new ArrayList<>();

  private record Rule(PathMatcher matcher, boolean exception) {}

  sealed interface Match {
    record Found(List<Path> paths, boolean wildcard) implements Match {}

    record Missing(boolean ignored) implements Match {}

    record Outside() implements Match {}
  }

  BuildContext(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    Path ignore = this.root.resolve(".dockerignore");
    if (Files.isRegularFile(ignore)) {
      for (String line : Files.readAllLines(ignore)) {
        String p = line.strip();
        if (p.isEmpty() || p.startsWith("#")) {
          continue;
        }
        boolean exception = p.startsWith("!");
        if (exception) {
          p = p.substring(1).strip();
        }
        p = DockerfileParser.resolve("/", p).substring(1);
        if (p.isEmpty()) {
          continue;
        }
        rules.add(new Rule(FileSystems.getDefault().getPathMatcher("glob:" + p), exception));
      }
    }
  }

  static boolean isGlob(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
  }

  /** Whether {@code rel} (relative to the root) is excluded. */
  boolean ignored(String rel) {
    if (rel.equals(".git") || rel.startsWith(".git/")) {
      return true;
    }
    boolean out = false;
    for (Rule r : rules) {
      if (matchesOrParent(r.matcher(), rel)) {
        out = !r.exception();
      }
    }
    return out;
  }

  private static boolean matchesOrParent(PathMatcher m, String rel) {
    String p = rel;
    while (!p.isEmpty()) {
      if (m.matches(Path.of(p))) {
        return true;
      }
      int i = p.lastIndexOf('/');
      p = i < 0 ? "" : p.substring(0, i);
    }
    return false;
  }

  String relative(Path p) {
    return root.relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }

  /** The files and directories a COPY source names. */
  Match match(String source) throws IOException {
    String rel = DockerfileParser.resolve("/", source).substring(1);
    if (source.startsWith("..") || source.contains("/../") || source.endsWith("/..")) {
      // resolve() clamps at the root as Docker does; a source that climbs is still refused
      Path raw = root.resolve(source.startsWith("/") ? source.substring(1) : source).normalize();
      if (!raw.startsWith(root)) {
        return new Match.Outside();
      }
    }
    if (isGlob(rel)) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + rel);
      List<Path> found = new ArrayList<>();
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.sorted().toList()) {
          String r = relative(p);
          if (!r.isEmpty() && m.matches(Path.of(r)) && !ignored(r)) {
            found.add(p);
          }
        }
      }
      return found.isEmpty() ? new Match.Missing(false) : new Match.Found(found, true);
    }
    Path p = rel.isEmpty() ? root : root.resolve(rel);
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return new Match.Missing(false);
    }
    if (!rel.isEmpty() && ignored(rel)) {
      return new Match.Missing(true);
    }
    if (!p.toRealPath().startsWith(root.toRealPath()) && !Files.isSymbolicLink(p)) {
      return new Match.Outside();
    }
    return new Match.Found(List.of(p), false);
  }

  /** Everything under {@code dir} that is not excluded, in path order, without {@code dir}. */
  List<Path> walk(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted().toList()) {
        if (!p.equals(dir) && !ignored(relative(p))) {
          out.add(p);
        }
      }
    }
    return out;
  }
}
