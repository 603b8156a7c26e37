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

  /** The verdict on one object: null message means pass. */
  public record Verdict(boolean error, String message) {}

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
        check.matchesPodSpec(), !check.variables().isEmpty(), !check.params().isEmpty());
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
        return new Verdict(false, msg == null || msg.isBlank() ? check.message() : msg);
      }
    }
    return null;
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
            default -> null;
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
