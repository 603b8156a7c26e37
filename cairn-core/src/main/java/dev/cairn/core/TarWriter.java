package dev.cairn.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A reproducible ustar writer: owner 0:0, time 0, modes 0755 or 0644 (0777 for links), names up to
 * the ustar limit (a 155-byte prefix and a 100-byte name), so that the same files make the same
 * bytes on any machine. {@link #close} writes the end-of-archive blocks and closes the stream.
 */
public final class TarWriter implements AutoCloseable {
  private final OutputStream out;

  public TarWriter(OutputStream out) {
    this.out = out;
  }

  /** A directory entry ({@code name} without a trailing slash). */
  public void directory(String name, int mode) throws IOException {
    header(name + "/", 0, mode, '5', "");
  }

  /** A symbolic link to {@code target}. */
  public void symlink(String name, String target) throws IOException {
    header(name, 0, 0777, '2', target);
  }

  /** A regular file of {@code size} bytes read from {@code content}. */
  public void file(String name, int mode, long size, InputStream content) throws IOException {
    header(name, size, mode, '0', "");
    long copied = content.transferTo(out);
    if (copied != size) {
      throw new IOException(
          name + " changed while it was archived: " + copied + " bytes, not " + size);
    }
    out.write(new byte[(int) ((512 - size % 512) % 512)]);
  }

  /** A regular file with {@code content}. */
  public void file(String name, int mode, byte[] content) throws IOException {
    file(name, mode, content.length, new java.io.ByteArrayInputStream(content));
  }

  /** The file {@code p}: 0755 if its owner may execute it, else 0644. */
  public void file(String name, Path p) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    int mode = perms.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644;
    try (InputStream in = Files.newInputStream(p)) {
      file(name, mode, Files.size(p), in);
    }
  }

  /**
   * Every file, directory and symbolic link below {@code root}, in name order, as {@code prefix}
   * plus its relative path ({@code prefix} empty or ending in {@code /}); links are kept as links,
   * never followed.
   */
  public void tree(String prefix, Path root) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(p -> !p.equals(root)).forEach(all::add);
    }
    all.sort(java.util.Comparator.comparing(p -> root.relativize(p).toString()));
    for (Path p : all) {
      String name = prefix + root.relativize(p).toString().replace('\\', '/');
      if (Files.isSymbolicLink(p)) {
        symlink(name, Files.readSymbolicLink(p).toString());
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        directory(name, 0755);
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        file(name, p);
      }
    }
  }

  @Override
  public void close() throws IOException {
    try (out) {
      out.write(new byte[1024]);
    }
  }

  private void header(String name, long size, int mode, char type, String link) throws IOException {
    String prefix = "";
    String n = name;
    if (utf8(n) > 100) {
      int cut = n.lastIndexOf('/', Math.min(155, n.length() - 2));
      if (cut <= 0 || utf8(n.substring(cut + 1)) > 100 || utf8(n.substring(0, cut)) > 155) {
        throw new IOException("a path is too long for a tar archive (ustar): " + name);
      }
      prefix = n.substring(0, cut);
      n = n.substring(cut + 1);
    }
    if (utf8(link) > 100) {
      throw new IOException("a link target is too long for a tar archive (ustar): " + link);
    }
    byte[] h = new byte[512];
    put(h, 0, n);
    put(h, 100, String.format("%07o", mode));
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", size));
    put(h, 136, String.format("%011o", 0));
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    h[156] = (byte) type;
    put(h, 157, link);
    put(h, 257, "ustar");
    put(h, 263, "00");
    put(h, 345, prefix);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    out.write(h);
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, at, b.length);
  }
}
