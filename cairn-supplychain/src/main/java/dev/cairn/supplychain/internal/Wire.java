package dev.cairn.supplychain.internal;

import dev.cairn.core.Json;
import dev.cairn.core.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Small helpers for JSON and messages on the wire. */
public final class Wire {
  private Wire() {}

  /** {@code s} escaped for a terminal and cut to {@code max} characters. */
  public static String oneLine(String s, int max) {
    String e = Text.escape(s);
    return e.length() <= max ? e : e.substring(0, max) + "…";
  }

  /** Parses a JSON object from UTF-8 bytes. */
  public static Map<String, Object> object(byte[] json) throws IOException {
    return Json.parseObject(new String(json, StandardCharsets.UTF_8));
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(@Nullable Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  public static List<Object> list(@Nullable Object o) {
    return o instanceof List<?> l ? (List<Object>) l : List.of();
  }

  public static String string(@Nullable Object o) {
    return o instanceof String s ? s : "";
  }

  public static long number(@Nullable Object o, long dflt) {
    return o instanceof Number n ? n.longValue() : dflt;
  }
}
