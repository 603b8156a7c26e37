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

  /**
   * One parsed YAML document with where it started.
   *
   * @param value the document as plain values, or null for an empty document
   * @param node the document as nodes with their positions, or null for an empty document
   * @param line 1-based line in the file where the document's content starts
   * @param column 1-based column where it starts
   */
  public record Document(@Nullable Object value, @Nullable YamlNode node, int line, int column) {}

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
      YamlNode root = convert(n, firstLine, 0, new IdentityHashMap<>(), new IdentityHashMap<>());
      return new Document(plain(root, 0), root, root.line(), root.column());
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
    } catch (YamlEngineException | TooDeep e) {
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

  /** Thrown when a document nests deeper than {@link #MAX_DEPTH} or refers to itself. */
  private static final class TooDeep extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    TooDeep() {
      super("document nests too deeply or refers to itself");
    }
  }

  /**
   * A composed node as a {@link YamlNode} with positions in the whole file. A node that several
   * aliases name is converted once and shared, so aliases cost no more than in the composed tree.
   */
  private static YamlNode convert(
      Node node,
      int firstLine,
      int depth,
      IdentityHashMap<Node, YamlNode> done,
      IdentityHashMap<Node, Boolean> path) {
    if (depth > MAX_DEPTH || path.containsKey(node)) {
      throw new TooDeep();
    }
    YamlNode converted = done.get(node);
    if (converted != null) {
      return converted;
    }
    int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(1) + firstLine;
    int col = node.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
    int endLine = node.getEndMark().map(m -> m.getLine() + 1 + firstLine).orElse(line);
    int endCol = node.getEndMark().map(m -> m.getColumn() + 1).orElse(col);
    path.put(node, Boolean.TRUE);
    try {
      if (node instanceof ScalarNode s) {
        converted =
            new YamlNode.Scalar(s.getValue(), style(s), scalar(s), line, col, endLine, endCol);
      } else if (node instanceof SequenceNode seq) {
        List<YamlNode> items = new ArrayList<>(seq.getValue().size());
        for (Node n : seq.getValue()) {
          items.add(convert(n, firstLine, depth + 1, done, path));
        }
        converted = new YamlNode.Sequence(items, line, col, endLine, endCol);
      } else if (node instanceof MappingNode map) {
        List<YamlNode.Entry> entries = new ArrayList<>(map.getValue().size());
        for (NodeTuple t : map.getValue()) {
          YamlNode k = convert(t.getKeyNode(), firstLine, depth + 1, done, path);
          YamlNode v = convert(t.getValueNode(), firstLine, depth + 1, done, path);
          entries.add(new YamlNode.Entry(k, v));
        }
        converted = new YamlNode.Mapping(entries, line, col, endLine, endCol);
      } else {
        // the composer makes no other kind of node; an anchor that names nothing reads as null
        converted = new YamlNode.Scalar("", YamlNode.Style.PLAIN, null, line, col, endLine, endCol);
      }
    } finally {
      path.remove(node);
    }
    done.put(node, converted);
    return converted;
  }

  private static YamlNode.Style style(ScalarNode s) {
    return switch (s.getScalarStyle()) {
      case PLAIN -> YamlNode.Style.PLAIN;
      case SINGLE_QUOTED -> YamlNode.Style.SINGLE_QUOTED;
      case LITERAL -> YamlNode.Style.LITERAL;
      case FOLDED -> YamlNode.Style.FOLDED;
      case DOUBLE_QUOTED, JSON_SCALAR_STYLE -> YamlNode.Style.DOUBLE_QUOTED;
    };
  }

  /**
   * {@link YamlNode#toValue()}: fails past {@link #MAX_DEPTH}, as the composed tree's reading did.
   */
  static @Nullable Object plain(YamlNode node, int depth) {
    if (depth > MAX_DEPTH) {
      throw new TooDeep();
    }
    return switch (node) {
      case YamlNode.Scalar s -> s.value();
      case YamlNode.Sequence seq -> {
        List<@Nullable Object> list = new ArrayList<>(seq.items().size());
        for (YamlNode n : seq.items()) {
          list.add(plain(n, depth + 1));
        }
        yield list;
      }
      case YamlNode.Mapping map -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (YamlNode.Entry e : map.entries()) {
          Object k = plain(e.key(), depth + 1);
          Object v = plain(e.value(), depth + 1);
          if (k == null) {
            continue;
          }
          if (v != null) {
            m.put(String.valueOf(k), v);
          }
        }
        yield m;
      }
    };
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

  /**
   * Finds the node at a path of mapping keys ({@code String}) and sequence indices ({@code
   * Integer}) below {@code node}, for source positions; null when there is none.
   */
  public static @Nullable YamlNode find(@Nullable YamlNode node, Object... path) {
    YamlNode cur = node;
    for (Object key : path) {
      if (cur instanceof YamlNode.Mapping m && key instanceof String k) {
        cur = m.get(k).orElse(null);
      } else if (cur instanceof YamlNode.Sequence s && key instanceof Integer i) {
        cur = i < s.items().size() ? s.items().get(i) : null;
      } else {
        return null;
      }
    }
    return cur;
  }
}
