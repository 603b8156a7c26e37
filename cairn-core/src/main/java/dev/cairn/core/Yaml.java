package dev.cairn.core;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * YAML (and JSON, its subset) to plain Java values with source positions. Maps are {@link
 * LinkedHashMap} with string keys, integers are {@code Long} (CEL needs them so), floats {@code
 * Double}; {@code null} map values are dropped, as the API server does.
 */
public final class Yaml {
  private static final int MAX_DEPTH = 200;

  private Yaml() {}

  /** One parsed YAML document with where it started. */
  public record Document(@Nullable Object value, @Nullable Node node, int line, int column) {}

  /** Thrown for a syntax error; carries a compiler-style diagnostic. */
  public static final class YamlSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Diagnostic diagnostic;

    YamlSyntaxException(Diagnostic diagnostic) {
      super(diagnostic.oneLine());
      this.diagnostic = diagnostic;
    }

    public Diagnostic diagnostic() {
      return diagnostic;
    }
  }

  private static LoadSettings settings(String label) {
    return LoadSettings.builder()
        .setLabel(label)
        .setSchema(new CoreSchema())
        .setAllowDuplicateKeys(false)
        .setMaxAliasesForCollections(100)
        .setCodePointLimit(Integer.MAX_VALUE)
        .build();
  }

  /**
   * Parses one YAML document. {@code firstLine} (0-based) is where {@code text} starts in {@code
   * file}, so positions in errors and nodes are those of the whole file.
   */
  public static Document parseDocument(String file, String text, int firstLine)
      throws YamlSyntaxException {
    try {
      Optional<Node> node = new Compose(settings(file)).composeString(text);
      if (node.isEmpty()) {
        return new Document(null, null, firstLine + 1, 1);
      }
      Node n = node.get();
      int line = n.getStartMark().map(m -> m.getLine() + 1).orElse(1) + firstLine;
      int col = n.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
      return new Document(toValue(n, 0, new IdentityHashMap<>()), n, line, col);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      int line = mark.map(m -> m.getLine() + 1).orElse(1);
      int col = mark.map(m -> m.getColumn() + 1).orElse(1);
      String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem();
      String context = e.getContext();
      String msg = "malformed YAML: " + (context == null ? problem : context + ", " + problem);
      String src = lineOf(text, line - 1);
      throw new YamlSyntaxException(
          new Diagnostic(
              new SourceLocation(file, line + firstLine, col), msg.replace('\n', ' '), src));
    } catch (YamlEngineException e) {
      throw new YamlSyntaxException(
          new Diagnostic(
              new SourceLocation(file, firstLine + 1, 1),
              "malformed YAML: " + String.valueOf(e.getMessage()).replace('\n', ' '),
              null));
    }
  }

  /** The 0-based line {@code index} of {@code text}, or null. */
  public static @Nullable String lineOf(String text, int index) {
    int start = 0;
    for (int i = 0; i < index; i++) {
      int nl = text.indexOf('\n', start);
      if (nl < 0) {
        return null;
      }
      start = nl + 1;
    }
    int end = text.indexOf('\n', start);
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }

  /** Converts a composed node to plain values. */
  public static @Nullable Object toValue(Node node) {
    return toValue(node, 0, new IdentityHashMap<>());
  }

  private static @Nullable Object toValue(
      Node node, int depth, IdentityHashMap<Node, Boolean> path) {
    if (depth > MAX_DEPTH || path.containsKey(node)) {
      throw new YamlEngineException("document nests too deeply or refers to itself");
    }
    if (node instanceof ScalarNode s) {
      return scalar(s);
    }
    path.put(node, Boolean.TRUE);
    try {
      if (node instanceof SequenceNode seq) {
        List<@Nullable Object> list = new ArrayList<>(seq.getValue().size());
        for (Node n : seq.getValue()) {
          list.add(toValue(n, depth + 1, path));
        }
        return list;
      }
      if (node instanceof MappingNode map) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
          Object k = toValue(t.getKeyNode(), depth + 1, path);
          Object v = toValue(t.getValueNode(), depth + 1, path);
          if (k == null) {
            continue;
          }
          if (v != null) {
            m.put(String.valueOf(k), v);
          }
        }
        return m;
      }
      return null;
    } finally {
      path.remove(node);
    }
  }

  private static @Nullable Object scalar(ScalarNode s) {
    Tag tag = s.getTag();
    String v = s.getValue();
    if (!s.isPlain()) {
      return v;
    }
    if (tag.equals(Tag.NULL)) {
      return null;
    }
    if (tag.equals(Tag.BOOL)) {
      return v.equalsIgnoreCase("true");
    }
    if (tag.equals(Tag.INT)) {
      try {
        if (v.startsWith("0x")) {
          return Long.parseLong(v.substring(2), 16);
        }
        if (v.startsWith("0o")) {
          return Long.parseLong(v.substring(2), 8);
        }
        return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
      } catch (NumberFormatException e) {
        return Double.parseDouble(v);
      }
    }
    if (tag.equals(Tag.FLOAT)) {
      return switch (v.toLowerCase(java.util.Locale.ROOT)) {
        case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
        case "-.inf" -> Double.NEGATIVE_INFINITY;
        case ".nan" -> Double.NaN;
        default -> Double.parseDouble(v);
      };
    }
    return v;
  }

  /** Finds the node of a key path inside a mapping node (for source positions), or null. */
  public static @Nullable Node find(@Nullable Node node, Object... path) {
    Node cur = node;
    for (Object key : path) {
      if (cur instanceof MappingNode m && key instanceof String k) {
        Node next = null;
        for (NodeTuple t : m.getValue()) {
          if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(k)) {
            next = t.getValueNode();
            break;
          }
        }
        cur = next;
      } else if (cur instanceof SequenceNode s && key instanceof Integer i) {
        cur = i < s.getValue().size() ? s.getValue().get(i) : null;
      } else {
        return null;
      }
    }
    return cur;
  }
}
