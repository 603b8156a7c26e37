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
   * values. A failure reports the smallest falsifying value it shrank to and the seed; {@code
   * -DQT_SEED=<seed>} replays that run.
   */
  @Test
  void plainValuesAreWrittenExactlyAsJacksonWritesThem() {
    AtomicInteger checked = new AtomicInteger();
    qt().withExamples(EXAMPLES)
        .forAll(value(3))
        .checkAssert(
            v -> {
              checked.incrementAndGet();
              assertThat(Json.canonical(v)).isEqualTo(jackson(v));
            });
    assertThat(checked.get()).as("examples checked").isGreaterThanOrEqualTo(MIN_CHECKED);
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

  /**
   * Plain values nested up to {@code depth}: any strings (all code points, so control characters,
   * quotes, backslashes and non-ASCII reach the Jackson fallback) and printable-ASCII ones (the
   * plain writer's own path), ints, longs, booleans and null, in lists and string-keyed maps of up
   * to 4 entries. Shrinks towards the first alternative, shorter strings and smaller collections.
   */
  private static Gen<Object> value(int depth) {
    Gen<Object> leaf =
        Generate.oneOf(
            strings().allPossible().ofLengthBetween(0, 12).map(s -> (Object) s),
            strings().betweenCodePoints(' ', '~').ofLengthBetween(0, 12).map(s -> (Object) s),
            integers().all().map(i -> (Object) i),
            longs().all().map(l -> (Object) l),
            booleans().all().map(b -> (Object) b),
            Generate.constant((Object) null));
    if (depth == 0) {
      return leaf;
    }
    Gen<Object> inner = value(depth - 1);
    Gen<String> key = strings().betweenCodePoints(' ', '~').ofLengthBetween(0, 6);
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

  private record Entry(String key, @Nullable Object value) {}
}
