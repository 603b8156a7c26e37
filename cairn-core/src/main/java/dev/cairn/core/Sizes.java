package dev.cairn.core;

import java.util.Locale;
import java.util.OptionalLong;

/** Sizes as people write and read them: {@code 64MiB}, {@code 512k}, {@code 1G}, {@code 4096}. */
public final class Sizes {
  private Sizes() {}

  /**
   * A size with an optional binary unit ({@code k}/{@code KiB}, {@code M}/{@code MiB}, {@code
   * G}/{@code GiB}, {@code B}; case does not matter); empty when it is not one or is not positive.
   */
  public static OptionalLong parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    long unit = 1;
    for (String[] u :
        new String[][] {
          {"kib", "1024"},
          {"mib", "1048576"},
          {"gib", "1073741824"},
          {"kb", "1024"},
          {"mb", "1048576"},
          {"gb", "1073741824"},
          {"k", "1024"},
          {"m", "1048576"},
          {"g", "1073741824"},
          {"b", "1"}
        }) {
      if (t.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        t = t.substring(0, t.length() - u[0].length()).strip();
        break;
      }
    }
    if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9') || t.length() > 12) {
      return OptionalLong.empty();
    }
    long n = Long.parseLong(t);
    if (n <= 0 || n > Long.MAX_VALUE / unit) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(n * unit);
  }

  /** {@code 128 MiB}, {@code 1.5 KiB}, {@code 300 bytes}: exact where it can be. */
  public static String format(long size) {
    String[] units = {"GiB", "MiB", "KiB"};
    long[] scale = {1L << 30, 1L << 20, 1L << 10};
    for (int i = 0; i < units.length; i++) {
      if (size >= scale[i]) {
        if (size % scale[i] == 0) {
          return size / scale[i] + " " + units[i];
        }
        return String.format(Locale.ROOT, "%.1f %s", (double) size / scale[i], units[i]);
      }
    }
    return size + (size == 1 ? " byte" : " bytes");
  }
}
