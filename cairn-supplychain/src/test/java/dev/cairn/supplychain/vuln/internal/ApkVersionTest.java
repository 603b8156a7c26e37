package dev.cairn.supplychain.vuln.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alpine's order against apk-tools' own test vectors ({@code test/unit/version.data} of
 * alpinelinux/apk-tools, copied as data into {@code vuln/apk-version.data}): comparisons {@code < >
 * =}, fuzzy {@code ~ <~ >~}, their negations with {@code !}, and validity.
 */
class ApkVersionTest {
  static Stream<String> vectors() throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream in =
        Objects.requireNonNull(
            ApkVersionTest.class.getResourceAsStream("/vuln/apk-version.data"))) {
      for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        int hash = l.indexOf('#');
        String s = (hash >= 0 ? l.substring(0, hash) : l).strip();
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
    }
    return out.stream();
  }

  @Test
  void theVectorFileIsThere() throws IOException {
    assertThat(vectors().count()).isGreaterThan(700);
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void apkToolsVector_holds(String line) {
    String[] p = line.split("\\s+");
    boolean ok;
    boolean invert;
    if (p.length == 3) {
      String op = p[1];
      invert = op.startsWith("!");
      op = invert ? op.substring(1) : op;
      boolean fuzzy = op.contains("~");
      int c = ApkVersion.compare(p[0], p[2], fuzzy);
      ok =
          (c < 0 && op.contains("<"))
              || (c > 0 && op.contains(">"))
              || (c == 0 && (op.contains("=") || op.contains("~")));
    } else {
      String v = p[0];
      invert = v.startsWith("!");
      v = invert ? v.substring(1) : v;
      ok = ApkVersion.valid(v);
    }
    assertThat(invert ? !ok : ok).as(line).isTrue();
  }

  @Test
  void order_isAntisymmetric_onTheVectors() throws IOException {
    for (String line : vectors().toList()) {
      String[] p = line.split("\\s+");
      if (p.length == 3 && (p[1].equals("<") || p[1].equals(">"))) {
        assertThat(Integer.signum(ApkVersion.compare(p[2], p[0])))
            .as(line)
            .isEqualTo(p[1].equals("<") ? 1 : -1);
      }
    }
  }
}
