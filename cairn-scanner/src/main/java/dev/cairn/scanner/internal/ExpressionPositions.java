package dev.cairn.scanner.internal;

import dev.cairn.core.YamlNode;
import dev.cairn.core.YamlNode.Style;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a position inside a CEL expression back to line and column of the YAML file it was read
 * from, for literal ({@code |}), folded ({@code >}), plain and quoted scalars. When the scalar's
 * text can't be rebuilt from the source lines it falls back to where the scalar starts.
 */
final class ExpressionPositions {
  private final int[] lines; // 1-based file line of each expression char
  private final int[] cols; // 1-based file column
  private final int fallbackLine;
  private final int fallbackCol;

  private ExpressionPositions(int[] lines, int[] cols, int fallbackLine, int fallbackCol) {
    this.lines = lines;
    this.cols = cols;
    this.fallbackLine = fallbackLine;
    this.fallbackCol = fallbackCol;
  }

  /** {line, column} in the file of {@code offset} in the expression. */
  int[] at(int offset) {
    if (lines.length == 0) {
      return new int[] {fallbackLine, fallbackCol};
    }
    int i = Math.max(0, Math.min(offset, lines.length - 1));
    return new int[] {lines[i], cols[i]};
  }

  static ExpressionPositions of(YamlNode.Scalar node, List<String> fileLines) {
    int startLine = node.line() - 1; // 0-based
    int startCol = node.column() - 1;
    int endLine = node.endLine() - 1;
    String value = node.text();
    Style style = node.style();
    List<int[]> pos = new ArrayList<>();
    StringBuilder rebuilt = new StringBuilder();
    if (style == Style.LITERAL || style == Style.FOLDED) {
      int indent = -1;
      boolean prevContent = false;
      for (int l = startLine + 1; l <= Math.min(endLine, fileLines.size() - 1); l++) {
        String line = fileLines.get(l);
        if (line.isBlank()) {
          rebuilt.append('\n');
          pos.add(new int[] {l + 1, 1});
          prevContent = false;
          continue;
        }
        if (indent < 0) {
          indent = line.length() - line.stripLeading().length();
        }
        if (line.length() - line.stripLeading().length() < indent) {
          break;
        }
        if (style == Style.FOLDED && prevContent && rebuilt.length() > 0) {
          rebuilt.setCharAt(rebuilt.length() - 1, ' ');
        }
        for (int c = indent; c < line.length(); c++) {
          rebuilt.append(line.charAt(c));
          pos.add(new int[] {l + 1, c + 1});
        }
        rebuilt.append('\n');
        pos.add(new int[] {l + 1, line.length() + 1});
        prevContent = true;
      }
    } else if (startLine < fileLines.size()) {
      String line = fileLines.get(startLine);
      int c0 = startCol + (style == Style.PLAIN ? 0 : 1);
      for (int c = c0; c < line.length() && rebuilt.length() < value.length(); c++) {
        rebuilt.append(line.charAt(c));
        pos.add(new int[] {startLine + 1, c + 1});
      }
    }
    if (!rebuilt.toString().strip().equals(value.strip())) {
      // escapes or multi-line flow scalars: keep the prefix that agrees, if any
      int agree = 0;
      while (agree < rebuilt.length()
          && agree < value.length()
          && rebuilt.charAt(agree) == value.charAt(agree)) {
        agree++;
      }
      pos = pos.subList(0, agree);
    }
    int[] ls = new int[pos.size()];
    int[] cs = new int[pos.size()];
    for (int i = 0; i < pos.size(); i++) {
      ls[i] = pos.get(i)[0];
      cs[i] = pos.get(i)[1];
    }
    return new ExpressionPositions(ls, cs, startLine + 1, startCol + 1);
  }
}
