package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The CLI's wording of what a user can do about an error: the one place that names the CLI's own
 * flags and commands (the libraries say it without them, and name the fix). The words are the
 * {@code hint.<fix id>} entries of {@code messages.properties}, with {@code {arg}} standing for the
 * fix's arguments; {@code hint.<fix id>.<first argument's value>} comes first where it exists.
 */
final class Hints {
  private static final ResourceBundle WORDS = ResourceBundle.getBundle("dev.cairn.cli.messages");
  private static final Pattern ARG = Pattern.compile("\\{([a-z-]+)}");

  private Hints() {}

  /** The hint to print after "perhaps you should", if any. */
  static Optional<String> of(CairnException e) {
    return Optional.ofNullable(wording(e.fix().orElse(null), e.hint().orElse(null)));
  }

  /** The CLI's words for {@code fix}, else {@code fallback}. */
  static @Nullable String wording(@Nullable Fix fix, @Nullable String fallback) {
    if (fix == null) {
      return fallback;
    }
    String key = "hint." + fix.id();
    String specific = key + "." + fix.args().values().stream().findFirst().orElse("");
    String words =
        WORDS.containsKey(specific)
            ? WORDS.getString(specific)
            : WORDS.containsKey(key) ? WORDS.getString(key) : null;
    return words == null ? fallback : fill(words, fix.args());
  }

  private static String fill(String template, Map<String, String> args) {
    Matcher m = ARG.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(args.getOrDefault(m.group(1), "")));
    }
    return m.appendTail(sb).toString();
  }
}
