package dev.cairn.core;

/**
 * A position in a user-authored file. Lines and columns count from 1; {@code 0} means unknown.
 *
 * @param file the path as the user gave it (or {@code "-"} for standard input)
 * @param line 1-based line, 0 if unknown
 * @param column 1-based column, 0 if unknown
 */
public record SourceLocation(String file, int line, int column) {
  public SourceLocation {
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("negative line or column: " + line + ":" + column);
    }
  }

  public static SourceLocation of(String file) {
    return new SourceLocation(file, 0, 0);
  }

  @Override
  public String toString() {
    if (line == 0) {
      return file;
    }
    return column == 0 ? file + ":" + line : file + ":" + line + ":" + column;
  }
}
