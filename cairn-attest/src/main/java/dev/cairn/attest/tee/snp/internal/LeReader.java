package dev.cairn.attest.tee.snp.internal;

import dev.cairn.attest.tee.MalformedEvidenceException;
import java.util.Arrays;

/**
 * Little-endian reads from a blob, each bounds-checked: a read past the end, or a reserved range
 * that is not zero, is a {@link MalformedEvidenceException} naming the offset and the field.
 */
public final class LeReader {
  private final String what;
  private final byte[] data;

  public LeReader(String what, byte[] data) {
    this.what = what;
    this.data = data;
  }

  public int length() {
    return data.length;
  }

  private void need(int offset, int size, String field) throws MalformedEvidenceException {
    if (offset < 0 || size < 0 || offset > data.length - size) {
      throw malformed(
          offset,
          field,
          "needs "
              + size
              + " byte"
              + (size == 1 ? "" : "s")
              + ", but the blob ends at offset "
              + data.length);
    }
  }

  public MalformedEvidenceException malformed(long offset, String field, String problem) {
    return new MalformedEvidenceException(what, offset, field, problem);
  }

  public int u8(int offset, String field) throws MalformedEvidenceException {
    need(offset, 1, field);
    return data[offset] & 0xff;
  }

  /** An unsigned 32-bit value, as a {@code long}. */
  public long u32(int offset, String field) throws MalformedEvidenceException {
    need(offset, 4, field);
    return (data[offset] & 0xffL)
        | (data[offset + 1] & 0xffL) << 8
        | (data[offset + 2] & 0xffL) << 16
        | (data[offset + 3] & 0xffL) << 24;
  }

  public long u64(int offset, String field) throws MalformedEvidenceException {
    need(offset, 8, field);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (data[offset + i] & 0xffL);
    }
    return v;
  }

  public byte[] bytes(int offset, int size, String field) throws MalformedEvidenceException {
    need(offset, size, field);
    return Arrays.copyOfRange(data, offset, offset + size);
  }

  /** Bytes {@code [from, to)} are reserved and must be zero. */
  public void zero(int from, int to, String field) throws MalformedEvidenceException {
    need(from, to - from, field);
    for (int i = from; i < to; i++) {
      if (data[i] != 0) {
        throw malformed(
            i,
            field,
            String.format(
                "reserved (0x%03X-0x%03X) must be zero, found 0x%02X", from, to - 1, data[i]));
      }
    }
  }
}
