package dev.cairn.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
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
   * What one YAML document may cost, so that a hostile or broken file fails fast with a clear error
   * instead of exhausting memory or the stack. The defaults are far above what any Kubernetes
   * object can be (the API server stores at most a few MiB per object).
   *
   * @param maxDocumentChars characters in one document
   * @param maxScalarChars characters in one scalar (a string value or key)
   * @param maxDepth nesting of sequences and mappings
   * @param maxAliasNodes nodes that aliases may add when they are expanded (a "billion laughs"
   *     document of 9 levels of 9 aliases expands 30 lines to 387 million nodes)
   */
  public record Limits(
      long maxDocumentChars, long maxScalarChars, int maxDepth, long maxAliasNodes) {
    public Limits {
      if (maxDocumentChars <= 0 || maxScalarChars <= 0 || maxDepth <= 0 || maxAliasNodes < 0) {
        throw new IllegalArgumentException("limits must be positive");
      }
      if (maxDocumentChars > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException(
            "a document may have at most " + (Integer.MAX_VALUE - 16) + " characters");
      }
    }

    /** 128 MiB documents, 8 MiB scalars, 200 levels, a million nodes from aliases. */
    public static Limits defaults() {
      return new Limits(128L << 20, 8L << 20, MAX_DEPTH, 1_000_000);
    }

    public Limits withMaxDocumentChars(long chars) {
      return new Limits(chars, maxScalarChars, maxDepth, maxAliasNodes);
    }
  }

  /** Which of the {@link Limits} a document went over. */
  public enum Limit {
    DOCUMENT_SIZE,
    SCALAR_SIZE,
    DEPTH,
    ALIASES
  }

  /**
   * One parsed YAML document with where it started.
   *
   * @param value the document as plain values, or null for an empty document
   * @param node the document as nodes with their positions, or null for an empty document
   * @param line 1-based line in the file where the document's content starts
   * @param column 1-based column where it starts
   */
  public record Document(@Nullable Object value, @Nullable YamlNode node, int line, int column) {}

  /**
   * Thrown for a syntax error, a duplicate key or a document over a limit; carries compiler-style
   * diagnostics (every duplicate key, else the one error).
   */
  public static final class YamlSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<Diagnostic> diagnostics;
    private final @Nullable Limit limit;

    YamlSyntaxException(Diagnostic diagnostic) {
      this(List.of(diagnostic), null);
    }

    YamlSyntaxException(List<Diagnostic> diagnostics, @Nullable Limit limit) {
      super(diagnostics.get(0).oneLine());
      this.diagnostics = List.copyOf(diagnostics);
      this.limit = limit;
    }

    /** The first problem. */
    public Diagnostic diagnostic() {
      return diagnostics.get(0);
    }

    /** Every problem found, in the order of the file. */
    public List<Diagnostic> diagnostics() {
      return diagnostics;
    }

    /** The limit the document went over, if that is the problem. */
    public Optional<Limit> limit() {
      return Optional.ofNullable(limit);
    }
  }

  private static LoadSettings settings(String label, int chars) {
    return LoadSettings.builder()
        .setLabel(label)
        .setSchema(new CoreSchema())
        .setAllowDuplicateKeys(false)
        .setMaxAliasesForCollections(100)
        .setCodePointLimit(chars + 1)
        // one read of the whole text: snakeyaml's reader copies its window on every refill, so a
        // token longer than the buffer (a 10 MB scalar) costs quadratic time with a small one
        .setBufferSize(chars + 1)
        .build();
  }

  /**
   * Parses one YAML document within the default {@link Limits}. {@code firstLine} (0-based) is
   * where {@code text} starts in {@code file}, so positions in errors and nodes are those of the
   * whole file.
   */
  public static Document parseDocument(String file, String text, int firstLine)
      throws YamlSyntaxException {
    return parseDocument(file, text, firstLine, Limits.defaults());
  }

  /**
   * Parses one YAML document as {@link #parseDocument(String, String, int)} does, within {@code
   * limits}. Duplicate keys of a mapping are an error (YAML forbids them; a reader that took the
   * last would let {@code privileged: false} hide an earlier {@code privileged: true}).
   */
  public static Document parseDocument(String file, String text, int firstLine, Limits limits)
      throws YamlSyntaxException {
    if (text.length() > limits.maxDocumentChars()) {
      throw new YamlSyntaxException(
          List.of(
              new Diagnostic(
                  new SourceLocation(file, firstLine + 1, 1),
                  "YAML document of "
                      + text.length()
                      + " characters is over the limit of "
                      + Sizes.format(limits.maxDocumentChars()),
                  lineOf(text, 0))),
          Limit.DOCUMENT_SIZE);
    }
    try {
      Optional<Node> node =
          new LimitedComposer(settings(file, text.length()), text, limits.maxDepth())
              .getSingleNode();
      if (node.isEmpty()) {
        return new Document(null, null, firstLine + 1, 1);
      }
      Converter c = new Converter(firstLine, limits);
      YamlNode root = c.convert(node.get(), 0);
      if (!c.duplicates.isEmpty()) {
        List<Diagnostic> ds = new ArrayList<>();
        for (Problem p : c.duplicates) {
          ds.add(p.diagnostic(file, text, firstLine));
        }
        throw new YamlSyntaxException(ds, null);
      }
      return new Document(plain(root, 0, limits.maxDepth()), root, root.line(), root.column());
    } catch (Problem p) {
      throw new YamlSyntaxException(List.of(p.diagnostic(file, text, firstLine)), p.limit);
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      int line = mark.map(m -> m.getLine() + 1).orElse(1);
      int col = mark.map(m -> m.getColumn() + 1).orElse(1);
      String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem();
      String context = e.getContext();
      String msg = "malformed YAML: " + (context == null ? problem : context + ", " + problem);
      String src = lineOf(text, line - 1);
      throw new YamlSyntaxException(
          new Diagnostic(new SourceLocation(file, line + firstLine, col), oneLine(msg), src));
    } catch (YamlEngineException | IllegalArgumentException e) {
      // snakeyaml throws IllegalArgumentException for some malformed input (a tag "!%0")
      throw new YamlSyntaxException(
          new Diagnostic(
              new SourceLocation(file, firstLine + 1, 1),
              "malformed YAML: " + oneLine(String.valueOf(e.getMessage())),
              null));
    }
  }

  private static String oneLine(String s) {
    return Text.escape(s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' '));
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

  /** Thrown by {@link YamlNode#toValue()} for a tree nested deeper than {@link #MAX_DEPTH}. */
  private static final class TooDeep extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    TooDeep(int maxDepth) {
      super("document nests deeper than " + maxDepth + " levels");
    }
  }

  /** A problem at a place in the document (0-based line within the text, 0-based column). */
  private static final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int line;
    final int column;
    final transient @Nullable Limit limit;

    Problem(int line, int column, String message, @Nullable Limit limit) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
      this.limit = limit;
    }

    Diagnostic diagnostic(String file, String text, int firstLine) {
      return new Diagnostic(
          new SourceLocation(file, line + firstLine + 1, column + 1),
          String.valueOf(getMessage()),
          lineOf(text, line));
    }
  }

  private static Problem problem(Node node, String message, @Nullable Limit limit) {
    Optional<Mark> m = node.getStartMark();
    return new Problem(
        m.map(Mark::getLine).orElse(0), m.map(Mark::getColumn).orElse(0), message, limit);
  }

  /**
   * snakeyaml's composer, which recurses once per level of nesting, stopped at {@code maxDepth}
   * levels before the stack runs out (2,000 nested {@code [} overflow it).
   */
  private static final class LimitedComposer extends Composer {
    private final int maxDepth;
    private int depth;

    LimitedComposer(LoadSettings settings, String text, int maxDepth) {
      super(settings, new ParserImpl(settings, new StreamReader(settings, text)));
      this.maxDepth = maxDepth;
    }

    private void enter() {
      if (++depth > maxDepth) {
        Optional<Mark> m = parser.peekEvent().getStartMark();
        throw new Problem(
            m.map(Mark::getLine).orElse(0),
            m.map(Mark::getColumn).orElse(0),
            "YAML nests deeper than the limit of " + maxDepth + " levels",
            Limit.DEPTH);
      }
    }

    @Override
    protected SequenceNode composeSequenceNode(Optional<Anchor> anchor) {
      enter();
      try {
        return super.composeSequenceNode(anchor);
      } finally {
        depth--;
      }
    }

    @Override
    protected Node composeMappingNode(Optional<Anchor> anchor) {
      enter();
      Node done = null;
      try {
        done = super.composeMappingNode(anchor);
        return done;
      } finally {
        depth--;
        if (done != null) {
          open.remove(done);
        }
      }
    }

    /** Mappings being composed: a merge key ({@code <<}) may not name one of them. */
    private final IdentityHashMap<Node, Boolean> open = new IdentityHashMap<>();

    @Override
    protected void composeMappingChildren(List<NodeTuple> children, MappingNode node) {
      open.put(node, Boolean.TRUE);
      super.composeMappingChildren(children, node);
      NodeTuple last = children.get(children.size() - 1);
      if (last.getKeyNode().getTag().equals(Tag.MERGE)) {
        Node v = last.getValueNode();
        List<Node> merged = v instanceof SequenceNode seq ? seq.getValue() : List.of(v);
        for (Node m : merged) {
          if (open.containsKey(m)) {
            // snakeyaml's merge would loop for ever
            Optional<Mark> at = last.getKeyNode().getStartMark();
            throw new Problem(
                at.map(Mark::getLine).orElse(0),
                at.map(Mark::getColumn).orElse(0),
                "a YAML merge key (<<) names a mapping that contains it",
                Limit.ALIASES);
          }
        }
      }
    }
  }

  /**
   * A composed node as a {@link YamlNode} with positions in the whole file. A node that several
   * aliases name is converted once and shared, so aliases cost no more than in the composed tree;
   * but each node's expanded size (what {@link YamlNode#toValue()} and every reader of the values
   * walk) is counted, and aliases may add at most {@link Limits#maxAliasNodes()} nodes.
   */
  private static final class Converter {
    private final int firstLine;
    private final Limits limits;
    private final IdentityHashMap<Node, YamlNode> done = new IdentityHashMap<>();
    private final IdentityHashMap<Node, Long> sizes = new IdentityHashMap<>();
    private final IdentityHashMap<Node, Boolean> path = new IdentityHashMap<>();
    final List<Problem> duplicates = new ArrayList<>();

    Converter(int firstLine, Limits limits) {
      this.firstLine = firstLine;
      this.limits = limits;
    }

    /** {@code a + b}, saturating well below overflow. */
    private static long add(long a, long b) {
      return Math.min(Long.MAX_VALUE / 4, a + b);
    }

    YamlNode convert(Node node, int depth) {
      if (path.containsKey(node)) {
        throw problem(node, "a YAML alias refers to a node that contains it", Limit.ALIASES);
      }
      if (depth > limits.maxDepth()) {
        throw problem(
            node,
            "YAML nests deeper than the limit of " + limits.maxDepth() + " levels",
            Limit.DEPTH);
      }
      YamlNode converted = done.get(node);
      if (converted != null) {
        return converted;
      }
      int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(1) + firstLine;
      int col = node.getStartMark().map(m -> m.getColumn() + 1).orElse(1);
      int endLine = node.getEndMark().map(m -> m.getLine() + 1 + firstLine).orElse(line);
      int endCol = node.getEndMark().map(m -> m.getColumn() + 1).orElse(col);
      long size = 1;
      path.put(node, Boolean.TRUE);
      try {
        if (node instanceof ScalarNode s) {
          if (s.getValue().length() > limits.maxScalarChars()) {
            throw problem(
                node,
                "YAML scalar of "
                    + s.getValue().length()
                    + " characters is over the limit of "
                    + Sizes.format(limits.maxScalarChars()),
                Limit.SCALAR_SIZE);
          }
          converted =
              new YamlNode.Scalar(s.getValue(), style(s), scalar(s), line, col, endLine, endCol);
        } else if (node instanceof SequenceNode seq) {
          List<YamlNode> items = new ArrayList<>(seq.getValue().size());
          for (Node n : seq.getValue()) {
            items.add(convert(n, depth + 1));
            size = add(size, sizes.getOrDefault(n, 1L));
          }
          converted = new YamlNode.Sequence(items, line, col, endLine, endCol);
        } else if (node instanceof MappingNode map) {
          List<YamlNode.Entry> entries = new ArrayList<>(map.getValue().size());
          Map<String, YamlNode> keys = new HashMap<>();
          for (NodeTuple t : map.getValue()) {
            YamlNode k = convert(t.getKeyNode(), depth + 1);
            YamlNode v = convert(t.getValueNode(), depth + 1);
            size =
                add(
                    size,
                    add(
                        sizes.getOrDefault(t.getKeyNode(), 1L),
                        sizes.getOrDefault(t.getValueNode(), 1L)));
            if (k instanceof YamlNode.Scalar ks && ks.value() != null) {
              String key = String.valueOf(ks.value());
              YamlNode first = keys.putIfAbsent(key, k);
              if (first != null) {
                duplicates.add(
                    problem(
                        t.getKeyNode(),
                        "duplicate key '"
                            + Text.escape(key)
                            + "' (first at line "
                            + first.line()
                            + ", column "
                            + first.column()
                            + ")",
                        null));
              }
            }
            entries.add(new YamlNode.Entry(k, v));
          }
          converted = new YamlNode.Mapping(entries, line, col, endLine, endCol);
        } else {
          // the composer makes no other kind of node; an anchor that names nothing reads as null
          converted =
              new YamlNode.Scalar("", YamlNode.Style.PLAIN, null, line, col, endLine, endCol);
        }
      } finally {
        path.remove(node);
      }
      done.put(node, converted);
      sizes.put(node, size);
      if (size - done.size() > limits.maxAliasNodes()) {
        throw problem(
            node,
            "YAML aliases expand the document by more than the limit of "
                + limits.maxAliasNodes()
                + " nodes (a \"billion laughs\" document?)",
            Limit.ALIASES);
      }
      return converted;
    }
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
    return plain(node, depth, MAX_DEPTH);
  }

  private static @Nullable Object plain(YamlNode node, int depth, int maxDepth) {
    if (depth > maxDepth) {
      throw new TooDeep(maxDepth);
    }
    return switch (node) {
      case YamlNode.Scalar s -> s.value();
      case YamlNode.Sequence seq -> {
        List<@Nullable Object> list = new ArrayList<>(seq.items().size());
        for (YamlNode n : seq.items()) {
          list.add(plain(n, depth + 1, maxDepth));
        }
        yield list;
      }
      case YamlNode.Mapping map -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (YamlNode.Entry e : map.entries()) {
          Object k = plain(e.key(), depth + 1, maxDepth);
          Object v = plain(e.value(), depth + 1, maxDepth);
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
