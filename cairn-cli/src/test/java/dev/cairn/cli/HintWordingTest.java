package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every hint follows "perhaps you should", so each must start with a verb: "perhaps you should the
 * checkpoint was forged" is what a hint written as a statement reads like. This reads every hint
 * written as a literal in the sources: the hint argument of each user-facing exception and notice,
 * hint fallbacks, and the CLI's own wording in {@link Hints}.
 */
class HintWordingTest {
  /** Where the hint is among each constructor's arguments (0-based). */
  private static final Map<String, Integer> HINT_ARGUMENT =
      Map.ofEntries(
          Map.entry("CairnException", 1),
          Map.entry("AttestationException", 1),
          Map.entry("LedgerException", 1),
          Map.entry("ScanException", 1),
          Map.entry("CheckException", 1),
          Map.entry("ExitException", 2),
          Map.entry("DeployException", 2),
          Map.entry("VerificationException", 2),
          Map.entry("CertifyException", 2),
          Map.entry("IssuerException", 2),
          Map.entry("WrongChainException", 4),
          Map.entry("WitnessException", 2),
          Map.entry("Notice", 3));

  /** The verbs hints start with; a new hint with a new verb adds it here. */
  private static final Set<String> VERBS =
      Set.of(
          "put",
          "retry",
          "create",
          "define",
          "rerun",
          "mount",
          "deploy",
          "pick",
          "unpin",
          "accept",
          "sign",
          "supply",
          "add",
          "ask",
          "list",
          "approve",
          "base",
          "certify",
          "check",
          "chmod",
          "cosign",
          "get",
          "have",
          "leave",
          "choose",
          "correct",
          "drop",
          "export",
          "free",
          "fund",
          "generate",
          "give",
          "grant",
          "install",
          "let",
          "lint",
          "make",
          "name",
          "open",
          "pass",
          "point",
          "raise",
          "push",
          "read",
          "rebuild",
          "release",
          "remove",
          "report",
          "request",
          "restore",
          "run",
          "scan",
          "send",
          "set",
          "split",
          "take",
          "trace",
          "treat",
          "upgrade",
          "use",
          "verify",
          "wait",
          "write");

  private static final Pattern NEW = Pattern.compile("new (\\w+)\\(|ExitException\\.usage\\(");
  private static final Pattern ORELSE = Pattern.compile("hint\\(\\)\\s*\\.orElse\\(\\s*\"");

  record Hint(String where, String text) {}

  @Test
  void everyHint_startsWithAVerb() throws IOException {
    List<Hint> hints = hints();
    assertThat(hints).hasSizeGreaterThan(100);
    List<String> bad = new ArrayList<>();
    for (Hint h : hints) {
      String first = h.text().split("[ ,:;(]", 2)[0];
      if (!VERBS.contains(first)) {
        bad.add(h.where() + ": perhaps you should " + h.text());
      }
    }
    assertThat(bad).as("hints that do not read after \"perhaps you should\"").isEmpty();
  }

  @Test
  void theCheck_catchesAStatement() {
    assertThat(VERBS).doesNotContain("the", "it", "a", "an", "certificate", "0x");
  }

  private static List<Hint> hints() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> sources = sources();
    List<Hint> out = new ArrayList<>();
    for (Path f : sources) {
      String s = Files.readString(f);
      String name = root.relativize(f).toString();
      Matcher m = NEW.matcher(s);
      while (m.find()) {
        Integer k = m.group(1) == null ? Integer.valueOf(1) : HINT_ARGUMENT.get(m.group(1));
        if (k == null) {
          continue;
        }
        List<String> args = arguments(s, m.end());
        if (args.size() > k && args.get(k).startsWith("\"")) {
          out.add(new Hint(name + ":" + line(s, m.start()), literal(args.get(k), 0)));
        }
      }
      Matcher o = ORELSE.matcher(s);
      while (o.find()) {
        out.add(new Hint(name + ":" + line(s, o.start()), literal(s, o.end() - 1)));
      }
    }
    messages().forEach((k, v) -> out.add(new Hint("messages.properties: " + k, v)));
    return out;
  }

  /** The CLI's own wording of fixes: the hint entries of its messages. */
  private static Map<String, String> messages() throws IOException {
    Properties p = new Properties();
    try (var in = Hints.class.getResourceAsStream("messages.properties")) {
      p.load(java.util.Objects.requireNonNull(in));
    }
    Map<String, String> hints = new java.util.TreeMap<>();
    p.stringPropertyNames().stream()
        .filter(k -> k.startsWith("hint."))
        .forEach(k -> hints.put(k, p.getProperty(k)));
    return hints;
  }

  /**
   * The CLI's words are for fixes a library names: an entry whose fix no library names any more is
   * stale (a fix without CLI words keeps the library's own hint).
   */
  @Test
  void everyHintEntry_isForAFixALibraryNames() throws IOException {
    Pattern fixOf = Pattern.compile("Fix\\.of\\(\\s*\"([^\"]+)\"");
    Set<String> ids = new java.util.HashSet<>();
    for (Path f : sources()) {
      Matcher m = fixOf.matcher(Files.readString(f));
      while (m.find()) {
        ids.add(m.group(1));
      }
    }
    assertThat(ids).hasSizeGreaterThan(15);
    List<String> stale = new ArrayList<>();
    for (String key : messages().keySet()) {
      String id = key.substring("hint.".length());
      if (!ids.contains(id) && ids.stream().noneMatch(i -> id.startsWith(i + "."))) {
        stale.add(key);
      }
    }
    assertThat(stale).as("hint entries for fixes no library names").isEmpty();
  }

  private static List<Path> sources() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/target/"))
          .sorted()
          .toList();
    }
  }

  private static int line(String s, int at) {
    return (int) s.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
  }

  /** The string literal starting at {@code at} (a quote), unescaped enough to read its words. */
  private static String literal(String s, int at) {
    StringBuilder sb = new StringBuilder();
    for (int i = at + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        sb.append(s.charAt(++i));
      } else if (c == '"') {
        break;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The top-level arguments of the call whose argument list starts at {@code from}. */
  private static List<String> arguments(String s, int from) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int depth = 1;
    boolean inString = false;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inString) {
        cur.append(c);
        if (c == '\\') {
          cur.append(s.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> {
          inString = true;
          cur.append(c);
        }
        case '(', '[', '{' -> {
          depth++;
          cur.append(c);
        }
        case ')', ']', '}' -> {
          if (--depth == 0) {
            parts.add(cur.toString().strip());
            return parts;
          }
          cur.append(c);
        }
        case ',' -> {
          if (depth == 1) {
            parts.add(cur.toString().strip());
            cur.setLength(0);
          } else {
            cur.append(c);
          }
        }
        default -> cur.append(c);
      }
    }
    return parts;
  }
}
