package dev.cairn.attest.tee.intel.internal;

import dev.cairn.attest.tee.MalformedEvidenceException;
import java.util.Arrays;

/**
 * Reads little-endian fields from a quote, each read bounds-checked: a read past the end, or past a
 * length the quote itself declared, is a {@link MalformedEvidenceException} naming the offset and
 * the field.
 */
public final class QuoteReader {
  private final String what;
  private final byte[] data;
  private final int limit;
  private int pos;

  public QuoteReader(String what, byte[] data) {
    this(what, data, 0, data.length);
  }

  private QuoteReader(String what, byte[] data, int pos, int limit) {
    this.what = what;
    this.data = data;
    this.pos = pos;
    this.limit = limit;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return limit - pos;
  }

  /** A reader over the next {@code length} bytes, which this reader skips. */
  public QuoteReader slice(String field, long length) throws MalformedEvidenceException {
    need(field, length);
    QuoteReader r = new QuoteReader(what, data, pos, pos + (int) length);
    pos += (int) length;
    return r;
  }

  public byte[] bytes(String field, long n) throws MalformedEvidenceException {
    need(field, n);
    byte[] out = Arrays.copyOfRange(data, pos, pos + (int) n);
    pos += (int) n;
    return out;
  }

  public int u16(String field) throws MalformedEvidenceException {
    need(field, 2);
    int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8;
    pos += 2;
    return v;
  }

  public long u32(String field) throws MalformedEvidenceException {
    need(field, 4);
    long v =
        (data[pos] & 0xffL)
            | (data[pos + 1] & 0xffL) << 8
            | (data[pos + 2] & 0xffL) << 16
            | (data[pos + 3] & 0xffL) << 24;
    pos += 4;
    return v;
  }

  /** An error at the current position. */
  public MalformedEvidenceException error(String field, String problem) {
    return new MalformedEvidenceException(what, pos, field, problem);
  }

  /** An error at {@code offset}. */
  public MalformedEvidenceException errorAt(long offset, String field, String problem) {
    return new MalformedEvidenceException(what, offset, field, problem);
  }

  private void need(String field, long n) throws MalformedEvidenceException {
    if (n < 0 || n > limit - pos) {
      throw error(
          field,
          "needs "
              + n
              + " bytes, "
              + (limit - pos)
              + " left"
              + (limit < data.length ? " in its enclosing structure" : ""));
    }
  }
}
