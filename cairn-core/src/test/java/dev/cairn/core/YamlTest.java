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
  void parseDocument_refusesSelfReferenceAndDeepNesting() {
    for (String text : List.of("a: &x [*x]\n", "[".repeat(300) + "]".repeat(300))) {
      assertThatThrownBy(() -> Yaml.parseDocument("f.yaml", text, 4))
          .isInstanceOfSatisfying(
              Yaml.YamlSyntaxException.class,
              e ->
                  assertThat(e.diagnostic().oneLine())
                      .isEqualTo(
                          "f.yaml:5:1: malformed YAML: document nests too deeply or refers to"
                              + " itself"));
    }
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
