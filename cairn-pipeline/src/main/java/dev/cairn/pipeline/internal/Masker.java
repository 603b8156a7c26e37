package dev.cairn.pipeline.internal;

import dev.cairn.core.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Masks secret values in text and byte streams, as CI systems mask secrets in their logs: every
 * occurrence of a secret, and of each line of a secret of several lines, becomes {@code ***}.
 */
public final class Masker {
  public static final String MASK = "***";
  private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.UTF_8);

  /** Patterns, longest first; replaced whole on change so that readers need no lock. */
  private volatile List<byte[]> patterns = List.of();

  public synchronized void add(Secret secret) {
    byte[] v = secret.bytes();
    try {
      List<byte[]> next = new ArrayList<>(patterns);
      addPattern(next, v);
      int start = 0;
      for (int i = 0; i <= v.length; i++) {
        if (i == v.length || v[i] == '\n') {
          int end = i > start && v[i - 1] == '\r' ? i - 1 : i;
          if (end > start && (start > 0 || i < v.length)) {
            addPattern(next, Arrays.copyOfRange(v, start, end));
          }
          start = i + 1;
        }
      }
      next.sort(Comparator.comparingInt((byte[] b) -> -b.length));
      patterns = List.copyOf(next);
    } finally {
      Arrays.fill(v, (byte) 0);
    }
  }

  private static void addPattern(List<byte[]> list, byte[] p) {
    if (p.length == 0) {
      return;
    }
    for (byte[] q : list) {
      if (Arrays.equals(p, q)) {
        return;
      }
    }
    list.add(p.clone());
  }

  /** {@code text} with every secret masked. */
  public String mask(String text) {
    if (patterns.isEmpty()) {
      return text;
    }
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return new String(mask(b, b.length), StandardCharsets.UTF_8);
  }

  /** The first {@code len} bytes of {@code b} with every secret masked ({@code b} if none). */
  byte[] mask(byte[] b, int len) {
    List<byte[]> ps = patterns;
    ByteArrayOutputStream out = null;
    int copied = 0;
    int i = 0;
    while (i < len) {
      byte[] hit = null;
      for (byte[] p : ps) {
        if (p.length <= len - i
            && p[0] == b[i]
            && Arrays.equals(b, i, i + p.length, p, 0, p.length)) {
          hit = p;
          break;
        }
      }
      if (hit == null) {
        i++;
        continue;
      }
      if (out == null) {
        out = new ByteArrayOutputStream(len);
      }
      out.write(b, copied, i - copied);
      out.write(MASK_BYTES, 0, MASK_BYTES.length);
      i += hit.length;
      copied = i;
    }
    if (out == null) {
      return len == b.length ? b : Arrays.copyOf(b, len);
    }
    out.write(b, copied, len - copied);
    return out.toByteArray();
  }

  private int longest() {
    List<byte[]> ps = patterns;
    return ps.isEmpty() ? 0 : ps.get(0).length;
  }

  /**
   * A stream that masks what is written before it reaches {@code sink}. It holds back at most a
   * partial line (and of a long line only what could still begin a secret), so a log follower sees
   * each line as soon as it ends.
   */
  public OutputStream stream(OutputStream sink) {
    return new OutputStream() {
      private byte[] buf = new byte[8192];
      private int len;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public synchronized void write(byte[] b, int off, int n) throws IOException {
        if (len + n > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(b, off, buf, len, n);
        len += n;
        drain(false);
      }

      private void drain(boolean all) throws IOException {
        if (len == 0) {
          return;
        }
        int cut;
        if (all) {
          cut = len;
        } else {
          int nl = -1;
          for (int i = len - 1; i >= 0; i--) {
            if (buf[i] == '\n') {
              nl = i;
              break;
            }
          }
          if (nl >= 0) {
            // no pattern holds a newline, so none spans this cut
            cut = nl + 1;
          } else if (len > 4096) {
            byte[] masked = mask(buf, len);
            int keep = Math.max(0, longest() - 1);
            int emit = masked.length - keep;
            if (emit > 0) {
              sink.write(masked, 0, emit);
              sink.flush();
              byte[] rest = Arrays.copyOfRange(masked, emit, masked.length);
              buf = Arrays.copyOf(rest, Math.max(8192, rest.length * 2));
              len = rest.length;
            }
            return;
          } else {
            return;
          }
        }
        byte[] masked = mask(buf, cut);
        sink.write(masked, 0, masked.length);
        sink.flush();
        System.arraycopy(buf, cut, buf, 0, len - cut);
        len -= cut;
      }

      @Override
      public synchronized void flush() throws IOException {
        sink.flush();
      }

      @Override
      public synchronized void close() throws IOException {
        try {
          drain(true);
        } finally {
          sink.close();
        }
      }
    };
  }
}
