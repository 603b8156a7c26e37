package dev.cairn.ledger.internal;

import java.util.Arrays;

/**
 * A compact multimap from 64-bit keys (digest prefixes) to entry indices: open addressing over two
 * primitive arrays, ~24 bytes per entry. Lookups return every index stored under a key; callers
 * confirm against the entry itself, so prefix collisions are harmless.
 */
final class LongMultiMap {
  private long[] keys = new long[1024];
  private long[] values = new long[1024];
  private boolean[] used = new boolean[1024];
  private int size;

  void put(long key, long value) {
    if ((size + 1) * 4 > keys.length * 3) {
      grow();
    }
    int i = slot(key, keys.length);
    while (used[i]) {
      i = (i + 1) & (keys.length - 1);
    }
    keys[i] = key;
    values[i] = value;
    used[i] = true;
    size++;
  }

  long[] get(long key) {
    long[] out = new long[0];
    int i = slot(key, keys.length);
    while (used[i]) {
      if (keys[i] == key) {
        out = Arrays.copyOf(out, out.length + 1);
        out[out.length - 1] = values[i];
      }
      i = (i + 1) & (keys.length - 1);
    }
    Arrays.sort(out);
    return out;
  }

  private static int slot(long key, int capacity) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & (capacity - 1);
  }

  private void grow() {
    long[] ok = keys;
    long[] ov = values;
    boolean[] ou = used;
    keys = new long[ok.length * 2];
    values = new long[ok.length * 2];
    used = new boolean[ok.length * 2];
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ou[i]) {
        put(ok[i], ov[i]);
      }
    }
  }
}
