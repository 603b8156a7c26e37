package dev.cairn.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON as Cairn writes it. {@link #canonical(Object)} gives sorted keys and no insignificant
 * whitespace, so digests over JSON are stable; {@link #pretty(Object)} is for people.
 */
public final class Json {
  /** Built on first use: a process that only writes plain values never starts Jackson. */
  private static final class Mappers {
    static final ObjectMapper CANONICAL =
        JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    /** Reads strictly: a key twice in one object is an error, not "the last one wins". */
    static final ObjectMapper PRETTY =
        JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();
  }

  private Json() {}

  public static String canonical(Object value) {
    StringBuilder plain = new StringBuilder();
    if (writePlain(value, plain)) {
      return plain.toString();
    }
    try {
      return Mappers.CANONICAL.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not serialisable as JSON: " + value.getClass(), e);
    }
  }

  public static String pretty(Object value) {
    try {
      return Mappers.PRETTY.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not serialisable as JSON: " + value.getClass(), e);
    }
  }

  /**
   * Parses JSON into plain values: {@code LinkedHashMap} with string keys, {@code ArrayList},
   * {@code String}, {@code Long} (a {@code BigInteger} past its range, never an {@code Integer}),
   * {@code Double}, {@code Boolean} and {@code null}.
   *
   * @throws IOException when {@code json} is not JSON; the message says what and where
   */
  public static @Nullable Object parse(String json) throws IOException {
    return Mappers.PRETTY.readValue(json, Object.class);
  }

  /**
   * Parses a JSON object into plain values as {@link #parse} does.
   *
   * @throws IOException when {@code json} is not JSON or not an object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String json) throws IOException {
    Map<String, Object> m = Mappers.PRETTY.readValue(json, Map.class);
    if (m == null) {
      throw new IOException("not a JSON object: null");
    }
    return m;
  }

  /**
   * A Jackson error in one line: its own message without the source excerpt Jackson appends, then
   * where ({@code at line 3, column 7}).
   */
  static String oneLine(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? "malformed JSON" : e.getOriginalMessage();
    var at = e.getLocation();
    return Text.escape(m.replace('\n', ' '))
        + (at == null || at.getLineNr() < 1
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
  }

  /** The mapper behind {@link #pretty} (ints read as {@code Long}), for this package only. */
  static ObjectMapper mapper() {
    return Mappers.PRETTY;
  }

  /**
   * Canonical JSON of plain values (maps with string keys, lists, printable-ASCII strings, ints,
   * longs, booleans, null) without Jackson, byte for byte what Jackson writes (a property test
   * holds them equal); false for anything else, which then goes to Jackson.
   */
  private static boolean writePlain(@Nullable Object v, StringBuilder b) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
          return false;
        }
      }
      b.append('"').append(s).append('"');
    } else if (v instanceof Integer || v instanceof Long || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof java.util.List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        if (!writePlain(l.get(i), b)) {
          return false;
        }
      }
      b.append(']');
    } else if (v instanceof Map<?, ?> m) {
      java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          return false;
        }
        sorted.put(k, e.getValue());
      }
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        if (!writePlain(e.getKey(), b)) {
          return false;
        }
        b.append(':');
        if (!writePlain(e.getValue(), b)) {
          return false;
        }
      }
      b.append('}');
    } else {
      return false;
    }
    return true;
  }
}
