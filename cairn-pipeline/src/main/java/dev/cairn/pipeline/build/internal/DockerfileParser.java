package dev.cairn.pipeline.build.internal;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.SourceLocation;
import dev.cairn.pipeline.build.Dockerfile;
import dev.cairn.pipeline.build.DockerfileException;
import dev.cairn.pipeline.build.Instruction;
import dev.cairn.pipeline.build.Instruction.Word;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Dockerfile syntax as Docker's reference describes it: parser directives ({@code # escape=}),
 * comments, line continuations (comment and blank lines inside them dropped), JSON (exec) and shell
 * forms, quotes and escapes, and {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-word}}, {@code
 * ${VAR:+word}} (and {@code -}, {@code +}, {@code ?}, {@code :?}) from ARG and ENV. Every problem
 * is collected; the parse fails with all of them.
 */
public final class DockerfileParser {
  private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9_.-]*");
  private static final Pattern VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String file;
  private final List<String> lines;
  private final Map<String, String> buildArgs;
  private final List<Diagnostic> errors = new ArrayList<>();
  private char escape = '\\';

  private DockerfileParser(String file, String text, Map<String, String> buildArgs) {
    this.file = file;
    this.lines = List.of(text.split("\r?\n", -1));
    this.buildArgs = buildArgs;
  }

  public static Dockerfile parse(String file, String text, Map<String, String> buildArgs)
      throws DockerfileException {
    return new DockerfileParser(file, text, buildArgs).parse();
  }

  /** An instruction after continuations: each character of {@code text} knows its line/column. */
  private record Logical(String keyword, SourceLocation at, String text, int[] line, int[] col) {}

  // ---------------------------------------------------------------- lines

  private List<Logical> logicalLines() {
    List<Logical> out = new ArrayList<>();
    boolean directives = true;
    StringBuilder sb = null;
    List<Integer> ls = new ArrayList<>();
    List<Integer> cs = new ArrayList<>();
    for (int li = 0; li < lines.size(); li++) {
      String line = lines.get(li);
      String stripped = line.strip();
      if (directives) {
        var m = Pattern.compile("#\\s*([a-zA-Z]+)\\s*=\\s*(\\S*)\\s*").matcher(stripped);
        if (m.matches()) {
          String name = m.group(1).toLowerCase(Locale.ROOT);
          if (name.equals("escape")) {
            String v = m.group(2);
            if (v.equals("\\") || v.equals("`")) {
              escape = v.charAt(0);
            } else {
              error(
                  new SourceLocation(file, li + 1, line.indexOf(v) + 1),
                  "escape must be \\ or `, not '" + v + "'");
            }
          }
          continue; // syntax= and check= are read and left to the frontend; nothing to do
        }
        directives = false;
      }
      if (sb == null) {
        if (stripped.isEmpty() || stripped.startsWith("#")) {
          continue;
        }
        sb = new StringBuilder();
        ls.clear();
        cs.clear();
      } else if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue; // a comment or blank line inside a continuation is dropped
      }
      String body = line.stripTrailing();
      boolean continues = !body.isEmpty() && body.charAt(body.length() - 1) == escape;
      if (continues) {
        body = body.substring(0, body.length() - 1);
      }
      for (int i = 0; i < body.length(); i++) {
        sb.append(body.charAt(i));
        ls.add(li + 1);
        cs.add(i + 1);
      }
      if (!continues) {
        out.add(split(sb, ls, cs));
        sb = null;
      }
    }
    if (sb != null) {
      out.add(split(sb, ls, cs));
    }
    return out;
  }

  private Logical split(StringBuilder sb, List<Integer> ls, List<Integer> cs) {
    String all = sb.toString();
    int i = 0;
    while (i < all.length() && Character.isWhitespace(all.charAt(i))) {
      i++;
    }
    int k = i;
    while (k < all.length() && !Character.isWhitespace(all.charAt(k))) {
      k++;
    }
    int a = k;
    while (a < all.length() && Character.isWhitespace(all.charAt(a))) {
      a++;
    }
    int n = all.length() - a;
    int[] line = new int[n + 1];
    int[] col = new int[n + 1];
    for (int j = 0; j < n; j++) {
      line[j] = ls.get(a + j);
      col[j] = cs.get(a + j);
    }
    // the end of the text: just after its last character
    int last = all.length() - 1;
    line[n] = ls.get(last);
    col[n] = cs.get(last) + 1;
    return new Logical(
        all.substring(i, k),
        new SourceLocation(file, ls.get(i), cs.get(i)),
        all.substring(a),
        line,
        col);
  }

  // ---------------------------------------------------------------- errors

  private void error(SourceLocation at, String message) {
    String src = at.line() >= 1 && at.line() <= lines.size() ? lines.get(at.line() - 1) : null;
    errors.add(new Diagnostic(at, message, src));
  }

  private static SourceLocation at(Logical l, int offset, String file) {
    int o = Math.max(0, Math.min(offset, l.text().length()));
    return new SourceLocation(file, l.line()[o], l.col()[o]);
  }

  private SourceLocation at(Logical l, int offset) {
    return at(l, offset, file);
  }

  /** Thrown inside one instruction to give up on it; the error is already recorded. */
  private static final class Abandon extends Exception {
    private static final long serialVersionUID = 1L;

    Abandon() {
      super(null, null, false, false);
    }
  }

  private Abandon fail(Logical l, int offset, String message) {
    error(at(l, offset), message);
    return new Abandon();
  }

  // ---------------------------------------------------------------- words

  /**
   * Splits {@code text[from..]} into words (or, with {@code split} false, one word keeping
   * whitespace), removing quotes and escapes and substituting variables when {@code env} is given.
   */
  private List<Word> words(Logical l, int from, @Nullable Map<String, String> env, boolean split)
      throws Abandon {
    String t = l.text();
    List<Word> out = new ArrayList<>();
    int i = from;
    while (i < t.length()) {
      while (split && i < t.length() && Character.isWhitespace(t.charAt(i))) {
        i++;
      }
      if (i >= t.length()) {
        break;
      }
      int start = i;
      StringBuilder w = new StringBuilder();
      while (i < t.length() && (!split || !Character.isWhitespace(t.charAt(i)))) {
        char c = t.charAt(i);
        if (c == escape && i + 1 < t.length()) {
          w.append(t.charAt(i + 1));
          i += 2;
        } else if (c == '\'') {
          int end = t.indexOf('\'', i + 1);
          if (end < 0) {
            throw fail(l, i, "unterminated single quote");
          }
          w.append(t, i + 1, end);
          i = end + 1;
        } else if (c == '"') {
          int quote = i;
          i++;
          boolean closed = false;
          while (i < t.length()) {
            char d = t.charAt(i);
            if (d == '"') {
              closed = true;
              i++;
              break;
            }
            if (d == escape
                && i + 1 < t.length()
                && (t.charAt(i + 1) == '"'
                    || t.charAt(i + 1) == escape
                    || t.charAt(i + 1) == '$')) {
              w.append(t.charAt(i + 1));
              i += 2;
            } else if (d == '$' && env != null) {
              i = variable(l, i, env, w);
            } else {
              w.append(d);
              i++;
            }
          }
          if (!closed) {
            throw fail(l, quote, "unterminated double quote");
          }
        } else if (c == '$' && env != null) {
          i = variable(l, i, env, w);
        } else {
          w.append(c);
          i++;
        }
      }
      out.add(new Word(w.toString(), at(l, start)));
      if (!split) {
        break;
      }
    }
    return out;
  }

  /** Substitutes the variable at {@code t[i] == '$'} into {@code w}; returns the next index. */
  private int variable(Logical l, int i, Map<String, String> env, StringBuilder w) throws Abandon {
    String t = l.text();
    if (i + 1 >= t.length()) {
      w.append('$');
      return i + 1;
    }
    if (t.charAt(i + 1) != '{') {
      int j = i + 1;
      while (j < t.length() && (Character.isLetterOrDigit(t.charAt(j)) || t.charAt(j) == '_')) {
        j++;
      }
      if (j == i + 1) {
        w.append('$');
        return i + 1;
      }
      String v = env.get(t.substring(i + 1, j));
      w.append(v == null ? "" : v);
      return j;
    }
    int close = -1;
    int depth = 0;
    for (int j = i + 2; j < t.length(); j++) {
      if (t.charAt(j) == '{') {
        depth++;
      } else if (t.charAt(j) == '}') {
        if (depth == 0) {
          close = j;
          break;
        }
        depth--;
      }
    }
    if (close < 0) {
      throw fail(l, i, "unterminated ${ (a variable is written ${NAME})");
    }
    String inner = t.substring(i + 2, close);
    int n = 0;
    while (n < inner.length()
        && (Character.isLetterOrDigit(inner.charAt(n)) || inner.charAt(n) == '_')) {
      n++;
    }
    String name = inner.substring(0, n);
    if (!VAR_NAME.matcher(name).matches()) {
      throw fail(l, i + 2, "bad variable name in ${" + inner + "}");
    }
    String op = inner.substring(n);
    String value = env.get(name);
    if (op.isEmpty()) {
      w.append(value == null ? "" : value);
      return close + 1;
    }
    boolean colon = op.startsWith(":");
    String rest = colon ? op.substring(1) : op;
    if (rest.isEmpty()) {
      throw fail(l, i + 2 + n, "expected -, + or ? after ':' in ${" + inner + "}");
    }
    char kind = rest.charAt(0);
    String word = expandInner(l, i + 2 + n + (colon ? 2 : 1), rest.substring(1), env);
    boolean set = value != null && (!colon || !value.isEmpty());
    switch (kind) {
      case '-' -> w.append(set ? value : word);
      case '+' -> w.append(set ? word : "");
      case '?' -> {
        if (!set) {
          throw fail(l, i, name + " is not set" + (word.isEmpty() ? "" : ": " + word));
        }
        w.append(value);
      }
      default ->
          throw fail(
              l,
              i + 2 + n,
              "unsupported substitution '"
                  + op
                  + "' in ${"
                  + inner
                  + "} (supported: :-, :+, :?, -, +, ?)");
    }
    return close + 1;
  }

  /** The word of {@code ${VAR:-word}}, itself substituted. */
  private String expandInner(Logical l, int offset, String word, Map<String, String> env)
      throws Abandon {
    if (word.indexOf('$') < 0) {
      return word;
    }
    int[] line = new int[word.length() + 1];
    int[] col = new int[word.length() + 1];
    for (int j = 0; j <= word.length(); j++) {
      line[j] = l.line()[Math.min(offset + j, l.text().length())];
      col[j] = l.col()[Math.min(offset + j, l.text().length())];
    }
    Logical sub = new Logical(l.keyword(), l.at(), word, line, col);
    List<Word> ws = words(sub, 0, env, false);
    return ws.isEmpty() ? "" : ws.get(0).value();
  }

  /** A JSON array of strings at {@code text[from..]}, or null when the text is not one. */
  private @Nullable List<Word> jsonArray(
      Logical l, int from, @Nullable Map<String, String> env, boolean required) throws Abandon {
    String t = l.text();
    String rest = t.substring(from).strip();
    if (!rest.startsWith("[")) {
      if (required) {
        throw fail(l, from, "expected a JSON array of strings, e.g. [\"/bin/sh\", \"-c\"]");
      }
      return null;
    }
    if (!rest.endsWith("]") && !required) {
      return null; // a shell command that starts with '[' (test)
    }
    int i = t.indexOf('[', from) + 1;
    List<Word> out = new ArrayList<>();
    boolean expectValue = true;
    while (true) {
      while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
        i++;
      }
      if (i >= t.length()) {
        throw fail(l, i, "unterminated JSON array: expected ']'");
      }
      char c = t.charAt(i);
      if (c == ']' && (out.isEmpty() || !expectValue)) {
        i++;
        break;
      }
      if (expectValue) {
        if (c != '"') {
          throw fail(l, i, "expected a string in double quotes in the JSON array");
        }
        int start = i;
        StringBuilder s = new StringBuilder();
        i++;
        while (true) {
          if (i >= t.length()) {
            throw fail(l, start, "unterminated string in the JSON array");
          }
          char d = t.charAt(i);
          if (d == '"') {
            i++;
            break;
          }
          if (d == '\\') {
            if (i + 1 >= t.length()) {
              throw fail(l, i, "unterminated escape in the JSON array");
            }
            char e = t.charAt(i + 1);
            switch (e) {
              case '"', '\\', '/' -> s.append(e);
              case 'n' -> s.append('\n');
              case 't' -> s.append('\t');
              case 'r' -> s.append('\r');
              case 'b' -> s.append('\b');
              case 'f' -> s.append('\f');
              case 'u' -> {
                if (i + 6 > t.length() || !t.substring(i + 2, i + 6).matches("[0-9a-fA-F]{4}")) {
                  throw fail(l, i, "bad \\u escape in the JSON array");
                }
                s.append((char) Integer.parseInt(t.substring(i + 2, i + 6), 16));
                i += 4;
              }
              default -> throw fail(l, i, "bad escape \\" + e + " in the JSON array");
            }
            i += 2;
            continue;
          }
          s.append(d);
          i++;
        }
        String v = s.toString();
        if (env != null && v.indexOf('$') >= 0) {
          v = expandInner(l, start + 1, v, env);
        }
        out.add(new Word(v, at(l, start)));
        expectValue = false;
      } else if (c == ',') {
        expectValue = true;
        i++;
      } else {
        throw fail(l, i, "expected ',' or ']' in the JSON array");
      }
    }
    while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
      i++;
    }
    if (i < t.length()) {
      throw fail(l, i, "unexpected text after the JSON array");
    }
    return out;
  }

  /** {@code --name=value} flags at the start of the arguments; returns where the rest begins. */
  private int flags(Logical l, Map<String, Word> into, List<String> allowed, List<String> bare)
      throws Abandon {
    String t = l.text();
    int i = 0;
    while (i < t.length() && t.startsWith("--", i)) {
      int end = i;
      while (end < t.length() && !Character.isWhitespace(t.charAt(end))) {
        end++;
      }
      String flag = t.substring(i + 2, end);
      int eq = flag.indexOf('=');
      String name = eq < 0 ? flag : flag.substring(0, eq);
      if (eq < 0 && bare.contains(name)) {
        into.put(name, new Word("", at(l, i)));
      } else if (!allowed.contains(name)) {
        List<String> all = new ArrayList<>(allowed);
        all.addAll(bare);
        throw fail(
            l,
            i,
            "unsupported flag --"
                + name
                + " for "
                + l.keyword().toUpperCase(Locale.ROOT)
                + (all.isEmpty() ? "" : " (supported: --" + String.join(", --", all) + ")"));
      } else if (eq < 0 || eq == flag.length() - 1) {
        throw fail(l, i, "--" + name + " needs a value (--" + name + "=...)");
      } else {
        into.put(name, new Word(flag.substring(eq + 1), at(l, i + 3 + eq)));
      }
      i = end;
      while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
        i++;
      }
    }
    return i;
  }

  // ---------------------------------------------------------------- instructions

  /** What a stage has so far while it is parsed. */
  private static final class StageState {
    final Instruction.From from;
    final List<Instruction> instructions = new ArrayList<>();
    final Map<String, String> env;
    String workdir;
    List<String> shell;

    StageState(Instruction.From from, @Nullable StageState parent) {
      this.from = from;
      this.env = parent == null ? new HashMap<>() : new HashMap<>(parent.env);
      this.workdir = parent == null ? "/" : parent.workdir;
      this.shell = parent == null ? List.of("/bin/sh", "-c") : parent.shell;
    }
  }

  private Dockerfile parse() throws DockerfileException {
    List<Logical> logical = logicalLines();
    List<Instruction.Arg> globalArgs = new ArrayList<>();
    Map<String, String> globalEnv = new HashMap<>();
    List<StageState> done = new ArrayList<>();
    @Nullable StageState cur = null;
    Map<String, Integer> names = new HashMap<>();

    for (Logical l : logical) {
      String kw = l.keyword().toUpperCase(Locale.ROOT);
      try {
        if (kw.equals("FROM")) {
          if (cur != null) {
            done.add(cur);
          }
          cur = from(l, globalEnv, names, done);
          continue;
        }
        if (kw.equals("ARG")) {
          arg(l, cur, globalArgs, globalEnv);
          continue;
        }
        if (cur == null) {
          error(l.at(), kw + " before the first FROM (only ARG may come before FROM)");
          continue;
        }
        if (l.text().isBlank() && !kw.equals("ONBUILD")) {
          error(l.at(), kw + " needs arguments");
          continue;
        }
        instruction(l, kw, cur, names, done.size());
      } catch (Abandon ignored) {
        // recorded; go on with the next instruction so that every problem is reported
      }
    }
    if (cur != null) {
      done.add(cur);
    } else if (errors.isEmpty()) {
      error(new SourceLocation(file, 1, 1), "no FROM: a Dockerfile starts with FROM (after ARGs)");
    }
    if (!errors.isEmpty()) {
      errors.sort(
          java.util.Comparator.comparingInt((Diagnostic d) -> d.location().line())
              .thenComparingInt(d -> d.location().column()));
      throw new DockerfileException(errors, "fix the Dockerfile");
    }
    List<Dockerfile.Stage> stages = new ArrayList<>();
    for (StageState st : done) {
      stages.add(new Dockerfile.Stage(stages.size(), st.from, st.instructions));
    }
    return new Dockerfile(file, lines, globalArgs, stages);
  }

  private StageState from(
      Logical l, Map<String, String> globalEnv, Map<String, Integer> names, List<StageState> done)
      throws Abandon {
    if (l.text().isBlank()) {
      throw fail(l, 0, "FROM needs an image");
    }
    Map<String, Word> f = new LinkedHashMap<>();
    int rest = flags(l, f, List.of("platform"), List.of());
    List<Word> w = words(l, rest, globalEnv, true);
    if (w.isEmpty()) {
      throw fail(l, rest, "FROM needs an image");
    }
    String name = null;
    if (w.size() == 3 && w.get(1).value().equalsIgnoreCase("as")) {
      String n = w.get(2).value().toLowerCase(Locale.ROOT);
      if (!STAGE_NAME.matcher(n).matches()) {
        error(
            w.get(2).location(),
            "stage name '"
                + w.get(2).value()
                + "' must start with a letter and have only letters, digits, '-', '_', '.'");
      } else if (names.containsKey(n)) {
        error(w.get(2).location(), "duplicate stage name '" + n + "'");
      } else {
        name = n;
      }
    } else if (w.size() != 1) {
      error(w.get(1).location(), "expected FROM image [AS name]");
    }
    Word image = w.get(0);
    if (image.value().isEmpty()) {
      error(image.location(), "FROM names an empty image (an ARG without a value?)");
    }
    Integer parent = names.get(image.value().toLowerCase(Locale.ROOT));
    Word platform = f.get("platform");
    Instruction.From from =
        new Instruction.From(
            l.at(),
            image,
            parent == null ? -1 : parent,
            name,
            platform == null ? null : platform.value());
    if (name != null) {
      names.put(name, done.size());
    }
    return new StageState(from, parent == null ? null : done.get(parent));
  }

  private void arg(
      Logical l,
      @Nullable StageState cur,
      List<Instruction.Arg> globalArgs,
      Map<String, String> globalEnv)
      throws Abandon {
    if (l.text().isBlank()) {
      throw fail(l, 0, "ARG needs a name");
    }
    List<Word> w = words(l, 0, cur == null ? globalEnv : cur.env, true);
    for (Word a : w) {
      int eq = a.value().indexOf('=');
      String name = eq < 0 ? a.value() : a.value().substring(0, eq);
      if (!VAR_NAME.matcher(name).matches()) {
        error(a.location(), "bad ARG name '" + name + "'");
        continue;
      }
      String value =
          buildArgs.containsKey(name)
              ? buildArgs.get(name)
              : eq >= 0 ? a.value().substring(eq + 1) : cur != null ? globalEnv.get(name) : null;
      Instruction.Arg arg = new Instruction.Arg(a.location(), name, value);
      if (cur == null) {
        globalArgs.add(arg);
        if (value != null) {
          globalEnv.put(name, value);
        }
      } else {
        cur.instructions.add(arg);
        if (value != null && !cur.env.containsKey(name)) {
          cur.env.put(name, value);
        }
      }
    }
  }

  private void instruction(
      Logical l, String kw, StageState cur, Map<String, Integer> names, int stageIndex)
      throws Abandon {
    Map<String, String> env = cur.env;
    List<Instruction> out = cur.instructions;
    switch (kw) {
      case "ENV" -> {
        Map<String, String> vars = pairs(l, env, "ENV");
        env.putAll(vars);
        out.add(new Instruction.Env(l.at(), vars));
      }
      case "LABEL" -> out.add(new Instruction.Label(l.at(), pairs(l, env, "LABEL")));
      case "COPY", "ADD" -> out.add(copy(l, kw.equals("ADD"), env, cur.workdir, names, stageIndex));
      case "WORKDIR" -> {
        List<Word> w = words(l, 0, env, false);
        cur.workdir = resolve(cur.workdir, w.get(0).value().strip());
        out.add(new Instruction.Workdir(l.at(), cur.workdir));
      }
      case "USER" -> {
        List<Word> w = words(l, 0, env, true);
        if (w.size() != 1 || w.get(0).value().isEmpty()) {
          throw fail(l, 0, "USER takes one user[:group]");
        }
        out.add(new Instruction.User(l.at(), w.get(0).value()));
      }
      case "EXPOSE" -> out.add(new Instruction.Expose(l.at(), ports(l, env)));
      case "ENTRYPOINT", "CMD" -> {
        List<Word> json = jsonArray(l, 0, null, false);
        List<String> cmd;
        if (json != null) {
          cmd = json.stream().map(Word::value).toList();
        } else {
          cmd = new ArrayList<>(cur.shell);
          cmd.add(l.text());
        }
        out.add(
            kw.equals("CMD")
                ? new Instruction.Cmd(l.at(), cmd, json == null)
                : new Instruction.Entrypoint(l.at(), cmd, json == null));
      }
      case "VOLUME" -> {
        List<Word> json = jsonArray(l, 0, env, false);
        List<Word> w = json != null ? json : words(l, 0, env, true);
        List<String> paths = new ArrayList<>();
        for (Word v : w) {
          paths.add(resolve(cur.workdir, v.value()));
        }
        out.add(new Instruction.Volume(l.at(), paths));
      }
      case "SHELL" -> {
        List<Word> json = java.util.Objects.requireNonNull(jsonArray(l, 0, null, true));
        if (json.isEmpty()) {
          throw fail(l, 0, "SHELL needs at least the shell's executable");
        }
        cur.shell = json.stream().map(Word::value).toList();
        out.add(new Instruction.Shell(l.at(), cur.shell));
      }
      case "RUN" -> out.add(new Instruction.Run(l.at(), l.text()));
      case "HEALTHCHECK", "STOPSIGNAL" -> out.add(new Instruction.ConfigOnly(l.at(), kw, l.text()));
      case "MAINTAINER" ->
          error(
              l.at(),
              "MAINTAINER is deprecated and not supported: write LABEL maintainer=\""
                  + l.text().strip()
                  + "\"");
      case "ONBUILD" ->
          error(
              l.at(),
              "ONBUILD is not supported: it would run in a later build that uses this image as"
                  + " its base");
      default -> error(l.at(), "unknown instruction '" + l.keyword() + "'");
    }
  }

  private List<String> ports(Logical l, Map<String, String> env) throws Abandon {
    List<String> ports = new ArrayList<>();
    for (Word p : words(l, 0, env, true)) {
      String v = p.value().toLowerCase(Locale.ROOT);
      var m = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?(?:/(tcp|udp))?").matcher(v);
      if (!m.matches()) {
        error(p.location(), "bad port '" + p.value() + "' (PORT, PORT/tcp or PORT/udp)");
        continue;
      }
      int lo = Integer.parseInt(m.group(1));
      int hi = m.group(2) == null ? lo : Integer.parseInt(m.group(2));
      if (lo < 1 || hi > 65535 || hi < lo || hi - lo > 1024) {
        error(p.location(), "port '" + p.value() + "' is out of range (1-65535)");
        continue;
      }
      String proto = m.group(3) == null ? "tcp" : m.group(3);
      for (int port = lo; port <= hi; port++) {
        ports.add(port + "/" + proto);
      }
    }
    return ports;
  }

  /** {@code k=v k2="v 2"}, or the legacy {@code KEY value with spaces}. */
  private Map<String, String> pairs(Logical l, Map<String, String> env, String kw) throws Abandon {
    Map<String, String> out = new LinkedHashMap<>();
    List<Word> w = words(l, 0, env, true);
    if (!w.get(0).value().contains("=")) {
      // legacy form: one key, then the rest of the line as its value
      String t = l.text();
      int k = 0;
      while (k < t.length() && !Character.isWhitespace(t.charAt(k))) {
        k++;
      }
      String key = w.get(0).value();
      while (k < t.length() && Character.isWhitespace(t.charAt(k))) {
        k++;
      }
      if (k >= t.length()) {
        throw fail(l, k, kw + " " + key + " needs a value (" + kw + " " + key + "=value)");
      }
      List<Word> v = words(l, k, env, false);
      out.put(key, v.get(0).value());
      return out;
    }
    for (Word p : w) {
      int eq = p.value().indexOf('=');
      if (eq <= 0) {
        error(p.location(), "expected key=value in " + kw + ", not '" + p.value() + "'");
        continue;
      }
      out.put(p.value().substring(0, eq), p.value().substring(eq + 1));
    }
    return out;
  }

  private Instruction.Copy copy(
      Logical l,
      boolean add,
      Map<String, String> env,
      String workdir,
      Map<String, Integer> names,
      int thisStage)
      throws Abandon {
    String kw = add ? "ADD" : "COPY";
    Map<String, Word> f = new LinkedHashMap<>();
    int rest =
        add
            ? flags(l, f, List.of("chown", "chmod"), List.of("link"))
            : flags(l, f, List.of("from", "chown", "chmod"), List.of("link"));
    if (l.text().startsWith("<<", rest) || l.text().contains(" <<")) {
      throw fail(
          l,
          Math.max(rest, l.text().indexOf("<<")),
          "heredocs in " + kw + " are not supported: put the file in the build context");
    }
    List<Word> json = jsonArray(l, rest, env, false);
    List<Word> w = json != null ? json : words(l, rest, env, true);
    if (w.size() < 2) {
      throw fail(l, rest, kw + " needs at least one source and a destination");
    }
    int chmod = -1;
    Word chmodFlag = f.get("chmod");
    if (chmodFlag != null) {
      if (!chmodFlag.value().matches("[0-7]{3,4}")) {
        error(
            chmodFlag.location(),
            "--chmod takes octal permissions such as 0755, not '" + chmodFlag.value() + "'");
      } else {
        chmod = Integer.parseInt(chmodFlag.value(), 8);
      }
    }
    Word chown = f.get("chown");
    if (chown != null) {
      List<Word> cw = wordsOf(chown, env);
      chown = cw.isEmpty() ? chown : cw.get(0);
    }
    int fromStage = -1;
    Word fromImage = null;
    Word from = f.get("from");
    if (from != null) {
      String v = substitute(from, env).toLowerCase(Locale.ROOT);
      Integer named = names.get(v);
      if (named != null) {
        fromStage = named;
      } else if (v.matches("\\d+")) {
        int n = Integer.parseInt(v.length() > 6 ? "999999" : v);
        if (n >= thisStage) {
          error(
              from.location(),
              "--from="
                  + v
                  + " names this stage or a later one; a COPY reads "
                  + "only from an earlier stage");
        } else {
          fromStage = n;
        }
      } else {
        fromImage = new Word(v, from.location());
      }
    }
    Word dest = w.get(w.size() - 1);
    String d = dest.value();
    String resolved = resolve(workdir, d);
    if ((d.endsWith("/") || d.equals(".")) && !resolved.endsWith("/")) {
      resolved = resolved + "/";
    }
    List<Word> sources = w.subList(0, w.size() - 1);
    for (Word s : sources) {
      if (s.value().isEmpty()) {
        error(s.location(), kw + " source is empty (an ARG without a value?)");
      }
    }
    return new Instruction.Copy(
        l.at(),
        add,
        sources,
        new Word(resolved, dest.location()),
        fromStage,
        fromImage,
        chown,
        chmod);
  }

  private String substitute(Word w, Map<String, String> env) throws Abandon {
    List<Word> ws = wordsOf(w, env);
    return ws.isEmpty() ? "" : ws.get(0).value();
  }

  private List<Word> wordsOf(Word w, Map<String, String> env) throws Abandon {
    String v = w.value();
    int[] line = new int[v.length() + 1];
    int[] col = new int[v.length() + 1];
    for (int j = 0; j <= v.length(); j++) {
      line[j] = w.location().line();
      col[j] = w.location().column() + j;
    }
    return words(new Logical("", w.location(), v, line, col), 0, env, false);
  }

  /** {@code path} made absolute against {@code dir}, normalized ({@code .} and {@code ..}). */
  static String resolve(String dir, String path) {
    String p = path.startsWith("/") ? path : (dir.endsWith("/") ? dir : dir + "/") + path;
    List<String> parts = new ArrayList<>();
    for (String s : p.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else {
        parts.add(s);
      }
    }
    return "/" + String.join("/", parts);
  }
}
