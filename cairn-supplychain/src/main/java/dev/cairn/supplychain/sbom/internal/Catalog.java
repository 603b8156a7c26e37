package dev.cairn.supplychain.sbom.internal;

import dev.cairn.supplychain.sbom.Component;
import dev.cairn.supplychain.sbom.Limits;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs every cataloger over a file tree (a source directory, or an image's merged root file system)
 * and merges what they find by purl. Links are never followed; {@code .git} is skipped.
 */
public final class Catalog {
  private Catalog() {}

  /** What a tree holds: the components, merged and sorted; what was skipped; its os-release. */
  public record Result(
      List<Component> components, List<String> warnings, OsPackages.@Nullable OsRelease os) {
    public Result {
      components = List.copyOf(components);
      warnings = List.copyOf(warnings);
    }
  }

  /** Whether a cataloger reads the file at {@code rel} ({@code /}-separated, no leading slash). */
  public static boolean wanted(String rel) {
    String name = rel.substring(rel.lastIndexOf('/') + 1);
    return rel.equals("var/lib/dpkg/status")
        || rel.startsWith("var/lib/dpkg/status.d/")
        || (rel.startsWith("var/lib/dpkg/info/") && name.endsWith(".md5sums"))
        || (rel.startsWith("usr/share/doc/") && name.equals("copyright"))
        || rel.equals("lib/apk/db/installed")
        || rel.equals("etc/os-release")
        || rel.equals("usr/lib/os-release")
        || Jars.isArchive(name)
        || name.equals("package-lock.json")
        || Npm.isInstalledPackageJson(rel)
        || Python.isMetadata(rel);
  }

  /**
   * Catalogs the tree at {@code root}.
   *
   * @param rootfs true for an image's root file system: locations are written {@code /path}
   */
  public static Result of(Path root, boolean rootfs, Limits limits) throws IOException {
    OsPackages.OsRelease os = OsPackages.osRelease(root);
    List<Component> found = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (os != null && rootfs) {
      found.add(
          new Component(
              Component.Type.OPERATING_SYSTEM,
              null,
              os.id(),
              os.versionId(),
              Purl.of("generic", null, os.id(), os.versionId(), Map.of()),
              List.of(),
              Map.of(),
              List.of("/etc/os-release"),
              "os"));
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return !dir.equals(root) && dir.getFileName().toString().equals(".git")
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!attrs.isRegularFile()) {
              return FileVisitResult.CONTINUE;
            }
            String rel = root.relativize(file).toString().replace('\\', '/');
            String location = rootfs ? "/" + rel : rel;
            try {
              visit(root, file, rel, location, attrs.size(), os, limits, found, warnings);
            } catch (IOException | RuntimeException e) {
              warnings.add(location + ": not catalogued (" + describe(e) + ")");
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            warnings.add(root.relativize(file) + ": unreadable (" + describe(e) + ")");
            return FileVisitResult.CONTINUE;
          }
        });
    Map<String, Component> byPurl = new LinkedHashMap<>();
    for (Component c : found) {
      byPurl.merge(c.purl(), c, Component::merge);
    }
    return new Result(new ArrayList<>(byPurl.values()), warnings, os);
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static void visit(
      Path root,
      Path file,
      String rel,
      String location,
      long size,
      OsPackages.@Nullable OsRelease os,
      Limits limits,
      List<Component> out,
      List<String> warnings)
      throws IOException {
    String name = rel.substring(rel.lastIndexOf('/') + 1);
    boolean named =
        rel.equals("var/lib/dpkg/status")
            || (rel.startsWith("var/lib/dpkg/status.d/") && !name.endsWith(".md5sums"))
            || rel.equals("lib/apk/db/installed")
            || Jars.isArchive(name)
            || (name.equals("package-lock.json") && !rel.contains("node_modules/"))
            || Npm.isInstalledPackageJson(rel)
            || Python.isMetadata(rel);
    if (size > limits.maxFileBytes()) {
      if (named) {
        warnings.add(location + ": larger than " + limits.maxFileBytes() + " bytes; not read");
      }
      return;
    }
    if (rel.equals("var/lib/dpkg/status")) {
      out.addAll(OsPackages.dpkg(root, file, location, os, false));
    } else if (rel.startsWith("var/lib/dpkg/status.d/") && !name.endsWith(".md5sums")) {
      out.addAll(OsPackages.dpkg(root, file, location, os, true));
    } else if (rel.equals("lib/apk/db/installed")) {
      out.addAll(OsPackages.apk(file, location, os));
    } else if (Jars.isArchive(name)) {
      Jars.read(file, location, limits, out, warnings);
    } else if (name.equals("package-lock.json") && !rel.contains("node_modules/")) {
      out.addAll(Npm.lock(file, location));
    } else if (Npm.isInstalledPackageJson(rel)) {
      Component c = Npm.installed(file, location);
      if (c != null) {
        out.add(c);
      }
    } else if (Python.isMetadata(rel)) {
      Component c = Python.read(file, location);
      if (c != null) {
        out.add(c);
      }
    } else if (size >= 64 && GoBinaries.isElf(file)) {
      GoBinaries.BuildInfo info = GoBinaries.buildInfo(file);
      if (info != null) {
        out.addAll(GoBinaries.components(file, location, info));
      }
    }
  }
}
