package dev.cairn.supplychain.sbom.internal;

import dev.cairn.core.Digest;
import dev.cairn.supplychain.sbom.Component;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Go binaries (ELF): the build information the Go linker embeds, read as Go's own {@code
 * debug/buildinfo} reads it. A 32-byte header starting {@code \xff Go buildinf:} at a 16-byte
 * boundary in the {@code .go.buildinfo} section (or the first writable segment): byte 14 is the
 * pointer size, byte 15 the flags. With flag 2 (Go 1.18+) the Go version and the module info follow
 * inline as varint-length-prefixed strings; without it, two pointers to Go string headers (address,
 * length) point at them, in the byte order flag 1 gives. The module info ({@code path}, {@code
 * mod}, {@code dep}, {@code =>} lines) is framed by 16-byte sentinels.
 */
public final class GoBinaries {
  private GoBinaries() {}

  static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
  private static final int WINDOW = 64 * 1024;

  /** The embedded Go version and module info of an executable. */
  public record BuildInfo(String goVersion, String modInfo) {}

  /** Whether {@code file} starts with ELF's magic. */
  public static boolean isElf(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(4);
      return b.length == 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }
  }

  private record Segment(long vaddr, long offset, long filesz, boolean writable, boolean exec) {}

  /** The build info of ELF file {@code file}, or null when it is no Go binary. */
  public static @Nullable BuildInfo buildInfo(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer ident = read(ch, 0, 64);
      if (ident.remaining() < 52
          || ident.get(0) != 0x7f
          || ident.get(1) != 'E'
          || ident.get(2) != 'L'
          || ident.get(3) != 'F') {
        return null;
      }
      boolean is64 = ident.get(4) == 2;
      ByteOrder order = ident.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      ident.order(order);
      long phoff = is64 ? ident.getLong(0x20) : Integer.toUnsignedLong(ident.getInt(0x1C));
      long shoff = is64 ? ident.getLong(0x28) : Integer.toUnsignedLong(ident.getInt(0x20));
      int phentsize = Short.toUnsignedInt(ident.getShort(is64 ? 0x36 : 0x2A));
      int phnum = Short.toUnsignedInt(ident.getShort(is64 ? 0x38 : 0x2C));
      int shentsize = Short.toUnsignedInt(ident.getShort(is64 ? 0x3A : 0x2E));
      int shnum = Short.toUnsignedInt(ident.getShort(is64 ? 0x3C : 0x30));
      int shstrndx = Short.toUnsignedInt(ident.getShort(is64 ? 0x3E : 0x32));
      List<Segment> loads = new ArrayList<>();
      for (int i = 0; i < Math.min(phnum, 4096); i++) {
        ByteBuffer p = read(ch, phoff + (long) i * phentsize, is64 ? 56 : 32).order(order);
        if (p.remaining() < (is64 ? 56 : 32) || p.getInt(0) != 1) { // PT_LOAD
          continue;
        }
        int flags = is64 ? p.getInt(4) : p.getInt(24);
        long off = is64 ? p.getLong(8) : Integer.toUnsignedLong(p.getInt(4));
        long vaddr = is64 ? p.getLong(16) : Integer.toUnsignedLong(p.getInt(8));
        long filesz = is64 ? p.getLong(32) : Integer.toUnsignedLong(p.getInt(16));
        loads.add(new Segment(vaddr, off, filesz, (flags & 2) != 0, (flags & 1) != 0));
      }
      Long dataStart = null;
      if (shoff > 0 && shnum > 0 && shstrndx < shnum) {
        int shsize = is64 ? 64 : 40;
        ByteBuffer strHdr = read(ch, shoff + (long) shstrndx * shentsize, shsize).order(order);
        long strOff = is64 ? strHdr.getLong(24) : Integer.toUnsignedLong(strHdr.getInt(16));
        long strSize = is64 ? strHdr.getLong(32) : Integer.toUnsignedLong(strHdr.getInt(20));
        ByteBuffer names = read(ch, strOff, (int) Math.min(strSize, 1 << 20));
        for (int i = 0; i < Math.min(shnum, 65535); i++) {
          ByteBuffer s = read(ch, shoff + (long) i * shentsize, shsize).order(order);
          if (s.remaining() < shsize) {
            break;
          }
          int nameOff = s.getInt(0);
          if (".go.buildinfo".equals(cString(names, nameOff))) {
            dataStart = is64 ? s.getLong(16) : Integer.toUnsignedLong(s.getInt(12));
            break;
          }
        }
      }
      if (dataStart == null) {
        for (Segment s : loads) {
          if (s.writable && !s.exec) {
            dataStart = s.vaddr;
            break;
          }
        }
      }
      if (dataStart == null) {
        return null;
      }
      byte[] data = readAt(ch, loads, dataStart, WINDOW);
      if (data == null) {
        return null;
      }
      int at = -1;
      for (int i = 0; i + 32 <= data.length; i += 16) {
        if (Arrays.equals(data, i, i + MAGIC.length, MAGIC, 0, MAGIC.length)) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        return null;
      }
      int ptrSize = data[at + 14];
      int flags = data[at + 15];
      String vers;
      String mod;
      if ((flags & 2) != 0) {
        int[] pos = {at + 32};
        vers = varintString(data, pos);
        mod = varintString(data, pos);
      } else {
        if (ptrSize != 4 && ptrSize != 8) {
          return null;
        }
        ByteOrder po = (flags & 1) != 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteBuffer h = ByteBuffer.wrap(data, at + 16, 2 * ptrSize).slice().order(po);
        long versAddr = ptrSize == 8 ? h.getLong(0) : Integer.toUnsignedLong(h.getInt(0));
        long modAddr = ptrSize == 8 ? h.getLong(8) : Integer.toUnsignedLong(h.getInt(4));
        vers = goString(ch, loads, versAddr, ptrSize, po);
        mod = goString(ch, loads, modAddr, ptrSize, po);
      }
      if (vers == null || vers.isEmpty()) {
        return null;
      }
      if (mod != null && mod.length() >= 33 && mod.charAt(mod.length() - 17) == '\n') {
        mod = mod.substring(16, mod.length() - 16);
      } else {
        mod = "";
      }
      return new BuildInfo(vers, mod);
    }
  }

  /** A Go string header (address, length) at {@code addr}, and the bytes it points at. */
  private static @Nullable String goString(
      FileChannel ch, List<Segment> loads, long addr, int ptrSize, ByteOrder order)
      throws IOException {
    byte[] hdr = readAt(ch, loads, addr, 2 * ptrSize);
    if (hdr == null || hdr.length < 2 * ptrSize) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(hdr).order(order);
    long data = ptrSize == 8 ? b.getLong(0) : Integer.toUnsignedLong(b.getInt(0));
    long len = ptrSize == 8 ? b.getLong(8) : Integer.toUnsignedLong(b.getInt(4));
    if (len < 0 || len > 16 << 20) {
      return null;
    }
    byte[] s = readAt(ch, loads, data, (int) len);
    return s == null || s.length < len ? null : new String(s, StandardCharsets.UTF_8);
  }

  /** Up to {@code size} bytes at virtual address {@code addr}, from the segment holding it. */
  private static byte @Nullable [] readAt(FileChannel ch, List<Segment> loads, long addr, int size)
      throws IOException {
    for (Segment s : loads) {
      if (s.filesz > 0 && addr >= s.vaddr && addr - s.vaddr < s.filesz) {
        int n = (int) Math.min(size, s.filesz - (addr - s.vaddr));
        ByteBuffer b = read(ch, s.offset + addr - s.vaddr, n);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
      }
    }
    return null;
  }

  private static ByteBuffer read(FileChannel ch, long pos, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.max(0, n));
    if (pos < 0) {
      return b.flip();
    }
    while (b.hasRemaining()) {
      int r = ch.read(b, pos + b.position());
      if (r < 0) {
        break;
      }
    }
    return b.flip();
  }

  private static @Nullable String cString(ByteBuffer names, int off) {
    if (off < 0 || off >= names.limit()) {
      return null;
    }
    int end = off;
    while (end < names.limit() && names.get(end) != 0) {
      end++;
    }
    byte[] b = new byte[end - off];
    names.get(off, b);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static String varintString(byte[] data, int[] pos) {
    long len = 0;
    int shift = 0;
    while (pos[0] < data.length && shift < 64) {
      int b = data[pos[0]++] & 0xff;
      len |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    if (len < 0 || pos[0] + len > data.length) {
      return "";
    }
    String s = new String(data, pos[0], (int) len, StandardCharsets.UTF_8);
    pos[0] += (int) len;
    return s;
  }

  /**
   * The components of a Go binary: its main module (application, with the binary's SHA-256), each
   * dependency (replacements applied) and the standard library at the Go version.
   */
  public static List<Component> components(Path file, String location, BuildInfo info)
      throws IOException {
    List<Component> out = new ArrayList<>();
    String hex;
    try (InputStream in = Files.newInputStream(file)) {
      hex = Digest.sha256(in).hex();
    }
    String go = info.goVersion().split(" ", 2)[0];
    String[] lines = info.modInfo().split("\n");
    String path = "";
    for (int i = 0; i < lines.length; i++) {
      String[] f = lines[i].split("\t");
      if (f[0].equals("path") && f.length > 1) {
        path = f[1];
      }
      if ((f[0].equals("mod") || f[0].equals("dep")) && f.length >= 3) {
        String modPath = f[1];
        String version = f[2];
        if (i + 1 < lines.length && lines[i + 1].startsWith("=>\t")) {
          String[] r = lines[i + 1].split("\t");
          // a module replaced by another module; a directory (./greet) keeps the required one
          if (r.length >= 3
              && !r[2].isEmpty()
              && !r[2].equals("(devel)")
              && !r[1].startsWith(".")
              && !r[1].startsWith("/")) {
            modPath = r[1];
            version = r[2];
          }
        }
        boolean main = f[0].equals("mod");
        out.add(module(modPath, version, main, location, main ? hex : null));
      }
    }
    if (out.stream().noneMatch(c -> c.type() == Component.Type.APPLICATION) && !path.isEmpty()) {
      // no module info (built outside module mode): the command's path
      out.add(module(path, "", true, location, hex));
    }
    if (go.startsWith("go")) {
      String v = go.substring(2);
      out.add(
          new Component(
              Component.Type.LIBRARY,
              null,
              "stdlib",
              go,
              Purl.of("golang", null, "stdlib", v, Map.of()),
              List.of(),
              Map.of(),
              List.of(location),
              "go"));
    }
    return out;
  }

  private static Component module(
      String modPath, String version, boolean main, String location, @Nullable String hex) {
    int slash = modPath.lastIndexOf('/');
    String ns = slash < 0 ? null : modPath.substring(0, slash);
    String name = slash < 0 ? modPath : modPath.substring(slash + 1);
    String v = version.equals("(devel)") ? "" : version;
    return new Component(
        main ? Component.Type.APPLICATION : Component.Type.LIBRARY,
        null,
        modPath,
        version,
        Purl.of("golang", ns, name, v, Map.of()),
        List.of(),
        hex == null ? Map.of() : Map.of("SHA-256", hex),
        List.of(location),
        "go");
  }
}
