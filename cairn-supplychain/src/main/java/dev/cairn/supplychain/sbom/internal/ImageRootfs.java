package dev.cairn.supplychain.sbom.internal;

import dev.cairn.core.TarReader;
import dev.cairn.supplychain.sbom.Limits;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * An image's root file system, as far as the catalogers need it: layers applied in order, each with
 * its OCI whiteouts ({@code .wh.NAME} removes NAME of the layers below, {@code .wh..wh..opq}
 * empties its directory of them), into a directory holding only the files {@link Catalog#wanted}
 * names and executable ELF files. Every entry of every layer is indexed (so that a later layer's
 * file, link or directory replaces an earlier catalogued file), but only those are written to disk,
 * each bounded by {@link Limits}. An entry whose path leaves the root ({@code ..}) fails the layer.
 */
public final class ImageRootfs {
  /** A layer could not be applied: says which entry and why. */
  public static final class LayerException extends IOException {
    private static final long serialVersionUID = 1L;

    public LayerException(String message) {
      super(message);
    }
  }

  private final Path merged;
  private final Path work;
  private final Limits limits;
  private final List<String> warnings = new ArrayList<>();
  private final Consumer<String> progress;
  private long entries;
  private long extracted;
  private int layer;

  public ImageRootfs(Path work, Limits limits, Consumer<String> progress) throws IOException {
    this.work = work;
    this.merged = Files.createDirectories(work.resolve("rootfs"));
    this.limits = limits;
    this.progress = progress;
  }

  public Path root() {
    return merged;
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** Applies the layer blob in {@code blob} (tar, gzip-compressed or not), named {@code what}. */
  public void apply(Path blob, String what) throws IOException {
    Path stage = Files.createDirectories(work.resolve("stage-" + layer++));
    Set<String> opaque = new LinkedHashSet<>();
    Set<String> whiteouts = new LinkedHashSet<>();
    Set<String> replaced = new LinkedHashSet<>();
    Set<String> dirs = new LinkedHashSet<>();
    Map<String, String> hardLinks = new LinkedHashMap<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(blob), 1 << 16)) {
      raw.mark(4);
      byte[] magic = raw.readNBytes(4);
      raw.reset();
      InputStream in;
      if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        in = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
      } else if (magic.length == 4
          && (magic[0] & 0xff) == 0x28
          && (magic[1] & 0xff) == 0xb5
          && (magic[2] & 0xff) == 0x2f
          && (magic[3] & 0xff) == 0xfd) {
        throw new LayerException(what + " is zstd-compressed, which Cairn does not read");
      } else {
        in = raw;
      }
      TarReader tar = new TarReader(in);
      for (TarReader.Entry e; (e = tar.next()) != null; ) {
        if (++entries > limits.maxEntries()) {
          throw new LayerException(
              what + ": the image has more than " + limits.maxEntries() + " entries");
        }
        String name = normalize(e.name(), what);
        if (name.isEmpty()) {
          continue;
        }
        int slash = name.lastIndexOf('/');
        String dir = slash < 0 ? "" : name.substring(0, slash);
        String base = name.substring(slash + 1);
        if (base.equals(".wh..wh..opq")) {
          opaque.add(dir);
          continue;
        }
        if (base.startsWith(".wh.")) {
          whiteouts.add((dir.isEmpty() ? "" : dir + "/") + base.substring(4));
          continue;
        }
        if (e.type() == '5') {
          dirs.add(name);
          continue;
        }
        replaced.add(name);
        if (e.type() == '1') {
          hardLinks.put(name, normalize(e.linkName(), what));
          continue;
        }
        if (!e.regular()) {
          continue;
        }
        InputStream content = tar.content();
        boolean want = Catalog.wanted(name);
        byte[] head = new byte[0];
        if (!want && (e.mode() & 0111) != 0 && e.size() >= 64) {
          head = content.readNBytes(4);
          want =
              head.length == 4
                  && head[0] == 0x7f
                  && head[1] == 'E'
                  && head[2] == 'L'
                  && head[3] == 'F'
                  && !base.contains(".so");
        }
        if (!want) {
          continue;
        }
        if (e.size() > limits.maxFileBytes()) {
          warnings.add("/" + name + ": larger than " + limits.maxFileBytes() + " bytes; not read");
          continue;
        }
        if (extracted + e.size() > limits.maxExtractedBytes()) {
          warnings.add(
              "/" + name + ": past " + limits.maxExtractedBytes() + " bytes of files; not read");
          continue;
        }
        extracted += e.size();
        Path out = stage.resolve(name);
        try {
          clear(stage, name);
          Files.createDirectories(out.getParent());
          try (OutputStream os = Files.newOutputStream(out)) {
            os.write(head);
            content.transferTo(os);
          }
        } catch (IOException x) {
          warnings.add("/" + name + ": not extracted (" + x.getMessage() + ")");
        }
      }
    }
    int files = countAndMerge(stage, opaque, whiteouts, replaced, dirs, hardLinks);
    progress.accept(what + ": " + files + " catalogued files");
  }

  private int countAndMerge(
      Path stage,
      Set<String> opaque,
      Set<String> whiteouts,
      Set<String> replaced,
      Set<String> dirs,
      Map<String, String> hardLinks)
      throws IOException {
    for (String d : opaque) {
      Path p = merged.resolve(d);
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
          for (Path c : s) {
            deleteTree(c);
          }
        }
      }
    }
    for (String w : whiteouts) {
      deleteTree(merged.resolve(w));
    }
    for (String r : replaced) {
      deleteTree(merged.resolve(r));
    }
    for (String d : dirs) {
      Path p = merged.resolve(d);
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(p);
      }
    }
    int[] n = {0};
    try (var walk = Files.walk(stage)) {
      for (Path f : (Iterable<Path>) walk::iterator) {
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String rel = stage.relativize(f).toString();
        clear(merged, rel);
        Path to = merged.resolve(rel);
        Files.createDirectories(to.getParent());
        Files.move(f, to, StandardCopyOption.REPLACE_EXISTING);
        n[0]++;
      }
    }
    for (Map.Entry<String, String> l : hardLinks.entrySet()) {
      Path target = merged.resolve(l.getValue());
      if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        Path to = merged.resolve(l.getKey());
        clear(merged, l.getKey());
        Files.createDirectories(to.getParent());
        Files.copy(target, to, StandardCopyOption.REPLACE_EXISTING);
        n[0]++;
      }
    }
    deleteTree(stage);
    return n[0];
  }

  /** Removes regular files standing where {@code rel}'s parent directories must be. */
  private static void clear(Path root, String rel) throws IOException {
    Path p = root;
    String[] parts = rel.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      p = p.resolve(parts[i]);
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(p);
      }
    }
  }

  /**
   * {@code name} without {@code ./} or {@code /} in front or {@code /} at the end.
   *
   * @throws LayerException when a component is {@code ..}
   */
  static String normalize(String name, String what) throws LayerException {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.startsWith("./") ? n.substring(2) : n.substring(1);
    }
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.equals(".")) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (String part : n.split("/")) {
      if (part.equals("..")) {
        throw new LayerException(
            what + ": entry '" + dev.cairn.core.Text.escape(name) + "' leaves the root (..)");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        out.add(part);
      }
    }
    return String.join("/", out);
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
        for (Path c : s) {
          deleteTree(c);
        }
      }
    }
    Files.delete(p);
  }
}
