package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class JsonTest {
  /** What Jackson writes for the canonical form, to hold the plain writer to it. */
  private static String jackson(@Nullable Object v) {
    try {
      return JACKSON.writeValueAsString(v);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JACKSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .build();

  /**
   * Values generated. QuickTheories skips a value it has already tried (null, empty lists and the
   * like come up often), so about 85% are checked; at least {@link #MIN_CHECKED} must be.
   */
  private static final int EXAMPLES = 1000;

  private static final int MIN_CHECKED = 500;

  /**
   * Property (QuickTheories, shrinking) over at least {@link #MIN_CHECKED} distinct generated
   * values. QuickTheories shrinks the random draws behind a value, which cannot drop a list element
   * before the one that fails, so its smallest value is then shrunk by structure ({@link
   * #shrinkStructurally}). A failure reports both and the seed; {@code -DQT_SEED=<seed>} replays
   * that run.
   */
  @Test
  void plainValuesAreWrittenExactlyAsJacksonWritesThem() {
    AtomicInteger checked = new AtomicInteger();
    List<@Nullable Object> lastFailing = new ArrayList<>();
    try {
      qt().withExamples(EXAMPLES)
          .forAll(value(3))
          .checkAssert(
              v -> {
                checked.incrementAndGet();
                if (!holds(v)) {
                  lastFailing.clear();
                  lastFailing.add(v);
                }
                assertThat(Json.canonical(v)).isEqualTo(jackson(v));
              });
    } catch (AssertionError e) {
      if (lastFailing.isEmpty()) {
        throw e;
      }
      Object v = shrinkStructurally(lastFailing.get(0));
      String canonical;
      try {
        canonical = Json.canonical(v);
      } catch (RuntimeException thrown) {
        canonical = thrown.toString();
      }
      throw new AssertionError(
          "smallest counterexample after structural shrinking, as Jackson writes it: "
              + jackson(v)
              + "\n  but Json.canonical gave: "
              + canonical,
          e);
    }
    assertThat(checked.get()).as("examples checked").isGreaterThanOrEqualTo(MIN_CHECKED);
  }

  private static boolean holds(@Nullable Object v) {
    try {
      return Json.canonical(v).equals(jackson(v));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Greedily takes the first smaller value that still falsifies the property until none does: null,
   * a child in place of its parent, one list element or map entry fewer, one code point fewer in a
   * string or key, zero for a number. Every step makes the value strictly smaller, so it ends.
   */
  static @Nullable Object shrinkStructurally(@Nullable Object v) {
    boolean smaller = true;
    while (smaller) {
      smaller = false;
      for (Object c : smaller(v)) {
        if (!holds(c)) {
          v = c;
          smaller = true;
          break;
        }
      }
    }
    return v;
  }

  private static List<@Nullable Object> smaller(@Nullable Object v) {
    List<@Nullable Object> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    out.add(null);
    if (v instanceof List<?> l) {
      out.addAll(l);
      for (int k = 0; k < l.size(); k++) {
        List<@Nullable Object> x = new ArrayList<>(l);
        x.remove(k);
        out.add(x);
      }
      for (int k = 0; k < l.size(); k++) {
        for (Object c : smaller(l.get(k))) {
          List<@Nullable Object> x = new ArrayList<>(l);
          x.set(k, c);
          out.add(x);
        }
      }
    } else if (v instanceof Map<?, ?> m) {
      out.addAll(m.values());
      for (Object key : m.keySet()) {
        Map<Object, @Nullable Object> x = new LinkedHashMap<>(m);
        x.remove(key);
        out.add(x);
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        for (Object c : smaller(e.getValue())) {
          Map<Object, @Nullable Object> x = new LinkedHashMap<>(m);
          x.put(e.getKey(), c);
          out.add(x);
        }
        for (Object k : smaller(e.getKey())) {
          if (k != null && !m.containsKey(k)) {
            Map<Object, @Nullable Object> x = new LinkedHashMap<>();
            m.forEach((key, value) -> x.put(key.equals(e.getKey()) ? k : key, value));
            out.add(x);
          }
        }
      }
    } else if (v instanceof String s) {
      for (int k = 0; k < s.length(); k = s.offsetByCodePoints(k, 1)) {
        out.add(s.substring(0, k) + s.substring(s.offsetByCodePoints(k, 1)));
      }
    } else if (v instanceof Integer i && i != 0) {
      out.add(0);
    } else if (v instanceof Long l && l != 0) {
      out.add(0L);
    }
    return out;
  }

  @Test
  void valuesOutsideThePlainSubsetStillGoThroughJackson() throws Exception {
    Map<String, Object> m = new HashMap<>();
    m.put("tab\there", "quote \" and \\ and é and \u0001");
    m.put("d", 1.5);
    m.put("nested", List.of(Map.of("z", 1, "a", (short) 2)));
    m.put("null", null);
    assertThat(Json.canonical(m)).isEqualTo(jackson(m));
  }

  @Test
  void parse_readsBackWhatCanonicalWrote() {
    qt().withExamples(500)
        .forAll(value(3))
        .checkAssert(
            v -> {
              String json = Json.canonical(v);
              try {
                assertThat(Json.canonical(Json.parse(json))).isEqualTo(json);
              } catch (java.io.IOException e) {
                throw new AssertionError(json, e);
              }
            });
  }

  @Test
  void parse_readsIntsAsLongAndKeepsOrder() throws Exception {
    Map<String, Object> m = Json.parseObject("{\"b\":1,\"a\":[2,3000000000,1.5,true,null]}");
    assertThat(m).isInstanceOf(LinkedHashMap.class).containsOnlyKeys("b", "a");
    assertThat(m.keySet()).containsExactly("b", "a");
    assertThat(m.get("b")).isEqualTo(1L);
    assertThat(m.get("a")).isEqualTo(java.util.Arrays.asList(2L, 3000000000L, 1.5, true, null));
  }

  @Test
  void parse_refusesDuplicateKeys() {
    for (String json : List.of("{\"a\":1,\"a\":2}", "[{\"x\":{\"b\":1,\"b\":1}}]")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.parse(json))
          .as(json)
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("Duplicate field");
    }
  }

  @Test
  void parseObject_refusesAnythingButAnObject() {
    for (String json : List.of("[1]", "\"s\"", "null", "", "{\"a\":")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.parseObject(json))
          .as(json)
          .isInstanceOf(java.io.IOException.class);
    }
  }

  /**
   * Plain values nested up to {@code depth}: any strings (all code points, so non-ASCII reaches the
   * Jackson fallback), printable-ASCII ones (the plain writer's own path) and {@link #edgeStrings}
   * (the edges between the two), ints, longs, booleans and null, in lists and string-keyed maps of
   * up to 4 entries. Shrinks towards the first alternative, shorter strings and smaller
   * collections.
   */
  private static Gen<Object> value(int depth) {
    Gen<Object> leaf =
        Generate.oneOf(
            strings().allPossible().ofLengthBetween(0, 12).map(s -> (Object) s),
            strings().betweenCodePoints(' ', '~').ofLengthBetween(0, 12).map(s -> (Object) s),
            edgeStrings().map(s -> (Object) s),
            integers().all().map(i -> (Object) i),
            longs().all().map(l -> (Object) l),
            booleans().all().map(b -> (Object) b),
            Generate.constant((Object) null));
    if (depth == 0) {
      return leaf;
    }
    Gen<Object> inner = value(depth - 1);
    Gen<String> key =
        Generate.oneOf(strings().betweenCodePoints(' ', '~').ofLengthBetween(0, 6), edgeStrings());
    return Generate.oneOf(
        leaf,
        lists().of(inner).ofSizeBetween(0, 4).map(l -> (Object) new ArrayList<>(l)),
        // QuickTheories' own maps() collects with Collectors.toMap, which refuses null values
        lists()
            .of(key.zip(inner, Entry::new))
            .ofSizeBetween(0, 4)
            .map(
                es -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  for (Entry e : es) {
                    m.put(e.key(), e.value());
                  }
                  return (Object) m;
                }));
  }

  /**
   * Code points at the plain writer's edges: controls (0x1f is the last one escaped), space, quote,
   * backslash, {@code ~} and DEL around the printable range, then non-ASCII, a line separator and a
   * surrogate pair. Drawn from uniformly, so each edge shows up often, which a string over all code
   * points never does.
   */
  private static final List<Integer> EDGES =
      List.of(
          0x00,
          0x09,
          0x0a,
          0x1f,
          0x20,
          (int) '"',
          (int) '\\',
          (int) '/',
          (int) 'a',
          0x7e,
          0x7f,
          0x80,
          0xe9,
          0x2028,
          0xfffd,
          0x1f600);

  private static Gen<String> edgeStrings() {
    return lists()
        .of(Generate.pick(EDGES))
        .ofSizeBetween(0, 6)
        .map(
            cps -> {
              StringBuilder b = new StringBuilder();
              cps.forEach(b::appendCodePoint);
              return b.toString();
            });
  }

  private record Entry(String key, @Nullable Object value) {}
}
