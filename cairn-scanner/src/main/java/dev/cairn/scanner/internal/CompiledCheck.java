package dev.cairn.scanner.internal;

import dev.cairn.core.SourceLocation;
import dev.cairn.scanner.Check;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A check with its CEL programs compiled once; evaluation is thread-safe. */
public final class CompiledCheck {
  /** A CEL compile error at a 0-based offset into the expression. */
  public record CelError(int offset, String message) {}

  /**
   * The verdict on one object (a pass is no verdict). {@code blame} says which containers the
   * failure lies in, or the pod-level field; empty when nothing narrower than the object explains
   * it.
   */
  public record Verdict(boolean error, String message, List<Blame> blame) {
    public Verdict {
      blame = List.copyOf(blame);
    }

    Verdict(boolean error, String message) {
      this(error, message, List.of());
    }
  }

  /**
   * Where in the object a failure lies: a container (by name) and a field path, either may be
   * unknown.
   */
  public record Blame(@Nullable String container, @Nullable String path) {}

  private static final List<String> CONTAINER_LISTS =
      List.of("containers", "initContainers", "ephemeralContainers");

  private final Check check;
  private final boolean podSpec;
  private final CelRuntime.Program[] validations;
  private final Map<String, CelRuntime.Program> variables;
  private final @Nullable Object params;

  private CompiledCheck(
      Check check,
      boolean podSpec,
      CelRuntime.Program[] validations,
      Map<String, CelRuntime.Program> variables,
      @Nullable Object params) {
    this.check = check;
    this.podSpec = podSpec;
    this.validations = validations;
    this.variables = variables;
    this.params = params;
  }

  public Check check() {
    return check;
  }

  public boolean usesPodSpec() {
    return podSpec;
  }

  private static CelCompiler compilerFor(Check check) {
    return CelEnv.compiler(
        check.matchesPodSpec(),
        !check.variables().isEmpty(),
        !check.params().isEmpty(),
        check.collections());
  }

  /** Every compile error of one expression of {@code check}; empty when it compiles. */
  public static List<CelError> compileErrors(Check check, String expression, boolean mustBeBool) {
    List<CelError> out = new ArrayList<>();
    try {
      CelAbstractSyntaxTree ast = compilerFor(check).compile(expression).getAst();
      if (mustBeBool && !ast.getResultType().equals(SimpleType.BOOL)) {
        out.add(
            new CelError(
                0,
                "validation must evaluate to bool, not "
                    + ast.getResultType().name()
                    + " (perhaps compare it, e.g. '== true')"));
      }
    } catch (CelValidationException e) {
      List<Integer> lineStarts = lineStarts(expression);
      for (CelIssue issue : e.getErrors()) {
        int line = Math.max(1, issue.getSourceLocation().getLine());
        int col = Math.max(0, issue.getSourceLocation().getColumn());
        int offset =
            line - 1 < lineStarts.size() ? lineStarts.get(line - 1) + col : expression.length();
        out.add(new CelError(offset, "CEL: " + firstLine(issue.getMessage())));
      }
    }
    return out;
  }

  private static String firstLine(String s) {
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  private static List<Integer> lineStarts(String s) {
    List<Integer> out = new ArrayList<>();
    out.add(0);
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        out.add(i + 1);
      }
    }
    return out;
  }

  /** Compiles a loaded check. Loaded checks compiled once already, so failure here is a bug. */
  public static CompiledCheck compile(Check check) {
    if (check.isManual()) {
      return new CompiledCheck(check, false, new CelRuntime.Program[0], Map.of(), null);
    }
    CelCompiler compiler = compilerFor(check);
    CelRuntime runtime = CelEnv.runtime();
    try {
      CelRuntime.Program[] vals = new CelRuntime.Program[check.validations().size()];
      for (int i = 0; i < vals.length; i++) {
        vals[i] =
            runtime.createProgram(
                compiler.compile(check.validations().get(i).expression()).getAst());
      }
      Map<String, CelRuntime.Program> vars = new LinkedHashMap<>();
      for (Check.Variable v : check.variables()) {
        vars.put(v.name(), runtime.createProgram(compiler.compile(v.expression()).getAst()));
      }
      Object params = check.params().isEmpty() ? null : marvinNumbers(check.params());
      return new CompiledCheck(check, check.matchesPodSpec(), vals, vars, params);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException(
          "check " + check.id() + " does not compile: " + e.getMessage(), e);
    }
  }

  /** Marvin reads params through JSON into Go float64, so every number in params is a double. */
  static Object marvinNumbers(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), marvinNumbers(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(marvinNumbers(o));
      }
      return out;
    }
    if (v instanceof Long l) {
      return l.doubleValue();
    }
    return v;
  }

  /** Evaluates the validations in order; the first false fails, an error makes it an error. */
  public @Nullable Verdict evaluate(ObjectContext ctx) {
    Activation act = new Activation(ctx);
    for (int i = 0; i < validations.length; i++) {
      Object out;
      try {
        out = validations[i].eval(act);
      } catch (CelEvaluationException e) {
        String m = located(cleanMessage(e), check.validations().get(i));
        return new Verdict(true, m.startsWith("evaluation error") ? m : "evaluation error: " + m);
      } catch (VariableException e) {
        return new Verdict(true, "evaluation error: " + e.getMessage());
      } catch (RuntimeException e) {
        return new Verdict(true, "evaluation error: " + e);
      }
      if (!Boolean.TRUE.equals(out)) {
        String msg = check.validations().get(i).message();
        return new Verdict(
            false, msg == null || msg.isBlank() ? check.message() : msg, blame(ctx, i));
      }
    }
    return null;
  }

  /**
   * Which part of a pod-spec object makes validation {@code i} fail: the validation is evaluated
   * again on copies of the object that keep no container (then the pod itself fails it), or one
   * container each (then each container that fails it is to blame). Check files need not say
   * anything for this, so Marvin's own checks name their containers too; a validation's {@code
   * path} adds the field. Evaluation errors on a copy blame nothing.
   */
  @SuppressWarnings("unchecked")
  private List<Blame> blame(ObjectContext ctx, int i) {
    if (!podSpec) {
      return List.of();
    }
    List<String> template =
        dev.cairn.scanner.Kinds.byKind(ctx.group, ctx.kind)
            .map(k -> k.podSpecPath().equals(List.of("")) ? List.<String>of() : k.podSpecPath())
            .orElse(null);
    Map<String, Object> tmpl = dev.cairn.scanner.Kinds.podTemplate(ctx.group, ctx.kind, ctx.object);
    if (template == null || tmpl == null || !(tmpl.get("spec") instanceof Map<?, ?> rawSpec)) {
      return List.of();
    }
    Map<String, Object> spec = (Map<String, Object>) rawSpec;
    String prefix = String.join(".", template) + (template.isEmpty() ? "spec" : ".spec");
    String declared = check.validations().get(i).path();
    if (failsOn(ctx.narrowed(template, spec, null, -1), i)) {
      return List.of(new Blame(null, declared == null ? null : prefix + "." + declared));
    }
    List<Blame> out = new ArrayList<>();
    for (String key : CONTAINER_LISTS) {
      if (!(spec.get(key) instanceof List<?> list)) {
        continue;
      }
      for (int j = 0; j < list.size(); j++) {
        if (list.get(j) instanceof Map<?, ?> c
            && failsOn(ctx.narrowed(template, spec, key, j), i)) {
          out.add(
              new Blame(
                  c.get("name") instanceof String n ? n : null,
                  prefix + "." + key + "[" + j + "]" + (declared == null ? "" : "." + declared)));
        }
      }
    }
    return out;
  }

  /** True when validation {@code i} is false on {@code ctx}; errors count as not failing. */
  private boolean failsOn(ObjectContext ctx, int i) {
    try {
      return !Boolean.TRUE.equals(validations[i].eval(new Activation(ctx)));
    } catch (CelEvaluationException | RuntimeException e) {
      return false;
    }
  }

  private static final java.util.regex.Pattern INPUT =
      java.util.regex.Pattern.compile("(?: at)? <input>:(\\d+)(?::(\\d+))?:?");

  /**
   * CEL names the place of an error {@code <input>:OFFSET}, an offset in the expression; say
   * instead where that is in the check file ({@code checks/x.yaml:25:14}).
   */
  static String located(String message, Check.Validation v) {
    java.util.regex.Matcher m = INPUT.matcher(message);
    if (!m.find()) {
      return message;
    }
    String expr = v.expression();
    int offset = Math.min(Integer.parseInt(m.group(1)), expr.length());
    SourceLocation at = v.location();
    int nl = expr.lastIndexOf('\n', Math.max(0, offset - 1));
    String where;
    if (at.line() == 0) {
      where = at.file();
    } else if (nl < 0 && !expr.contains("\n")) {
      // a one-line expression: its column in the file, past the quote of a quoted scalar
      where = new SourceLocation(at.file(), at.line(), at.column() + offset).toString();
    } else {
      // a block: the expression's lines start on the line after the indicator
      long line =
          at.line()
              + 1
              + expr.substring(0, Math.max(0, offset)).chars().filter(c -> c == '\n').count();
      where = at.file() + ":" + line;
    }
    String rest = message.substring(m.end()).stripLeading();
    String before = message.substring(0, m.start()).stripTrailing();
    return (before.isEmpty() ? "" : before + " ") + "at " + where + ": " + rest;
  }

  private static String cleanMessage(Exception e) {
    String m = String.valueOf(e.getMessage());
    if (e.getCause() instanceof VariableException ve) {
      return String.valueOf(ve.getMessage());
    }
    return m.replace("evaluation error: ", "").replace('\n', ' ');
  }

  /** A variable that failed; surfaces only when a validation needs its value, as in Marvin. */
  static final class VariableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VariableException(String message) {
      super(message, null, false, false);
    }
  }

  private final class Activation implements CelVariableResolver {
    private final ObjectContext ctx;
    private @Nullable LazyVariables vars;

    Activation(ObjectContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Optional<Object> find(String name) {
      return Optional.ofNullable(
          switch (name) {
            case CelEnv.OBJECT -> ctx.object();
            case CelEnv.POD_SPEC -> podSpec ? ctx.parts().podSpec() : null;
            case CelEnv.POD_META -> podSpec ? ctx.parts().podMeta() : null;
            case CelEnv.ALL_CONTAINERS -> podSpec ? ctx.parts().allContainers() : null;
            case CelEnv.PARAMS -> params;
            case CelEnv.API_VERSIONS -> ctx.apiVersions();
            case CelEnv.KUBE_VERSION -> ctx.kubeVersion();
            case CelEnv.PSS_VERSION -> ctx.pssVersion();
            case CelEnv.VARIABLES -> variables.isEmpty() ? null : variables();
            case CelEnv.EFFECTIVE_RULES ->
                ctx.cluster == null
                    ? null
                    : ctx.cluster.effectiveRules(ctx.group, ctx.kind, ctx.object);
            default -> ctx.cluster == null ? null : ctx.cluster.get(name);
          });
    }

    private LazyVariables variables() {
      if (vars == null) {
        vars = new LazyVariables(this);
      }
      return vars;
    }
  }

  /** {@code variables}: evaluated on first use, then kept for this object; forward refs work. */
  private final class LazyVariables extends AbstractMap<String, Object> {
    private final Activation act;
    private final Map<String, Object> values = new HashMap<>();
    private final Set<String> evaluating = new LinkedHashSet<>();

    LazyVariables(Activation act) {
      this.act = act;
    }

    @Override
    public boolean containsKey(Object key) {
      return variables.containsKey(key);
    }

    @Override
    public @Nullable Object get(Object key) {
      if (!(key instanceof String name) || !variables.containsKey(name)) {
        return null;
      }
      Object v = values.get(name);
      if (v != null) {
        return v;
      }
      if (!evaluating.add(name)) {
        throw new VariableException(
            "variable \"" + name + "\" refers to itself through " + evaluating);
      }
      try {
        v = variables.get(name).eval(act);
      } catch (CelEvaluationException e) {
        throw new VariableException(
            "variable \"" + name + "\" fails to evaluate: " + cleanMessage(e));
      } finally {
        evaluating.remove(name);
      }
      values.put(name, v);
      return v;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      Map<String, Object> all = new LinkedHashMap<>();
      for (String k : variables.keySet()) {
        Object v = get(k);
        if (v != null) {
          all.put(k, v);
        }
      }
      return all.entrySet();
    }
  }

  /** Per-object inputs, shared by every check that looks at the object. */
  public static final class ObjectContext {
    private final Map<String, Object> object;
    private final String group;
    private final String kind;
    private final List<String> apiVersions;
    private final Object kubeVersion;
    private final Long pssVersion;
    private PodSpecs.@Nullable Parts parts;
    private ClusterIndex.@Nullable Values cluster;

    /** {@code pssVersion} is the minor number of the PSS version the scan applies (37: v1.37). */
    public ObjectContext(
        Map<String, Object> object,
        String group,
        String kind,
        List<String> apiVersions,
        Object kubeVersion,
        long pssVersion) {
      this.object = object;
      this.group = group;
      this.kind = kind;
      this.apiVersions = apiVersions;
      this.kubeVersion = kubeVersion;
      this.pssVersion = pssVersion;
    }

    Map<String, Object> object() {
      return object;
    }

    /** The indexed collections, for relational checks (evaluated once the scan has them all). */
    public ObjectContext withCluster(ClusterIndex.Values values) {
      this.cluster = values;
      return this;
    }

    /**
     * A copy of this object whose pod spec keeps only container {@code index} of list {@code key}
     * (no container at all when {@code key} is null); {@code template} is the path to the pod
     * template, {@code spec} the template's spec.
     */
    @SuppressWarnings("unchecked")
    ObjectContext narrowed(
        List<String> template, Map<String, Object> spec, @Nullable String key, int index) {
      Map<String, Object> newSpec = new LinkedHashMap<>(spec);
      for (String k : CONTAINER_LISTS) {
        if (newSpec.get(k) instanceof List<?> l) {
          newSpec.put(k, k.equals(key) ? List.of(l.get(index)) : List.of());
        }
      }
      List<String> path = new ArrayList<>(template);
      path.add("spec");
      Map<String, Object> root = replaced(object, path, 0, newSpec);
      ObjectContext narrowed =
          new ObjectContext(root, group, kind, apiVersions, kubeVersion, pssVersion);
      narrowed.cluster = cluster;
      return narrowed;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> replaced(
        Map<String, Object> m, List<String> path, int at, Object value) {
      Map<String, Object> copy = new LinkedHashMap<>(m);
      String k = path.get(at);
      if (at == path.size() - 1) {
        copy.put(k, value);
      } else if (m.get(k) instanceof Map<?, ?> child) {
        copy.put(k, replaced((Map<String, Object>) child, path, at + 1, value));
      }
      return copy;
    }

    List<String> apiVersions() {
      return apiVersions;
    }

    Object kubeVersion() {
      return kubeVersion;
    }

    Long pssVersion() {
      return pssVersion;
    }

    PodSpecs.Parts parts() {
      if (parts == null) {
        parts = PodSpecs.of(group, kind, object);
      }
      return parts;
    }
  }
}
