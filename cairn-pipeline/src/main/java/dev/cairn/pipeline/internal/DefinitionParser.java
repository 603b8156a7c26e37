package dev.cairn.pipeline.internal;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.Digest;
import dev.cairn.core.SourceLocation;
import dev.cairn.core.Text;
import dev.cairn.core.Yaml;
import dev.cairn.core.YamlNode;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code .cairn/pipeline.yaml}. Every problem becomes a diagnostic at its line; nothing is
 * skipped or guessed.
 */
public final class DefinitionParser {
  /** A pipeline file is small; this is far above any real one. */
  public static final long MAX_CHARS = 256 * 1024;

  public static final int MAX_STEPS = 64;
  static final Duration MAX_TIMEOUT = Duration.ofHours(24);
  static final int MAX_RETRIES = 10;

  private static final Set<String> TOP =
      Set.of("name", "triggers", "concurrency", "retention", "env", "steps");
  private static final Set<String> STEP_FIELDS =
      Set.of("name", "timeout", "retries", "backoff", "env", "secrets");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,126}");

  /** Environment variable names that say they hold a secret: such values go under secrets. */
  private static final Pattern SECRET_LIKE =
      Pattern.compile(
          "(?i).*(password|passwd|secret|token|api_?key|private_?key|credential|auth).*");

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Pattern TEMPLATE_VAR = Pattern.compile("\\$\\{([^}]*)}");
  private static final Set<String> KEY_VARS = Set.of("repository", "branch", "ref", "pipeline");

  enum Type {
    STRING,
    STRING_LIST,
    STRING_MAP,
    BOOLEAN
  }

  record Param(Type type, boolean required) {}

  /** Each implemented kind's parameters. */
  static final Map<StepKind, Map<String, Param>> PARAMS =
      Map.ofEntries(
          Map.entry(StepKind.CHECKOUT, Map.of()),
          Map.entry(
              StepKind.BUILD,
              Map.of(
                  "dockerfile", new Param(Type.STRING, false),
                  "context", new Param(Type.STRING, false),
                  "target", new Param(Type.STRING, false),
                  "args", new Param(Type.STRING_MAP, false),
                  "baseImage", new Param(Type.STRING, false),
                  "mainClass", new Param(Type.STRING, false),
                  "layout", new Param(Type.STRING, false),
                  "wrapperArgs", new Param(Type.STRING_LIST, false))),
          Map.entry(
              StepKind.SCAN,
              Map.of(
                  "manifests", new Param(Type.STRING_LIST, false),
                  "framework", new Param(Type.STRING, false),
                  "failOn", new Param(Type.STRING, false))),
          Map.entry(
              StepKind.PUSH,
              Map.of(
                  "registry", new Param(Type.STRING, false),
                  "repository", new Param(Type.STRING, false),
                  "caCertificate", new Param(Type.STRING, false),
                  "plainHttp", new Param(Type.BOOLEAN, false),
                  "insecure", new Param(Type.BOOLEAN, false))),
          Map.entry(StepKind.SBOM, Map.of("output", new Param(Type.STRING, false))),
          Map.entry(
              StepKind.SIGN,
              Map.of(
                  "attested", new Param(Type.BOOLEAN, false),
                  "attestation", new Param(Type.STRING, false))),
          Map.entry(
              StepKind.DEPLOY,
              Map.of(
                  "target", new Param(Type.STRING, false),
                  "namespace", new Param(Type.STRING, false),
                  "manifests", new Param(Type.STRING_LIST, false))),
          Map.entry(
              StepKind.ENCLAVE,
              Map.of(
                  "attestation", new Param(Type.STRING, true),
                  "platform", new Param(Type.STRING, true),
                  "runtimeClassName", new Param(Type.STRING, false),
                  "tee", new Param(Type.STRING, false),
                  "namespace", new Param(Type.STRING, false),
                  "manifests", new Param(Type.STRING_LIST, false),
                  "agentImage", new Param(Type.STRING, false))),
          Map.entry(
              StepKind.VULN_GATE,
              Map.of(
                  "sbom", new Param(Type.STRING, false),
                  "failOn", new Param(Type.STRING, false),
                  "waivers", new Param(Type.STRING, false),
                  "maxDbAge", new Param(Type.STRING, false))),
          Map.entry(
              StepKind.RUN,
              Map.of(
                  "command", new Param(Type.STRING_LIST, true),
                  "image", new Param(Type.STRING, false),
                  "workdir", new Param(Type.STRING, false))));

  private final String file;
  private final String text;
  private final List<String> lines;
  private final List<Diagnostic> diags = new ArrayList<>();

  private DefinitionParser(String file, String text) {
    this.file = file;
    this.text = text;
    this.lines = text.lines().toList();
  }

  /** Parses a pipeline file named {@code file} (as shown in errors) with content {@code text}. */
  public static PipelineDefinition parse(String file, String text, String source)
      throws PipelineException {
    return new DefinitionParser(file, text).run(source);
  }

  private PipelineDefinition run(String source) throws PipelineException {
    Yaml.Document d;
    try {
      d = Yaml.parseDocument(file, text, 0, Yaml.Limits.defaults().withMaxDocumentChars(MAX_CHARS));
    } catch (Yaml.YamlSyntaxException e) {
      throw new PipelineException(e.diagnostics());
    }
    YamlNode root = d.node();
    if (!(root instanceof YamlNode.Mapping top)) {
      err(root, "a pipeline file is a mapping with 'steps' (and optionally name, triggers, …)");
      throw new PipelineException(diags);
    }
    unknownFields(
        top,
        TOP,
        "at the top of a pipeline file",
        "name, triggers, concurrency, retention, env, steps");
    String name = "pipeline";
    YamlNode nameNode = top.get("name").orElse(null);
    if (nameNode != null) {
      String n = scalar(nameNode, "name");
      if (n != null) {
        if (NAME.matcher(n).matches()) {
          name = n;
        } else {
          err(
              nameNode,
              "name '"
                  + Text.escape(n)
                  + "' must be lower case letters, digits, '.', '-' or '_' (at most 63)");
        }
      }
    }
    PipelineDefinition.Triggers triggers = triggers(top.get("triggers").orElse(null));
    PipelineDefinition.Concurrency concurrency = concurrency(top.get("concurrency").orElse(null));
    PipelineDefinition.Retention retention = retention(top.get("retention").orElse(null));
    Map<String, String> env = env(top.get("env").orElse(null));
    List<StepSpec> steps = new ArrayList<>();
    YamlNode stepsNode = top.get("steps").orElse(null);
    if (stepsNode == null) {
      err(
          root,
          "a pipeline needs 'steps' (a list; leave the file out to get the default pipeline)");
    } else if (!(stepsNode instanceof YamlNode.Sequence seq)) {
      err(stepsNode, "'steps' must be a list of steps");
    } else if (seq.items().isEmpty()) {
      err(stepsNode, "'steps' is empty: a pipeline needs at least one step");
    } else {
      if (seq.items().size() > MAX_STEPS) {
        err(seq.items().get(MAX_STEPS), "a pipeline has at most " + MAX_STEPS + " steps");
      }
      Map<String, YamlNode> names = new HashMap<>();
      for (YamlNode s : seq.items()) {
        StepSpec spec = step(s);
        if (spec != null) {
          YamlNode first = names.putIfAbsent(spec.name(), s);
          if (first != null) {
            err(
                s,
                "a second step named '"
                    + spec.name()
                    + "' (the first is at line "
                    + first.line()
                    + "); give each step its own 'name'");
          }
          steps.add(spec);
        }
      }
    }
    if (!diags.isEmpty()) {
      throw new PipelineException(sorted());
    }
    return new PipelineDefinition(
        name, triggers, concurrency, retention, env, steps, source, Digest.sha256(text), text);
  }

  private PipelineDefinition.Triggers triggers(@Nullable YamlNode n) {
    if (n == null) {
      return PipelineDefinition.Triggers.defaults();
    }
    if (!(n instanceof YamlNode.Mapping m)) {
      err(n, "'triggers' must be a mapping with branches, tags and paths");
      return PipelineDefinition.Triggers.defaults();
    }
    unknownFields(m, Set.of("branches", "tags", "paths"), "in 'triggers'", "branches, tags, paths");
    List<String> branches = globs(m, "branches", List.of("**"));
    List<String> tags = globs(m, "tags", List.of());
    List<String> paths = globs(m, "paths", List.of());
    return new PipelineDefinition.Triggers(branches, tags, paths);
  }

  private List<String> globs(YamlNode.Mapping m, String key, List<String> fallback) {
    YamlNode n = m.get(key).orElse(null);
    if (n == null) {
      return fallback;
    }
    List<String> out = stringList(n, key);
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).isEmpty()) {
        err(
            ((YamlNode.Sequence) n).items().get(i),
            "an empty pattern in '" + key + "' matches nothing");
      }
    }
    return out;
  }

  private PipelineDefinition.Concurrency concurrency(@Nullable YamlNode n) {
    PipelineDefinition.Concurrency d = PipelineDefinition.Concurrency.defaults();
    if (n == null) {
      return d;
    }
    if (!(n instanceof YamlNode.Mapping m)) {
      err(n, "'concurrency' must be a mapping with key and mode");
      return d;
    }
    unknownFields(m, Set.of("key", "mode"), "in 'concurrency'", "key, mode");
    String key = d.key();
    YamlNode kn = m.get("key").orElse(null);
    if (kn != null) {
      String k = scalar(kn, "key");
      if (k != null) {
        Matcher v = TEMPLATE_VAR.matcher(k);
        boolean ok = true;
        while (v.find()) {
          if (!KEY_VARS.contains(v.group(1))) {
            err(
                kn,
                "unknown variable '${"
                    + Text.escape(v.group(1))
                    + "}' in the concurrency key (known: ${repository}, ${branch}, ${ref}, ${pipeline})");
            ok = false;
          }
        }
        if (k.isBlank()) {
          err(kn, "the concurrency key must not be empty");
        } else if (ok) {
          key = k;
        }
      }
    }
    PipelineDefinition.ConcurrencyMode mode = d.mode();
    YamlNode mn = m.get("mode").orElse(null);
    if (mn != null) {
      String s = scalar(mn, "mode");
      if (s != null) {
        PipelineDefinition.ConcurrencyMode found = null;
        for (PipelineDefinition.ConcurrencyMode cm : PipelineDefinition.ConcurrencyMode.values()) {
          if (cm.id().equals(s)) {
            found = cm;
          }
        }
        if (found == null) {
          err(mn, "unknown concurrency mode '" + Text.escape(s) + "' (queue or cancel-superseded)");
        } else {
          mode = found;
        }
      }
    }
    return new PipelineDefinition.Concurrency(key, mode);
  }

  private PipelineDefinition.Retention retention(@Nullable YamlNode n) {
    PipelineDefinition.Retention d = PipelineDefinition.Retention.defaults();
    if (n == null) {
      return d;
    }
    if (!(n instanceof YamlNode.Mapping m)) {
      err(n, "'retention' must be a mapping with keepSuccessful and keepFailed");
      return d;
    }
    unknownFields(
        m, Set.of("keepSuccessful", "keepFailed"), "in 'retention'", "keepSuccessful, keepFailed");
    int ok = count(m, "keepSuccessful", d.keepSuccessful(), 1, 100_000);
    int failed = count(m, "keepFailed", d.keepFailed(), 1, 100_000);
    return new PipelineDefinition.Retention(ok, failed);
  }

  private int count(YamlNode.Mapping m, String key, int fallback, int min, int max) {
    YamlNode n = m.get(key).orElse(null);
    if (n == null) {
      return fallback;
    }
    if (n instanceof YamlNode.Scalar s && s.value() instanceof Long l && l >= min && l <= max) {
      return (int) (long) l;
    }
    err(n, "'" + key + "' must be a whole number from " + min + " to " + max);
    return fallback;
  }

  private Map<String, String> env(@Nullable YamlNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null) {
      return out;
    }
    if (!(n instanceof YamlNode.Mapping m)) {
      err(n, "'env' must be a mapping of variable names to values");
      return out;
    }
    for (YamlNode.Entry e : m.entries()) {
      String k = e.key() instanceof YamlNode.Scalar ks ? ks.text() : "";
      if (!ENV_NAME.matcher(k).matches()) {
        err(e.key(), "'" + Text.escape(k) + "' is not an environment variable name");
        continue;
      }
      if (k.startsWith("CAIRN_")) {
        err(e.key(), "variables named CAIRN_… are set by Cairn itself");
        continue;
      }
      if (SECRET_LIKE.matcher(k).matches()) {
        err(
            e.key(),
            "'"
                + k
                + "' looks like a secret: env values are stored in run records and shown in logs;"
                + " name it under a step's 'secrets' instead, and give its value to Cairn");
        continue;
      }
      if (!(e.value() instanceof YamlNode.Scalar vs)) {
        err(e.value(), "the value of '" + k + "' must be a string");
        continue;
      }
      out.put(k, vs.text());
    }
    return out;
  }

  private Map<String, String> secrets(@Nullable YamlNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null) {
      return out;
    }
    if (n instanceof YamlNode.Sequence seq) {
      // a list of secret names: each in the variable of its name in upper snake case
      for (YamlNode item : seq.items()) {
        String ref = scalar(item, "secrets");
        if (ref != null && secretRef(item, ref)) {
          String var = ref.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
          if (out.put(var, ref) != null) {
            err(item, "secret variable " + var + " is given twice");
          }
        }
      }
      return out;
    }
    if (!(n instanceof YamlNode.Mapping m)) {
      err(n, "'secrets' is a list of secret names, or a mapping of variable names to secret names");
      return out;
    }
    for (YamlNode.Entry e : m.entries()) {
      String k = e.key() instanceof YamlNode.Scalar ks ? ks.text() : "";
      if (!ENV_NAME.matcher(k).matches()) {
        err(e.key(), "'" + Text.escape(k) + "' is not an environment variable name");
        continue;
      }
      String ref = scalar(e.value(), k);
      if (ref != null && secretRef(e.value(), ref)) {
        out.put(k, ref);
      }
    }
    return out;
  }

  private boolean secretRef(YamlNode n, String ref) {
    if (SECRET_NAME.matcher(ref).matches()) {
      return true;
    }
    err(
        n,
        "secrets are named, not written here: '"
            + (ref.length() > 12 ? "…" : Text.escape(ref))
            + "' is not a secret name (lower case letters, digits, '.', '-', '_')");
    return false;
  }

  private @Nullable StepSpec step(YamlNode n) {
    if (n instanceof YamlNode.Scalar s) {
      StepKind k = kind(s, s.text(), true);
      if (k == null) {
        return null;
      }
      List<String> required = new ArrayList<>();
      PARAMS
          .getOrDefault(k, Map.of())
          .forEach(
              (name, p) -> {
                if (p.required()) {
                  required.add("'" + name + "'");
                }
              });
      if (!required.isEmpty()) {
        java.util.Collections.sort(required);
        err(s, "a '" + k.id() + "' step needs " + String.join(" and ", required));
        return null;
      }
      return new StepSpec(
          k.id(),
          k,
          Map.of(),
          PipelineDefinition.DEFAULT_TIMEOUT,
          k.network() ? 2 : 0,
          Duration.ofSeconds(2),
          Map.of(),
          Map.of(),
          s.location(file));
    }
    if (!(n instanceof YamlNode.Mapping m)) {
      err(
          n,
          "a step is a kind (e.g. '- checkout') or a mapping with one kind (e.g. '- run: {command: [make]}')");
      return null;
    }
    StepKind kind = null;
    YamlNode kindKey = null;
    YamlNode paramsNode = null;
    boolean kindError = false;
    for (YamlNode.Entry e : m.entries()) {
      String k = e.key() instanceof YamlNode.Scalar ks ? ks.text() : "";
      if (STEP_FIELDS.contains(k)) {
        continue;
      }
      StepKind found = kind(e.key(), k, false);
      if (found == null) {
        kindError = true;
        continue;
      }
      if (kind != null && kindKey != null) {
        err(
            e.key(),
            "a step has one kind, and this one already is '"
                + kind.id()
                + "' (line "
                + kindKey.line()
                + "); make '"
                + found.id()
                + "' a step of its own");
        kindError = true;
        continue;
      }
      kind = found;
      kindKey = e.key();
      paramsNode = e.value();
    }
    if (kind == null) {
      if (!kindError) {
        err(n, "a step needs a kind: one of " + implementedKinds());
      }
      return null;
    }
    Map<String, Object> params = params(kind, paramsNode, kindKey);
    String name = kind.id();
    YamlNode nameNode = m.get("name").orElse(null);
    if (nameNode != null) {
      String s = scalar(nameNode, "name");
      if (s != null) {
        if (NAME.matcher(s).matches()) {
          name = s;
        } else {
          err(
              nameNode,
              "step name '"
                  + Text.escape(s)
                  + "' must be lower case letters, digits, '.', '-' or '_' (at most 63)");
        }
      }
    }
    Duration timeout = PipelineDefinition.DEFAULT_TIMEOUT;
    YamlNode tn = m.get("timeout").orElse(null);
    if (tn != null) {
      Duration t = duration(tn, "timeout");
      if (t != null) {
        if (t.compareTo(Duration.ofSeconds(1)) < 0 || t.compareTo(MAX_TIMEOUT) > 0) {
          err(tn, "timeout must be from 1s to 24h");
        } else {
          timeout = t;
        }
      }
    }
    int retries = kind.network() ? 2 : 0;
    YamlNode rn = m.get("retries").orElse(null);
    if (rn != null) {
      if (rn instanceof YamlNode.Scalar rs
          && rs.value() instanceof Long l
          && l >= 0
          && l <= MAX_RETRIES) {
        retries = (int) (long) l;
      } else {
        err(rn, "retries must be a whole number from 0 to " + MAX_RETRIES);
      }
    }
    Duration backoff = Duration.ofSeconds(2);
    YamlNode bn = m.get("backoff").orElse(null);
    if (bn != null) {
      Duration b = duration(bn, "backoff");
      if (b != null) {
        if (b.compareTo(StepSpec.MAX_BACKOFF) > 0) {
          err(bn, "backoff must be at most 5m");
        } else {
          backoff = b;
        }
      }
    }
    Map<String, String> env = env(m.get("env").orElse(null));
    Map<String, String> secrets = secrets(m.get("secrets").orElse(null));
    for (String var : secrets.keySet()) {
      if (env.containsKey(var)) {
        err(m.get("secrets").orElse(n), "variable " + var + " is both in env and in secrets");
      }
    }
    return new StepSpec(
        name, kind, params, timeout, retries, backoff, env, secrets, n.location(file));
  }

  private Map<String, Object> params(StepKind kind, @Nullable YamlNode n, @Nullable YamlNode at) {
    Map<String, Param> spec = PARAMS.getOrDefault(kind, Map.of());
    Map<String, Object> out = new LinkedHashMap<>();
    YamlNode.Mapping m;
    if (n == null || (n instanceof YamlNode.Scalar s && s.value() == null)) {
      m = null;
    } else if (n instanceof YamlNode.Mapping mm) {
      m = mm;
    } else {
      err(
          n,
          "the parameters of a '"
              + kind.id()
              + "' step are a mapping"
              + (spec.isEmpty()
                  ? " (it has none: write '{}')"
                  : " (" + String.join(", ", new java.util.TreeSet<>(spec.keySet())) + ")"));
      return out;
    }
    if (m != null) {
      for (YamlNode.Entry e : m.entries()) {
        String k = e.key() instanceof YamlNode.Scalar ks ? ks.text() : "";
        Param p = spec.get(k);
        if (p == null) {
          err(
              e.key(),
              "unknown parameter '"
                  + Text.escape(k)
                  + "' of a '"
                  + kind.id()
                  + "' step"
                  + (spec.isEmpty()
                      ? " (it has none)"
                      : " (known: "
                          + String.join(", ", new java.util.TreeSet<>(spec.keySet()))
                          + ")"));
          continue;
        }
        Object v = typed(e.value(), k, p.type());
        if (v != null) {
          out.put(k, v);
        }
      }
    }
    for (Map.Entry<String, Param> p : spec.entrySet()) {
      if (p.getValue().required()
          && !out.containsKey(p.getKey())
          && (m == null || m.get(p.getKey()).isEmpty())) {
        err(
            n == null || m == null ? at : n,
            "a '" + kind.id() + "' step needs '" + p.getKey() + "'");
      }
    }
    if (kind == StepKind.RUN && out.get("command") instanceof List<?> l && l.isEmpty()) {
      err(Yaml.find(m, "command"), "'command' must name a program: it is empty");
    }
    if (kind == StepKind.BUILD
        && out.get("layout") instanceof String layout
        && !layout.equals("classes")
        && !layout.equals("jar")) {
      err(
          Yaml.find(m, "layout"),
          "'layout' of a Java image is 'classes' (dependencies, resources and classes layers) or"
              + " 'jar' (java -jar), not '"
              + Text.escape(layout)
              + "'");
    }
    if (kind == StepKind.PUSH
        && out.containsKey("caCertificate")
        && (Boolean.TRUE.equals(out.get("plainHttp"))
            || Boolean.TRUE.equals(out.get("insecure")))) {
      err(
          Yaml.find(m, "caCertificate"),
          "a registry reached over plain HTTP has no certificate: drop plainHttp/insecure for a"
              + " registry that serves TLS, or caCertificate for one that does not");
    }
    return out;
  }

  private @Nullable Object typed(YamlNode n, String key, Type t) {
    return switch (t) {
      case STRING -> scalar(n, key);
      case BOOLEAN -> {
        if (n instanceof YamlNode.Scalar s && s.value() instanceof Boolean b) {
          yield b;
        }
        err(n, "'" + key + "' must be true or false");
        yield null;
      }
      case STRING_LIST -> n instanceof YamlNode.Sequence ? stringList(n, key) : listError(n, key);
      case STRING_MAP -> {
        if (!(n instanceof YamlNode.Mapping m)) {
          err(n, "'" + key + "' must be a mapping of names to strings");
          yield null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (YamlNode.Entry e : m.entries()) {
          String k = e.key() instanceof YamlNode.Scalar ks ? ks.text() : "";
          if (SECRET_LIKE.matcher(k).matches()) {
            err(
                e.key(),
                "'"
                    + Text.escape(k)
                    + "' looks like a secret: build arguments end up in the image; name it under 'secrets' instead");
            continue;
          }
          String v = scalar(e.value(), k);
          if (v != null) {
            out.put(k, v);
          }
        }
        yield out;
      }
    };
  }

  private @Nullable Object listError(YamlNode n, String key) {
    err(n, "'" + key + "' must be a list of strings");
    return null;
  }

  private List<String> stringList(YamlNode n, String key) {
    if (!(n instanceof YamlNode.Sequence seq)) {
      err(n, "'" + key + "' must be a list of strings");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (YamlNode item : seq.items()) {
      if (item instanceof YamlNode.Scalar s && s.value() != null) {
        out.add(s.text());
      } else {
        err(item, "each item of '" + key + "' must be a string");
      }
    }
    return out;
  }

  private @Nullable Duration duration(YamlNode n, String key) {
    String s = n instanceof YamlNode.Scalar sc ? sc.text().strip() : "";
    Matcher m = DURATION.matcher(s);
    Duration d = Duration.ZERO;
    int pos = 0;
    while (m.find() && m.start() == pos) {
      long v = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(v);
                case "s" -> Duration.ofSeconds(v);
                case "m" -> Duration.ofMinutes(v);
                default -> Duration.ofHours(v);
              });
      pos = m.end();
    }
    if (s.isEmpty() || pos != s.length()) {
      err(n, "'" + key + "' must be a duration such as 90s, 10m or 1h30m");
      return null;
    }
    return d;
  }

  private @Nullable StepKind kind(YamlNode at, String id, boolean scalarStep) {
    StepKind k = StepKind.of(id).orElse(null);
    if (k == null) {
      String near = nearest(id);
      err(
          at,
          (scalarStep ? "unknown step kind '" : "unknown field '")
              + Text.escape(id)
              + "' in a step"
              + (near == null ? "" : " (did you mean '" + near + "'?)")
              + "; a step has one kind ("
              + implementedKinds()
              + ")"
              + (scalarStep ? "" : " and may have name, timeout, retries, backoff, env, secrets"));
      return null;
    }
    if (!k.implemented()) {
      err(
          at,
          "step kind '"
              + k.id()
              + "' is not implemented in this version of Cairn; remove the step (a pipeline"
              + " naming it is refused, never run without it)");
      return null;
    }
    return k;
  }

  private static String implementedKinds() {
    return java.util.Arrays.stream(StepKind.values())
        .filter(StepKind::implemented)
        .map(StepKind::id)
        .collect(Collectors.joining(", "));
  }

  /** The step kind or field closest to {@code id}, within two edits. */
  private static @Nullable String nearest(String id) {
    String best = null;
    int bestD = 3;
    List<String> names = new ArrayList<>(STEP_FIELDS);
    for (StepKind k : StepKind.values()) {
      names.add(k.id());
    }
    for (String n : names) {
      int d = distance(id.toLowerCase(Locale.ROOT), n);
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private void unknownFields(YamlNode.Mapping m, Set<String> known, String where, String list) {
    for (YamlNode.Entry e : m.entries()) {
      String k = e.key() instanceof YamlNode.Scalar ks ? ks.text() : "";
      if (!known.contains(k)) {
        err(e.key(), "unknown field '" + Text.escape(k) + "' " + where + " (known: " + list + ")");
      }
    }
  }

  private @Nullable String scalar(YamlNode n, String key) {
    if (n instanceof YamlNode.Scalar s && s.value() != null) {
      return s.text();
    }
    err(n, "'" + key + "' must be a string");
    return null;
  }

  /** The diagnostics in file order (a missing field is found after what follows it). */
  private List<Diagnostic> sorted() {
    List<Diagnostic> out = new ArrayList<>(diags);
    out.sort(
        java.util.Comparator.comparingInt((Diagnostic d) -> d.location().line())
            .thenComparingInt(d -> d.location().column()));
    return out;
  }

  private void err(@Nullable YamlNode n, String message) {
    int line = n == null ? 1 : n.line();
    int col = n == null ? 1 : n.column();
    diags.add(
        new Diagnostic(
            new SourceLocation(file, line, col),
            message,
            line >= 1 && line <= lines.size() ? lines.get(line - 1) : null));
  }
}
