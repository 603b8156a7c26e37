package dev.cairn.core;

import org.jspecify.annotations.Nullable;

/**
 * One problem in a user-authored file, printed compiler style: {@code file:line:col: message}, then
 * the offending line and a caret under the column.
 *
 * @param location where it is
 * @param message what is wrong
 * @param sourceLine the text of the offending line, if known
 */
public record Diagnostic(SourceLocation location, String message, @Nullable String sourceLine) {

  /**
   * {@code file:line:col: message} on one line: a message quotes what the file says, so its control
   * characters (a newline in a quoted scalar, an escape sequence) are written as escapes ({@link
   * Text#escape}).
   */
  public String oneLine() {
    return Text.escape(location + ": " + message);
  }

  /** The one-line form, then the source line and a caret when both are known. */
  public String render() {
    StringBuilder sb = new StringBuilder(oneLine());
    if (sourceLine != null && location.line() > 0) {
      // escaped as the message is, tabs kept so that the caret stays under its column
      sb.append('\n')
          .append(
              String.join(
                  "\t",
                  java.util.Arrays.stream(sourceLine.stripTrailing().split("\t", -1))
                      .map(Text::escape)
                      .toList()));
      if (location.column() > 0) {
        sb.append('\n');
        for (int i = 1; i < location.column(); i++) {
          sb.append(i - 1 < sourceLine.length() && sourceLine.charAt(i - 1) == '\t' ? '\t' : ' ');
        }
        sb.append('^');
      }
    }
    return sb.toString();
  }
}
