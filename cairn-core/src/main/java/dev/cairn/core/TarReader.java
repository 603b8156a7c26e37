package dev.cairn.core;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A streaming tar reader (the writer is {@link TarWriter}): ustar (with its name prefix), GNU long
 * names and links ({@code L}, {@code K}), pax extended headers ({@code path}, {@code linkpath},
 * {@code size}), base-256 sizes. Each entry's content is read from {@link #content()} before the
 * next {@link #next()}.
 */
public final class TarReader {
  /**
   * One entry. {@code type} is the tar type flag: '0' file, '1' hard link, '2' symlink, '5' dir.
   */
  public record Entry(String name, char type, long size, int mode, String linkName) {
    public boolean regular() {
      return type == '0' || type == 0 || type == '7';
    }
  }

  private final InputStream in;
  private long remaining;
  private long padding;
  private final byte[] header = new byte[512];

  public TarReader(InputStream in) {
    this.in = in;
  }

  /** The next entry, or null at the end of the archive. */
  public @Nullable Entry next() throws IOException {
    skipRest();
    String longName = null;
    String longLink = null;
    Long paxSize = null;
    while (true) {
      int n = in.readNBytes(header, 0, 512);
      if (n == 0) {
        return null;
      }
      if (n < 512) {
        throw new EOFException("the archive ends inside a header");
      }
      if (allZero(header)) {
        return null;
      }
      if (!checksumOk()) {
        throw new IOException("a tar header has a bad checksum: not a tar archive, or damaged");
      }
      char type = (char) (header[156] & 0xff);
      long size = number(124, 12);
      if (size < 0) {
        throw new IOException("a tar header has a negative size");
      }
      long pad = (512 - size % 512) % 512;
      if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
        if (size > 1 << 20) {
          throw new IOException("a tar extended header is larger than 1 MiB");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
          throw new EOFException("the archive ends inside an extended header");
        }
        in.skipNBytes(pad);
        String text = new String(data, StandardCharsets.UTF_8);
        if (type == 'L') {
          longName = trimNul(text);
        } else if (type == 'K') {
          longLink = trimNul(text);
        } else if (type == 'x') {
          int pos = 0;
          while (pos < data.length) {
            int sp = text.indexOf(' ', pos);
            if (sp < 0) {
              break;
            }
            int len;
            try {
              len = Integer.parseInt(text.substring(pos, sp));
            } catch (NumberFormatException e) {
              break;
            }
            if (len <= 0 || pos + len > text.length()) {
              break;
            }
            String rec = text.substring(sp + 1, pos + len - 1);
            int eq = rec.indexOf('=');
            if (eq > 0) {
              String k = rec.substring(0, eq);
              String v = rec.substring(eq + 1);
              switch (k) {
                case "path" -> longName = v;
                case "linkpath" -> longLink = v;
                case "size" -> paxSize = Long.parseLong(v);
                default -> {}
              }
            }
            pos += len;
          }
        }
        continue;
      }
      String name = longName != null ? longName : string(0, 100);
      if (longName == null && header[257] == 'u' && header[258] == 's') {
        String prefix = string(345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
      }
      if (paxSize != null) {
        size = paxSize;
        pad = (512 - size % 512) % 512;
      }
      String link = longLink != null ? longLink : string(157, 100);
      int mode = (int) number(100, 8);
      if (type == '1' || type == '2' || type == '5' || type == '3' || type == '4' || type == '6') {
        // links, directories and devices carry no data in their size field (hard links may)
        if (type != '1') {
          size = 0;
          pad = 0;
        }
      }
      remaining = size;
      padding = pad;
      return new Entry(name, type, size, mode, link);
    }
  }

  /** The current entry's content; reading past it returns end of stream. */
  public InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        if (remaining <= 0) {
          return -1;
        }
        int b = in.read();
        if (b < 0) {
          throw new EOFException("the archive ends inside an entry");
        }
        remaining--;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
          return -1;
        }
        int r = in.read(b, off, (int) Math.min(len, remaining));
        if (r < 0) {
          throw new EOFException("the archive ends inside an entry");
        }
        remaining -= r;
        return r;
      }
    };
  }

  /**
   * Unpacks the archive {@code in} into the empty or new directory {@code dir}: regular files and
   * directories only, modes kept to 0755 or 0644; refuses (IOException naming the entry) an
   * absolute name, one that leaves {@code dir}, a link, a device, or more than {@code maxBytes} of
   * content in all.
   *
   * @return the number of files written
   */
  public static long extract(InputStream in, Path dir, long maxBytes) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    TarReader tar = new TarReader(in);
    long total = 0;
    long files = 0;
    for (Entry e; (e = tar.next()) != null; ) {
      String name = e.name();
      while (name.startsWith("./")) {
        name = name.substring(2);
      }
      if (name.isEmpty() || name.equals(".") || name.equals("./")) {
        continue;
      }
      if (name.startsWith("/") || name.contains("\\")) {
        throw new IOException("the archive names an absolute path: " + Text.escape(e.name()));
      }
      Path target = root.resolve(name).normalize();
      if (!target.startsWith(root) || target.equals(root)) {
        throw new IOException(
            "the archive names a path outside its directory: " + Text.escape(e.name()));
      }
      if (e.type() == '5') {
        Files.createDirectories(target);
      } else if (e.regular()) {
        total += e.size();
        if (total > maxBytes) {
          throw new IOException("the archive holds more than " + maxBytes + " bytes");
        }
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
          tar.content().transferTo(out);
        }
        Files.setPosixFilePermissions(
            target,
            java.nio.file.attribute.PosixFilePermissions.fromString(
                (e.mode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
        files++;
      } else {
        throw new IOException(
            "the archive holds "
                + (e.type() == '1' || e.type() == '2' ? "a link" : "a special file")
                + ", which is not unpacked: "
                + Text.escape(e.name()));
      }
    }
    return files;
  }

  private void skipRest() throws IOException {
    if (remaining > 0 || padding > 0) {
      in.skipNBytes(remaining + padding);
      remaining = 0;
      padding = 0;
    }
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private boolean checksumOk() {
    long want = number(148, 8);
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
    }
    return sum == want;
  }

  private long number(int off, int len) {
    if ((header[off] & 0x80) != 0) {
      long v = header[off] & 0x7f;
      for (int i = off + 1; i < off + len; i++) {
        v = (v << 8) | (header[i] & 0xff);
      }
      return v;
    }
    String s = string(off, len).strip();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private String string(int off, int len) {
    int end = off;
    while (end < off + len && header[end] != 0) {
      end++;
    }
    return new String(header, off, end - off, StandardCharsets.UTF_8);
  }

  private static String trimNul(String s) {
    int z = s.indexOf('\0');
    return z < 0 ? s : s.substring(0, z);
  }
}
