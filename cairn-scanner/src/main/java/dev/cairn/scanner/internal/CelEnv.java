package dev.cairn.scanner.internal;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The CEL environment of checks, the same as Marvin's: variables {@code object}, {@code
 * apiVersions}, {@code kubeVersion}, and Cairn's {@code pssVersion} (the minor number of the Pod
 * Security Standards version the scan applies, an int: 37 for v1.37); for pod-spec checks {@code
 * podMeta}, {@code podSpec}, {@code allContainers}; {@code params} and {@code variables} when the
 * check has them. Libraries: the standard macros, optional types, strings and sets extensions, and
 * Kubernetes' own CEL libraries (regex {@code find/findAll}, lists, {@code quantity}, {@code url})
 * written here in Java.
 */
public final class CelEnv {
  public static final String OBJECT = "object";
  public static final String PARAMS = "params";
  public static final String POD_META = "podMeta";
  public static final String POD_SPEC = "podSpec";
  public static final String ALL_CONTAINERS = "allContainers";
  public static final String API_VERSIONS = "apiVersions";
  public static final String KUBE_VERSION = "kubeVersion";
  public static final String VARIABLES = "variables";
  public static final String PSS_VERSION = "pssVersion";

  /** For a check that declares {@code rbac}: the effective rules of the object it judges. */
  public static final String EFFECTIVE_RULES = "effectiveRules";

  static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");
  static final OpaqueType URL = OpaqueType.create("kubernetes.URL");

  static final CelOptions OPTIONS =
      CelOptions.current()
          .enableHeterogeneousNumericComparisons(true)
          .enableOptionalSyntax(true)
          .comprehensionMaxIterations(100_000)
          .build();

  private static final Map<String, CelCompiler> COMPILERS = new ConcurrentHashMap<>();
  private static final CelRuntime RUNTIME = buildRuntime();
  private static final Map<String, Pattern> REGEX_CACHE = new ConcurrentHashMap<>();

  private CelEnv() {}

  /** The compiler for a check of this shape; cached, thread-safe. */
  public static CelCompiler compiler(boolean podSpec, boolean variables, boolean params) {
    return compiler(podSpec, variables, params, List.of());
  }

  /**
   * The compiler for a relational check: each of {@code collections} is a variable of that name
   * ({@code rbac} adds {@code effectiveRules}).
   */
  public static CelCompiler compiler(
      boolean podSpec, boolean variables, boolean params, List<String> collections) {
    String key =
        (podSpec ? 1 : 0)
            + ""
            + (variables ? 1 : 0)
            + (params ? 1 : 0)
            + String.join(",", collections);
    return COMPILERS.computeIfAbsent(
        key, k -> buildCompiler(podSpec, variables, params, collections));
  }

  public static CelRuntime runtime() {
    return RUNTIME;
  }

  private static CelCompiler buildCompiler(
      boolean podSpec, boolean variables, boolean params, List<String> collections) {
    CelCompilerBuilder b =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addLibraries(
                CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(OPTIONS))
            .addFunctionDeclarations(kubernetesDecls())
            .addVar(OBJECT, SimpleType.DYN)
            .addVar(API_VERSIONS, ListType.create(SimpleType.STRING))
            .addVar(KUBE_VERSION, SimpleType.DYN)
            .addVar(PSS_VERSION, SimpleType.INT);
    if (podSpec) {
      b.addVar(POD_META, SimpleType.DYN)
          .addVar(POD_SPEC, SimpleType.DYN)
          .addVar(ALL_CONTAINERS, ListType.create(SimpleType.DYN));
    }
    if (variables) {
      b.addVar(VARIABLES, MapType.create(SimpleType.STRING, SimpleType.DYN));
    }
    if (params) {
      b.addVar(PARAMS, SimpleType.DYN);
    }
    for (String c : collections) {
      b.addVar(c, SimpleType.DYN);
      if (c.equals(dev.cairn.scanner.ClusterCollections.RBAC)) {
        b.addVar(EFFECTIVE_RULES, ListType.create(SimpleType.DYN));
      }
    }
    return b.build();
  }

  private static List<CelFunctionDecl> kubernetesDecls() {
    CelType t = TypeParamType.create("T");
    CelType listT = ListType.create(t);
    CelType str = SimpleType.STRING;
    CelType listStr = ListType.create(str);
    return List.of(
        // regex library
        fn("find", member("k8s_string_find", str, str, str)),
        fn(
            "findAll",
            member("k8s_string_findall", listStr, str, str),
            member("k8s_string_findall_n", listStr, str, str, SimpleType.INT)),
        // Cairn: does one of these (normalized, effective) RBAC rules grant verb on group/resource
        fn(
            "rbacAllows",
            CelOverloadDecl.newGlobalOverload(
                "cairn_rbac_allows",
                SimpleType.BOOL,
                ListType.create(SimpleType.DYN),
                str,
                str,
                str)),
        // lists library
        fn("isSorted", member("k8s_list_is_sorted", SimpleType.BOOL, listT)),
        fn("sum", member("k8s_list_sum", t, listT)),
        fn("min", member("k8s_list_min", t, listT)),
        fn("max", member("k8s_list_max", t, listT)),
        fn("indexOf", member("k8s_list_index_of", SimpleType.INT, listT, t)),
        fn("lastIndexOf", member("k8s_list_last_index_of", SimpleType.INT, listT, t)),
        // quantity library
        fn("quantity", CelOverloadDecl.newGlobalOverload("k8s_quantity", QUANTITY, str)),
        fn(
            "isQuantity",
            CelOverloadDecl.newGlobalOverload("k8s_is_quantity", SimpleType.BOOL, str)),
        fn("sign", member("k8s_quantity_sign", SimpleType.INT, QUANTITY)),
        fn("isInteger", member("k8s_quantity_is_integer", SimpleType.BOOL, QUANTITY)),
        fn("asInteger", member("k8s_quantity_as_integer", SimpleType.INT, QUANTITY)),
        fn("asApproximateFloat", member("k8s_quantity_as_float", SimpleType.DOUBLE, QUANTITY)),
        fn(
            "add",
            member("k8s_quantity_add", QUANTITY, QUANTITY, QUANTITY),
            member("k8s_quantity_add_int", QUANTITY, QUANTITY, SimpleType.INT)),
        fn(
            "sub",
            member("k8s_quantity_sub", QUANTITY, QUANTITY, QUANTITY),
            member("k8s_quantity_sub_int", QUANTITY, QUANTITY, SimpleType.INT)),
        fn("isLessThan", member("k8s_quantity_lt", SimpleType.BOOL, QUANTITY, QUANTITY)),
        fn("isGreaterThan", member("k8s_quantity_gt", SimpleType.BOOL, QUANTITY, QUANTITY)),
        fn("compareTo", member("k8s_quantity_compare", SimpleType.INT, QUANTITY, QUANTITY)),
        // url library
        fn("url", CelOverloadDecl.newGlobalOverload("k8s_url", URL, str)),
        fn("isURL", CelOverloadDecl.newGlobalOverload("k8s_is_url", SimpleType.BOOL, str)),
        fn("getScheme", member("k8s_url_scheme", str, URL)),
        fn("getHost", member("k8s_url_host", str, URL)),
        fn("getHostname", member("k8s_url_hostname", str, URL)),
        fn("getPort", member("k8s_url_port", str, URL)),
        fn("getEscapedPath", member("k8s_url_path", str, URL)),
        fn("getQuery", member("k8s_url_query", MapType.create(str, listStr), URL)));
  }

  private static CelFunctionDecl fn(String name, CelOverloadDecl... overloads) {
    return CelFunctionDecl.newFunctionDeclaration(name, overloads);
  }

  private static CelOverloadDecl member(String id, CelType result, CelType... args) {
    return CelOverloadDecl.newMemberOverload(id, result, args);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static CelRuntime buildRuntime() {
    List<CelFunctionBinding> b = new ArrayList<>();
    b.add(CelFunctionBinding.from("k8s_string_find", String.class, String.class, CelEnv::find));
    b.add(
        CelFunctionBinding.from(
            "k8s_string_findall", String.class, String.class, (s, re) -> findAll(s, re, -1)));
    b.add(
        CelFunctionBinding.from(
            "k8s_string_findall_n",
            List.of(String.class, String.class, Long.class),
            args -> findAll((String) args[0], (String) args[1], (Long) args[2])));
    b.add(
        CelFunctionBinding.from(
            "cairn_rbac_allows",
            List.of(List.class, String.class, String.class, String.class),
            a -> Rbac.allows((List<?>) a[0], (String) a[1], (String) a[2], (String) a[3])));
    b.add(CelFunctionBinding.from("k8s_list_is_sorted", List.class, CelEnv::isSorted));
    b.add(CelFunctionBinding.from("k8s_list_sum", List.class, CelEnv::sum));
    b.add(CelFunctionBinding.from("k8s_list_min", List.class, l -> extreme(l, -1)));
    b.add(CelFunctionBinding.from("k8s_list_max", List.class, l -> extreme(l, 1)));
    b.add(
        CelFunctionBinding.from(
            "k8s_list_index_of",
            List.of(List.class, Object.class),
            a -> (long) ((List) a[0]).indexOf(a[1])));
    b.add(
        CelFunctionBinding.from(
            "k8s_list_last_index_of",
            List.of(List.class, Object.class),
            a -> (long) ((List) a[0]).lastIndexOf(a[1])));
    b.add(CelFunctionBinding.from("k8s_quantity", String.class, Quantity::parse));
    b.add(CelFunctionBinding.from("k8s_is_quantity", String.class, Quantity::isQuantity));
    b.add(CelFunctionBinding.from("k8s_quantity_sign", Quantity.class, Quantity::sign));
    b.add(CelFunctionBinding.from("k8s_quantity_is_integer", Quantity.class, Quantity::isInteger));
    b.add(CelFunctionBinding.from("k8s_quantity_as_integer", Quantity.class, Quantity::asInteger));
    b.add(
        CelFunctionBinding.from(
            "k8s_quantity_as_float", Quantity.class, Quantity::asApproximateFloat));
    b.add(
        CelFunctionBinding.from("k8s_quantity_add", Quantity.class, Quantity.class, Quantity::add));
    b.add(
        CelFunctionBinding.from(
            "k8s_quantity_add_int",
            Quantity.class,
            Long.class,
            (q, i) -> q.add(Quantity.parse(Long.toString(i)))));
    b.add(
        CelFunctionBinding.from("k8s_quantity_sub", Quantity.class, Quantity.class, Quantity::sub));
    b.add(
        CelFunctionBinding.from(
            "k8s_quantity_sub_int",
            Quantity.class,
            Long.class,
            (q, i) -> q.sub(Quantity.parse(Long.toString(i)))));
    b.add(
        CelFunctionBinding.from(
            "k8s_quantity_lt", Quantity.class, Quantity.class, (x, y) -> x.compareTo(y) < 0));
    b.add(
        CelFunctionBinding.from(
            "k8s_quantity_gt", Quantity.class, Quantity.class, (x, y) -> x.compareTo(y) > 0));
    b.add(
        CelFunctionBinding.from(
            "k8s_quantity_compare",
            Quantity.class,
            Quantity.class,
            (x, y) -> (long) Integer.signum(x.compareTo(y))));
    b.add(CelFunctionBinding.from("k8s_url", String.class, CelEnv::parseUrl));
    b.add(CelFunctionBinding.from("k8s_is_url", String.class, s -> tryUrl(s) != null));
    b.add(CelFunctionBinding.from("k8s_url_scheme", URI.class, u -> nz(u.getScheme())));
    b.add(
        CelFunctionBinding.from(
            "k8s_url_host", URI.class, u -> nz(u.getRawAuthority()).replaceFirst("^[^@]*@", "")));
    b.add(
        CelFunctionBinding.from(
            "k8s_url_hostname", URI.class, u -> nz(u.getHost()).replaceAll("^\\[|\\]$", "")));
    b.add(
        CelFunctionBinding.from(
            "k8s_url_port", URI.class, u -> u.getPort() < 0 ? "" : Integer.toString(u.getPort())));
    b.add(CelFunctionBinding.from("k8s_url_path", URI.class, u -> nz(u.getRawPath())));
    b.add(CelFunctionBinding.from("k8s_url_query", URI.class, CelEnv::query));
    return CelRuntimeFactory.standardCelRuntimeBuilder()
        .setOptions(OPTIONS)
        .addLibraries(
            CelExtensions.optional(), CelExtensions.strings(), CelExtensions.sets(OPTIONS))
        .addFunctionBindings(b)
        .build();
  }

  private static String nz(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static Pattern regex(String re) {
    Pattern p = REGEX_CACHE.get(re);
    if (p == null) {
      p = Pattern.compile(re);
      if (REGEX_CACHE.size() < 10_000) {
        REGEX_CACHE.put(re, p);
      }
    }
    return p;
  }

  private static String find(String s, String re) {
    Matcher m = regex(re).matcher(s);
    return m.find() ? m.group() : "";
  }

  private static List<String> findAll(String s, String re, long n) {
    List<String> out = new ArrayList<>();
    if (n == 0) {
      return out;
    }
    Matcher m = regex(re).matcher(s);
    while (m.find() && (n < 0 || out.size() < n)) {
      out.add(m.group());
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean isSorted(List l) {
    for (int i = 1; i < l.size(); i++) {
      if (((Comparable) l.get(i - 1)).compareTo(l.get(i)) > 0) {
        return false;
      }
    }
    return true;
  }

  private static Object sum(List<?> l) {
    if (l.isEmpty()) {
      return 0L;
    }
    Object first = l.get(0);
    if (first instanceof Double) {
      double d = 0;
      for (Object o : l) {
        d += (Double) o;
      }
      return d;
    }
    if (first instanceof Quantity) {
      Quantity q = Quantity.parse("0");
      for (Object o : l) {
        q = q.add((Quantity) o);
      }
      return q;
    }
    long s = 0;
    for (Object o : l) {
      s = Math.addExact(s, ((Number) o).longValue());
    }
    return s;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object extreme(List l, int dir) {
    if (l.isEmpty()) {
      throw new IllegalArgumentException((dir < 0 ? "min" : "max") + " called on an empty list");
    }
    Comparable best = (Comparable) l.get(0);
    for (Object o : l) {
      if (Integer.signum(((Comparable) o).compareTo(best)) == dir) {
        best = (Comparable) o;
      }
    }
    return best;
  }

  private static @Nullable URI tryUrl(String s) {
    try {
      URI u = new URI(s);
      if (u.getScheme() == null && !s.startsWith("/")) {
        return null;
      }
      return u;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static URI parseUrl(String s) {
    URI u = tryUrl(s);
    if (u == null) {
      throw new IllegalArgumentException("URL parse error during conversion from string: " + s);
    }
    return u;
  }

  private static Map<String, List<String>> query(URI u) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String q = u.getRawQuery();
    if (q == null || q.isEmpty()) {
      return out;
    }
    for (String part : q.split("[&;]")) {
      if (part.isEmpty()) {
        continue;
      }
      int i = part.indexOf('=');
      String k = URLDecoder.decode(i < 0 ? part : part.substring(0, i), StandardCharsets.UTF_8);
      String v = i < 0 ? "" : URLDecoder.decode(part.substring(i + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }
}
