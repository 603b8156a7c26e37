package dev.cairn.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A node of a parsed YAML document, with where it stands in its file, for readers of user-authored
 * YAML that report problems at their place: a {@link Scalar}, a {@link Sequence} or a {@link
 * Mapping}. Lines and columns count from 1 and are those of the whole file (a document that starts
 * on line 10 has its nodes from line 10 on); the end is the position just past the node. An alias
 * is the node it names, so one node may stand at several places of a tree.
 */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Sequence, YamlNode.Mapping {
  /** 1-based line where the node starts. */
  int line();

  /** 1-based column where the node starts. */
  int column();

  /** 1-based line of the position just past the node. */
  int endLine();

  /** 1-based column of the position just past the node. */
  int endColumn();

  /** Where the node starts, in {@code file}. */
  default SourceLocation location(String file) {
    return new SourceLocation(file, line(), column());
  }

  /**
   * The node as plain values, as {@link Yaml.Document#value()} gives them: {@code LinkedHashMap}
   * with string keys (entries with a null key or value dropped), {@code ArrayList}, and each
   * scalar's {@link Scalar#value()}.
   *
   * @throws IllegalArgumentException for a tree nested deeper than a parsed document may be
   */
  default @Nullable Object toValue() {
    return Yaml.plain(this, 0);
  }

  /** How a scalar was written. */
  enum Style {
    /** {@code key: value} */
    PLAIN,
    /** {@code 'value'} */
    SINGLE_QUOTED,
    /** {@code "value"} */
    DOUBLE_QUOTED,
    /** {@code |} block */
    LITERAL,
    /** {@code >} block */
    FOLDED
  }

  /**
   * A scalar.
   *
   * @param text its text, quotes and escapes resolved, as YAML reads it
   * @param style how it was written
   * @param value its plain value: {@code null}, {@code Boolean}, {@code Long} or {@code Double} for
   *     a plain scalar that the YAML 1.2 core schema (or an explicit tag) reads so, else {@code
   *     text}
   */
  record Scalar(
      String text,
      Style style,
      @Nullable Object value,
      int line,
      int column,
      int endLine,
      int endColumn)
      implements YamlNode {
    public Scalar {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(style, "style");
    }
  }

  /** A sequence of nodes. */
  record Sequence(List<YamlNode> items, int line, int column, int endLine, int endColumn)
      implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
    }
  }

  /** A mapping, its entries in the order written. */
  record Mapping(List<Entry> entries, int line, int column, int endLine, int endColumn)
      implements YamlNode {
    public Mapping {
      entries = List.copyOf(entries);
    }

    /** The value of the first entry whose key is a scalar with this text. */
    public Optional<YamlNode> get(String key) {
      for (Entry e : entries) {
        if (e.key() instanceof Scalar s && s.text().equals(key)) {
          return Optional.of(e.value());
        }
      }
      return Optional.empty();
    }
  }

  /** One entry of a mapping. */
  record Entry(YamlNode key, YamlNode value) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }
}
