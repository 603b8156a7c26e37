package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlTest {
  @Test
  void parseDocument_givesNodesWithPositionsInTheWholeFile() throws Exception {
    String text =
        """
        # a comment
        id: check-1
        items:
          - 'quoted'
          - "double"
          - plain
        expr: |
          a &&
          b
        folded: >
          x
        """;
    Yaml.Document d = Yaml.parseDocument("f.yaml", text, 10);

    assertThat(d.line()).isEqualTo(12);
    assertThat(d.column()).isEqualTo(1);
    YamlNode.Mapping root = (YamlNode.Mapping) d.node();
    assertThat(root.entries())
        .extracting(e -> ((YamlNode.Scalar) e.key()).text())
        .containsExactly("id", "items", "expr", "folded");
    YamlNode id = root.get("id").orElseThrow();
    assertThat(id.location("f.yaml")).isEqualTo(new SourceLocation("f.yaml", 12, 5));
    assertThat(Yaml.find(root, "items", 0))
        .isEqualTo(
            new YamlNode.Scalar("quoted", YamlNode.Style.SINGLE_QUOTED, "quoted", 14, 5, 14, 13));
    assertThat(((YamlNode.Scalar) Yaml.find(root, "items", 1)).style())
        .isEqualTo(YamlNode.Style.DOUBLE_QUOTED);
    assertThat(((YamlNode.Scalar) Yaml.find(root, "items", 2)).style())
        .isEqualTo(YamlNode.Style.PLAIN);
    YamlNode.Scalar expr = (YamlNode.Scalar) Yaml.find(root, "expr");
    assertThat(expr.style()).isEqualTo(YamlNode.Style.LITERAL);
    assertThat(expr.text()).isEqualTo("a &&\nb\n");
    assertThat(expr.line()).isEqualTo(17);
    assertThat(expr.endLine()).isEqualTo(20);
    assertThat(((YamlNode.Scalar) Yaml.find(root, "folded")).style())
        .isEqualTo(YamlNode.Style.FOLDED);
    assertThat(Yaml.find(root, "items", 3)).isNull();
    assertThat(Yaml.find(root, "missing", "deeper")).isNull();
    assertThat(Yaml.find(root, "id", 0)).isNull();
  }

  @Test
  void toValue_readsScalarsByTheCoreSchemaAndDropsNulls() throws Exception {
    Yaml.Document d =
        Yaml.parseDocument(
            "f.yaml",
            "i: 42\nh: 0x1f\nf: 1.5\nb: true\nn: null\ns: '42'\nt: !!str 7\nl: [1, ~, x]\n~: dropped\n",
            0);

    Map<String, Object> expected = new java.util.LinkedHashMap<>();
    expected.put("i", 42L);
    expected.put("h", 31L);
    expected.put("f", 1.5);
    expected.put("b", true);
    expected.put("s", "42");
    expected.put("t", "7");
    expected.put("l", Arrays.asList(1L, null, "x"));
    assertThat(d.value()).isEqualTo(expected);
    assertThat(d.node().toValue()).isEqualTo(expected);
    assertThat(Yaml.find(d.node(), "l").toValue()).isEqualTo(Arrays.asList(1L, null, "x"));
    assertThat(((YamlNode.Scalar) Yaml.find(d.node(), "n")).value()).isNull();
  }

  @Test
  void parseDocument_sharesAliasedNodes() throws Exception {
    Yaml.Document d = Yaml.parseDocument("f.yaml", "a: &x [1, 2]\nb: *x\n", 0);

    assertThat(Yaml.find(d.node(), "b")).isSameAs(Yaml.find(d.node(), "a"));
    assertThat(d.value()).isEqualTo(Map.of("a", List.of(1L, 2L), "b", List.of(1L, 2L)));
  }

  @Test
  void parseDocument_refusesSelfReference() {
    assertThatThrownBy(() -> Yaml.parseDocument("f.yaml", "a: &x [*x]\n", 4))
        .isInstanceOfSatisfying(
            Yaml.YamlSyntaxException.class,
            e ->
                assertThat(e.diagnostic().oneLine())
                    .isEqualTo("f.yaml:5:4: a YAML alias refers to a node that contains it"));
  }

  @Test
  void parseDocument_deepNesting_failsAtTheLimitWithoutOverflowingTheStack() {
    for (int depth : List.of(300, 2_000, 100_000)) {
      String text = "a: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
      assertThatThrownBy(() -> Yaml.parseDocument("f.yaml", text, 4))
          .isInstanceOfSatisfying(
              Yaml.YamlSyntaxException.class,
              e -> {
                assertThat(e.diagnostic().oneLine())
                    .isEqualTo("f.yaml:5:203: YAML nests deeper than the limit of 200 levels");
                assertThat(e.limit()).contains(Yaml.Limit.DEPTH);
              });
    }
  }

  @Test
  void parseDocument_billionLaughs_failsFastAtTheAliasLimit() {
    StringBuilder sb = new StringBuilder("a0: &a0 lol\n");
    for (int i = 1; i < 10; i++) {
      sb.append("a").append(i).append(": &a").append(i).append(" [");
      sb.append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1))));
      sb.append("]\n");
    }
    long start = System.nanoTime();
    assertThatThrownBy(() -> Yaml.parseDocument("lol.yaml", sb.toString(), 0))
        .isInstanceOfSatisfying(
            Yaml.YamlSyntaxException.class,
            e -> {
              assertThat(e.diagnostic().oneLine())
                  .isEqualTo(
                      "lol.yaml:8:5: YAML aliases expand the document by more than the limit of"
                          + " 1000000 nodes (a \"billion laughs\" document?)");
              assertThat(e.limit()).contains(Yaml.Limit.ALIASES);
            });
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(java.time.Duration.ofSeconds(5));
  }

  @Test
  void parseDocument_aliasesWithinTheLimit_expand() throws Exception {
    Yaml.Document d =
        Yaml.parseDocument(
            "f.yaml",
            "a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n",
            0,
            Yaml.Limits.defaults());

    assertThat(d.value().toString())
        .isEqualTo(
            "{a=[1, 2, 3], b=[[1, 2, 3], [1, 2, 3], [1, 2, 3]], c=[[[1, 2, 3], [1, 2, 3], [1, 2, 3]],"
                + " [[1, 2, 3], [1, 2, 3], [1, 2, 3]]]}");
  }

  @Test
  void parseDocument_overTheDocumentSize_failsBeforeParsing() {
    Yaml.Limits small = Yaml.Limits.defaults().withMaxDocumentChars(1024);

    assertThatThrownBy(
            () -> Yaml.parseDocument("f.yaml", "a: " + "x".repeat(2000) + "\n", 2, small))
        .isInstanceOfSatisfying(
            Yaml.YamlSyntaxException.class,
            e -> {
              assertThat(e.diagnostic().oneLine())
                  .isEqualTo(
                      "f.yaml:3:1: YAML document of 2004 characters is over the limit of 1 KiB");
              assertThat(e.limit()).contains(Yaml.Limit.DOCUMENT_SIZE);
            });
  }

  @Test
  void parseDocument_longScalar_isLinearAndLimited() throws Exception {
    // snakeyaml's reader refills a 1 KiB window by copying it: a 10 MB token took 23 s
    String ten = "k: \"" + "a".repeat(10_000_000) + "\"\n";
    long start = System.nanoTime();
    assertThatThrownBy(() -> Yaml.parseDocument("f.yaml", ten, 0))
        .isInstanceOfSatisfying(
            Yaml.YamlSyntaxException.class,
            e -> {
              assertThat(e.diagnostic().oneLine())
                  .isEqualTo(
                      "f.yaml:1:4: YAML scalar of 10000000 characters is over the limit of 8 MiB");
              assertThat(e.limit()).contains(Yaml.Limit.SCALAR_SIZE);
            });
    Yaml.Document d =
        Yaml.parseDocument("f.yaml", ten, 0, new Yaml.Limits(64L << 20, 16L << 20, 200, 1_000_000));
    assertThat(((java.util.Map<?, ?>) d.value()).get("k").toString()).hasSize(10_000_000);
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(java.time.Duration.ofSeconds(5));
  }

  @Test
  void parseDocument_duplicateKeys_areEachReported() {
    String text =
        """
        spec:
          securityContext:
            privileged: true
            privileged: false
          a: 1
          "a": 2
        """;
    assertThatThrownBy(() -> Yaml.parseDocument("pod.yaml", text, 10))
        .isInstanceOfSatisfying(
            Yaml.YamlSyntaxException.class,
            e -> {
              assertThat(e.diagnostics())
                  .extracting(Diagnostic::oneLine)
                  .containsExactly(
                      "pod.yaml:14:5: duplicate key 'privileged' (first at line 13, column 5)",
                      "pod.yaml:16:3: duplicate key 'a' (first at line 15, column 3)");
              assertThat(e.diagnostic().render())
                  .isEqualTo(
                      "pod.yaml:14:5: duplicate key 'privileged' (first at line 13, column 5)\n"
                          + "    privileged: false\n"
                          + "    ^");
              assertThat(e.limit()).isEmpty();
            });
  }

  @Test
  void parseDocument_mergeKeysOverridden_areNoDuplicates() throws Exception {
    Yaml.Document d =
        Yaml.parseDocument("f.yaml", "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  x: 3\n", 0);

    assertThat(d.value().toString()).isEqualTo("{base={x=1, y=2}, use={x=3, y=2}}");
  }

  @Test
  @org.junit.jupiter.api.Timeout(10)
  void parseDocument_mergeIntoItself_isAnErrorNotAnEndlessLoop() {
    // found by ParserFuzzTest: snakeyaml's merge of a mapping into itself never ends
    for (String text : List.of("a: &a {<<: *a}\n", "base: &b {xbase: &b {<<: *b, 2}}\n")) {
      assertThatThrownBy(() -> Yaml.parseDocument("f.yaml", text, 0))
          .as(text)
          .isInstanceOfSatisfying(
              Yaml.YamlSyntaxException.class,
              e ->
                  assertThat(e.diagnostic().message())
                      .isEqualTo("a YAML merge key (<<) names a mapping that contains it"));
    }
  }

  @Test
  void parseDocument_malformedTag_isAnErrorNotAnIllegalArgumentException() {
    // found by ParserFuzzTest: snakeyaml's Tag throws IllegalArgumentException for "!%0"
    assertThatThrownBy(() -> Yaml.parseDocument("f.yaml", "!%0", 0))
        .isInstanceOf(Yaml.YamlSyntaxException.class)
        .hasMessageStartingWith("f.yaml:1:1: malformed YAML: ");
  }

  @Test
  void parseDocument_controlCharactersInErrors_areEscaped() {
    assertThatThrownBy(
            () -> Yaml.parseDocument("f.yaml", "a: 1\na: 2\n\"\\e[8m\": 1\n\"\\e[8m\": 2\n", 0))
        .isInstanceOfSatisfying(
            Yaml.YamlSyntaxException.class,
            e ->
                assertThat(e.diagnostics().get(1).oneLine())
                    .isEqualTo("f.yaml:4:1: duplicate key '\\e[8m' (first at line 3, column 1)"));
  }

  @Test
  void parseDocument_emptyDocumentHasNoNode() throws Exception {
    Yaml.Document d = Yaml.parseDocument("f.yaml", "# nothing\n", 3);

    assertThat(d.node()).isNull();
    assertThat(d.value()).isNull();
    assertThat(d.line()).isEqualTo(4);
  }

  @Test
  void parseDocument_syntaxErrorSaysWhere() {
    assertThatThrownBy(() -> Yaml.parseDocument("f.yaml", "a: [1,\nb: 2\n", 2))
        .isInstanceOfSatisfying(
            Yaml.YamlSyntaxException.class,
            e -> assertThat(e.diagnostic().location().line()).isGreaterThan(2));
  }
}
