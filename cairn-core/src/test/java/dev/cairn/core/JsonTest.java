package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class JsonTest {
  /** What Jackson writes for the canonical form, to hold the plain writer to it. */
  private static String jackson(Object v) throws Exception {
    return com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
        .build()
        .writeValueAsString(v);
  }

  @Property(tries = 500)
  void plainValuesAreWrittenExactlyAsJacksonWritesThem(@ForAll("values") Object v)
      throws Exception {
    assertThat(Json.canonical(v)).isEqualTo(jackson(v));
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

  @Provide
  Arbitrary<Object> values() {
    return value(3);
  }

  private Arbitrary<Object> value(int depth) {
    Arbitrary<Object> leaf =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
            Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(12).map(s -> (Object) s),
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(null));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Object> inner = Arbitraries.lazy(() -> value(depth - 1));
    return Arbitraries.oneOf(
        leaf,
        inner.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l)),
        Arbitraries.maps(Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(6), inner)
            .ofMaxSize(4)
            .map(m -> (Object) new LinkedHashMap<>(m)));
  }
}
