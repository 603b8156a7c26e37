package dev.cairn.deploy.tekton;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.deploy.duties.Rbac;
import dev.cairn.deploy.internal.AccessReviews;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A pipeline as Tekton resources, for a cluster that already runs Tekton Pipelines and Triggers.
 *
 * <ul>
 *   <li>One {@code tekton.dev/v1} Task per step, each one container: Cairn's own steps ({@code
 *       checkout}, {@code build}, {@code push}, {@code scan}, {@code sbom}, {@code vuln-gate},
 *       {@code enclave}, {@code sign}, {@code deploy}) run Cairn's image (the pipeline's {@code
 *       image} param) as {@code cairn pipeline step NAME --workspace DIR}; a {@code run} step runs
 *       its own {@code image} (or Cairn's) with its own {@code command} in its {@code workdir}.
 *       Every step gets the environment a Cairn run gives it ({@code CAIRN_RUN_ID}, {@code
 *       CAIRN_REPOSITORY}, {@code CAIRN_COMMIT}, {@code CAIRN_REF}, {@code CAIRN_STEP}, {@code
 *       CI=true} over the pipeline's and the step's {@code env}); its secrets come from the Secret
 *       {@code NAME-secrets} by the Cairn secret's name, never from the Task. Containers run as
 *       non-root without privilege escalation or capabilities.
 *   <li>A {@code tekton.dev/v1} Pipeline running the Tasks in the file's order on one workspace
 *       {@code source}, with params {@code repo-url}, {@code revision}, {@code ref} and {@code
 *       image}, each step's timeout and retries, and the results {@code IMAGE_URL} and {@code
 *       IMAGE_DIGEST} of the push step, which Tekton Chains reads to sign what was pushed.
 *   <li>{@code triggers.tekton.dev/v1beta1} TriggerBinding (GitHub's push body: {@code
 *       repository.clone_url}, {@code after}, {@code ref}), TriggerTemplate (a PipelineRun with a
 *       fresh volume for the workspace, each task under its duty's ServiceAccount) and
 *       EventListener: the {@code github} interceptor checks the webhook's signature with the
 *       Secret {@code NAME-github-webhook} (key {@code secret}) and lets {@code push} events only;
 *       a {@code cel} interceptor lets the pipeline's branches, tags and paths only, and no
 *       deletion.
 *   <li>ServiceAccounts of the duties the steps hold ({@link #duty}), as {@link Rbac#render} makes
 *       them (their Roles come from {@code cairn rbac render}); {@code cairn-triggers} for the
 *       EventListener, bound to the ClusterRoles Tekton Triggers installs for it.
 * </ul>
 *
 * The output is deterministic: the same definition and options give the same bytes.
 */
public final class TektonExport {
  /**
   * The Secret (key {@value #WEBHOOK_SECRET_KEY}) with GitHub's webhook secret:
   * NAME-github-webhook.
   */
  public static final String WEBHOOK_SECRET_KEY = "secret";

  /** The EventListener's ServiceAccount. */
  public static final String TRIGGERS_SERVICE_ACCOUNT = "cairn-triggers";

  /** The workspace every Task shares. */
  public static final String WORKSPACE = "source";

  /** The results Tekton Chains reads from the push step. */
  public static final String IMAGE_URL = "IMAGE_URL";

  /** See {@link #IMAGE_URL}. */
  public static final String IMAGE_DIGEST = "IMAGE_DIGEST";

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
  private static final long NONROOT = 65532;
  private static final String LABEL_PIPELINE = "cairn.dev/pipeline";
  private static final String WORKSPACE_PATH = "$(workspaces." + WORKSPACE + ".path)";

  private TektonExport() {}

  /**
   * How to export.
   *
   * @param namespace where the objects go
   * @param image Cairn's image (by digest, ideally) that Cairn's own steps run in: the Pipeline's
   *     {@code image} param's default
   */
  public record Options(String namespace, String image) {
    public Options {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(image, "image");
    }
  }

  /**
   * The exported objects.
   *
   * @param pipeline the Pipeline's name (also the EventListener's and the TriggerTemplate's)
   * @param namespace their namespace
   * @param objects the objects in the order to apply them
   */
  public record Export(String pipeline, String namespace, List<Map<String, Object>> objects) {
    public Export {
      objects = List.copyOf(objects);
    }

    /** The objects as one multi-document YAML stream. */
    public String yaml() {
      return AccessReviews.yaml(objects);
    }
  }

  /** The duty whose ServiceAccount runs a kind of step in Tekton. */
  public static Duty duty(StepKind kind) {
    return switch (kind) {
      case CHECKOUT, BUILD, PUSH, SBOM, RUN -> Duty.DEV;
      case SCAN, VULN_GATE, ENCLAVE, SIGN -> Duty.SEC;
      case DEPLOY -> Duty.OPS;
    };
  }

  /** The Secret holding the steps' secrets, by the Cairn secret's name. */
  public static String secretsName(PipelineDefinition def) throws CairnException {
    return name(def) + "-secrets";
  }

  /** The Secret holding GitHub's webhook secret under {@value #WEBHOOK_SECRET_KEY}. */
  public static String webhookSecretName(PipelineDefinition def) throws CairnException {
    return name(def) + "-github-webhook";
  }

  /** Exports {@code def}. */
  public static Export render(PipelineDefinition def, Options options) throws CairnException {
    if (!DNS_LABEL.matcher(options.namespace()).matches()) {
      throw new CairnException(
          "not a namespace name: " + options.namespace(), "give a DNS label, e.g. --namespace ci");
    }
    if (options.image().isBlank() || options.image().chars().anyMatch(Character::isWhitespace)) {
      throw new CairnException(
          "not an image reference: '" + options.image() + "'",
          "give Cairn's image, e.g. --image registry.example/cairn@sha256:…");
    }
    String ns = options.namespace();
    String base = name(def);
    List<Map<String, Object>> objects = new ArrayList<>();

    Map<String, String> taskNames = new LinkedHashMap<>();
    Set<String> seen = new TreeSet<>();
    for (StepSpec s : def.steps()) {
      String label = label(s.name());
      if (label.isEmpty() || !seen.add(label)) {
        throw new CairnException(
            s.location()
                + ": step '"
                + s.name()
                + "' has no name Tekton can use"
                + (label.isEmpty() ? "" : " apart from another step's (" + label + ")"),
            "name steps with distinct lower-case letters, digits and dashes");
      }
      taskNames.put(s.name(), bounded(base + "-" + label));
    }

    Set<Duty> duties = EnumSet.noneOf(Duty.class);
    def.steps().forEach(s -> duties.add(duty(s.kind())));
    for (Duty d : duties) {
      Map<String, Object> sa = object("v1", "ServiceAccount", Rbac.serviceAccount(d), ns, base);
      sa.put("automountServiceAccountToken", false);
      objects.add(sa);
    }
    objects.add(object("v1", "ServiceAccount", TRIGGERS_SERVICE_ACCOUNT, ns, base));
    objects.add(
        binding(
            "RoleBinding",
            TRIGGERS_SERVICE_ACCOUNT,
            ns,
            base,
            "tekton-triggers-eventlistener-roles"));
    objects.add(
        binding(
            "ClusterRoleBinding",
            TRIGGERS_SERVICE_ACCOUNT + "-" + ns,
            ns,
            base,
            "tekton-triggers-eventlistener-clusterroles"));

    StepSpec push = null;
    for (StepSpec s : def.steps()) {
      objects.add(task(def, s, Objects.requireNonNull(taskNames.get(s.name())), ns, base));
      if (s.kind() == StepKind.PUSH) {
        push = s;
      }
    }
    objects.add(pipeline(def, taskNames, push, options, base));
    String bindingName = base + "-github-push";
    objects.add(triggerBinding(bindingName, ns, base));
    objects.add(triggerTemplate(def, base, ns));
    objects.add(eventListener(def, base, ns, bindingName));
    return new Export(base, ns, objects);
  }

  private static Map<String, Object> task(
      PipelineDefinition def, StepSpec s, String name, String ns, String base)
      throws CairnException {
    boolean cairnImage = s.kind() != StepKind.RUN || s.param("image", "").isEmpty();
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", label(s.name()));
    container.put("image", cairnImage ? "$(params.image)" : s.param("image", ""));
    if (s.kind() == StepKind.RUN) {
      List<String> command = s.listParam("command");
      if (command.isEmpty()) {
        throw new CairnException(
            s.location() + ": run step '" + s.name() + "' has no command",
            "give it a command, e.g. command: [make, test]");
      }
      String workdir = s.param("workdir", ".");
      java.nio.file.Path w = java.nio.file.Path.of(workdir).normalize();
      if (w.isAbsolute() || w.startsWith("..")) {
        throw new CairnException(
            s.location() + ": workdir of step '" + s.name() + "' leaves the workspace",
            "give a directory inside the repository");
      }
      String rel = w.toString();
      container.put(
          "workingDir",
          rel.isEmpty() || rel.equals(".") ? WORKSPACE_PATH : WORKSPACE_PATH + "/" + rel);
      container.put("command", List.of(command.get(0)));
      if (command.size() > 1) {
        container.put("args", command.subList(1, command.size()));
      }
    } else {
      container.put("workingDir", WORKSPACE_PATH);
      container.put("command", List.of("cairn"));
      container.put("args", List.of("pipeline", "step", s.name(), "--workspace", WORKSPACE_PATH));
    }
    container.put("env", env(def, s, base));
    container.put("securityContext", securityContext());

    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put(
        "description",
        "Cairn step '" + s.name() + "' (" + s.kind().id() + ") of pipeline " + def.name());
    List<Object> params = new ArrayList<>();
    for (String p : taskParams(s)) {
      params.add(paramSpec(p));
    }
    spec.put("params", params);
    spec.put(
        "workspaces",
        List.of(
            map(
                "name",
                WORKSPACE,
                "description",
                "the repository's working tree, shared by the pipeline's steps")));
    if (s.kind() == StepKind.PUSH) {
      spec.put(
          "results",
          List.of(
              map(
                  "name",
                  IMAGE_URL,
                  "type",
                  "string",
                  "description",
                  "the pushed image's repository (registry/repository), for Tekton Chains"),
              map(
                  "name",
                  IMAGE_DIGEST,
                  "type",
                  "string",
                  "description",
                  "the pushed image's digest (sha256:…), for Tekton Chains")));
    }
    spec.put("steps", List.of(container));
    Map<String, Object> task = object("tekton.dev/v1", "Task", name, ns, base);
    Map<String, Object> labels = sub(sub(task, "metadata"), "labels");
    labels.put("cairn.dev/step", label(s.name()));
    labels.put("cairn.dev/step-kind", s.kind().id());
    task.put("spec", spec);
    return task;
  }

  /**
   * The params a step's Task declares: the run's coordinates, and Cairn's image where it runs it.
   */
  private static List<String> taskParams(StepSpec s) {
    List<String> p = new ArrayList<>(List.of("repo-url", "revision", "ref"));
    if (s.kind() != StepKind.RUN || s.param("image", "").isEmpty()) {
      p.add("image");
    }
    return p;
  }

  private static Map<String, Object> paramSpec(String name) {
    String description =
        switch (name) {
          case "repo-url" -> "the repository's clone URL";
          case "revision" -> "the commit to run (40 hex digits)";
          case "ref" -> "the pushed ref, e.g. refs/heads/main";
          default -> "Cairn's image, which runs Cairn's steps";
        };
    return map("name", name, "type", "string", "description", description);
  }

  private static List<Object> env(PipelineDefinition def, StepSpec s, String base)
      throws CairnException {
    Map<String, String> vars = new TreeMap<>(def.env());
    vars.putAll(s.env());
    Map<String, String> cairn = new LinkedHashMap<>();
    cairn.put("CAIRN_RUN_ID", "$(context.pipelineRun.name)");
    cairn.put("CAIRN_REPOSITORY", "$(params.repo-url)");
    cairn.put("CAIRN_COMMIT", "$(params.revision)");
    cairn.put("CAIRN_REF", "$(params.ref)");
    cairn.put("CAIRN_STEP", s.name());
    cairn.put("CI", "true");
    if (s.kind() == StepKind.PUSH) {
      cairn.put("CAIRN_RESULT_IMAGE_URL", "$(results." + IMAGE_URL + ".path)");
      cairn.put("CAIRN_RESULT_IMAGE_DIGEST", "$(results." + IMAGE_DIGEST + ".path)");
    }
    cairn.keySet().forEach(vars::remove);
    List<Object> env = new ArrayList<>();
    for (Map.Entry<String, String> e : vars.entrySet()) {
      checkEnvName(s, e.getKey());
      env.add(map("name", e.getKey(), "value", e.getValue()));
    }
    cairn.forEach((k, v) -> env.add(map("name", k, "value", v)));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Map.Entry<String, String> e : new TreeMap<>(s.secrets()).entrySet()) {
      checkEnvName(s, e.getKey());
      if (!SECRET_KEY.matcher(e.getValue()).matches()) {
        throw new CairnException(
            s.location()
                + ": secret '"
                + e.getValue()
                + "' of step '"
                + s.name()
                + "' cannot be a key of a Kubernetes Secret",
            "name secrets with letters, digits, '-', '_' and '.' only");
      }
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("name", base + "-secrets");
      ref.put("key", e.getValue());
      // a run step's process reads the secret by the step's variable name; Cairn's own steps run
      // `cairn pipeline step`, which reads it as `cairn pipeline run` does (CAIRN_SECRET_<NAME>)
      // and gives it to the step by that variable name
      String var =
          s.kind() == StepKind.RUN
              ? e.getKey()
              : dev.cairn.pipeline.SecretSource.variable(e.getValue());
      if (seen.add(var)) {
        env.add(map("name", var, "valueFrom", map("secretKeyRef", ref)));
      }
    }
    return env;
  }

  private static void checkEnvName(StepSpec s, String name) throws CairnException {
    if (!ENV_NAME.matcher(name).matches()) {
      throw new CairnException(
          s.location() + ": '" + name + "' of step '" + s.name() + "' is not a variable name",
          "name variables with letters, digits and '_', not starting with a digit");
    }
  }

  private static Map<String, Object> securityContext() {
    Map<String, Object> sc = new LinkedHashMap<>();
    sc.put("runAsNonRoot", true);
    sc.put("runAsUser", NONROOT);
    sc.put("allowPrivilegeEscalation", false);
    sc.put("capabilities", map("drop", List.of("ALL")));
    sc.put("seccompProfile", map("type", "RuntimeDefault"));
    return sc;
  }

  private static Map<String, Object> pipeline(
      PipelineDefinition def,
      Map<String, String> taskNames,
      @org.jspecify.annotations.Nullable StepSpec push,
      Options options,
      String base) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("description", "Cairn pipeline " + def.name() + " (" + def.source() + ")");
    List<Object> params = new ArrayList<>();
    for (String p : List.of("repo-url", "revision", "ref")) {
      params.add(paramSpec(p));
    }
    Map<String, Object> image = paramSpec("image");
    image.put("default", options.image());
    params.add(image);
    spec.put("params", params);
    spec.put("workspaces", List.of(map("name", WORKSPACE)));
    List<Object> tasks = new ArrayList<>();
    String previous = null;
    for (StepSpec s : def.steps()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", label(s.name()));
      t.put(
          "taskRef", map("kind", "Task", "name", Objects.requireNonNull(taskNames.get(s.name()))));
      if (previous != null) {
        t.put("runAfter", List.of(previous));
      }
      List<Object> ps = new ArrayList<>();
      for (String p : taskParams(s)) {
        ps.add(map("name", p, "value", "$(params." + p + ")"));
      }
      t.put("params", ps);
      t.put("workspaces", List.of(map("name", WORKSPACE, "workspace", WORKSPACE)));
      t.put("timeout", goDuration(s.timeout()));
      if (s.retries() > 0) {
        t.put("retries", (long) s.retries());
      }
      tasks.add(t);
      previous = label(s.name());
    }
    spec.put("tasks", tasks);
    if (push != null) {
      String p = label(push.name());
      spec.put(
          "results",
          List.of(
              map(
                  "name",
                  IMAGE_URL,
                  "type",
                  "string",
                  "description",
                  "the pushed image's repository",
                  "value",
                  "$(tasks." + p + ".results." + IMAGE_URL + ")"),
              map(
                  "name",
                  IMAGE_DIGEST,
                  "type",
                  "string",
                  "description",
                  "the pushed image's digest",
                  "value",
                  "$(tasks." + p + ".results." + IMAGE_DIGEST + ")")));
    }
    Map<String, Object> pipeline =
        object("tekton.dev/v1", "Pipeline", base, options.namespace(), base);
    sub(pipeline, "metadata")
        .put("annotations", map("cairn.dev/pipeline-digest", def.digest().toString()));
    pipeline.put("spec", spec);
    return pipeline;
  }

  private static Map<String, Object> triggerBinding(String name, String ns, String base) {
    Map<String, Object> tb =
        object("triggers.tekton.dev/v1beta1", "TriggerBinding", name, ns, base);
    tb.put(
        "spec",
        map(
            "params",
            List.of(
                map("name", "repo-url", "value", "$(body.repository.clone_url)"),
                map("name", "revision", "value", "$(body.after)"),
                map("name", "ref", "value", "$(body.ref)"))));
    return tb;
  }

  /** The PipelineRun a push starts, as the TriggerTemplate makes it. */
  static Map<String, Object> pipelineRun(PipelineDefinition def, String base) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("apiVersion", "tekton.dev/v1");
    run.put("kind", "PipelineRun");
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("generateName", base + "-");
    meta.put("labels", labels(base));
    run.put("metadata", meta);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("pipelineRef", map("name", base));
    List<Object> params = new ArrayList<>();
    for (String p : List.of("repo-url", "revision", "ref")) {
      params.add(map("name", p, "value", "$(tt.params." + p + ")"));
    }
    spec.put("params", params);
    spec.put("taskRunTemplate", map("serviceAccountName", Rbac.serviceAccount(Duty.DEV)));
    List<Object> specs = new ArrayList<>();
    Duration total = Duration.ZERO;
    for (StepSpec s : def.steps()) {
      Duty d = duty(s.kind());
      total = total.plus(s.timeout().multipliedBy(s.retries() + 1L));
      for (int a = 2; a <= s.retries() + 1; a++) {
        total = total.plus(s.backoffBefore(a));
      }
      if (d == Duty.DEV) {
        continue;
      }
      Map<String, Object> trs = new LinkedHashMap<>();
      trs.put("pipelineTaskName", label(s.name()));
      trs.put("serviceAccountName", Rbac.serviceAccount(d));
      if (d == Duty.OPS) {
        // the deploy step talks to the API server as its duty: it needs the token
        trs.put("podTemplate", map("automountServiceAccountToken", true));
      }
      specs.add(trs);
    }
    if (!specs.isEmpty()) {
      spec.put("taskRunSpecs", specs);
    }
    spec.put("timeouts", map("pipeline", goDuration(total)));
    Map<String, Object> resources = map("requests", map("storage", "1Gi"));
    Map<String, Object> pvc = new LinkedHashMap<>();
    pvc.put("accessModes", List.of("ReadWriteOnce"));
    pvc.put("resources", resources);
    spec.put(
        "workspaces", List.of(map("name", WORKSPACE, "volumeClaimTemplate", map("spec", pvc))));
    run.put("spec", spec);
    return run;
  }

  private static Map<String, Object> triggerTemplate(
      PipelineDefinition def, String base, String ns) {
    Map<String, Object> tt =
        object("triggers.tekton.dev/v1beta1", "TriggerTemplate", base, ns, base);
    Map<String, Object> spec = new LinkedHashMap<>();
    List<Object> params = new ArrayList<>();
    for (String p : List.of("repo-url", "revision", "ref")) {
      Map<String, Object> ps = paramSpec(p);
      ps.remove("type");
      params.add(ps);
    }
    spec.put("params", params);
    spec.put("resourcetemplates", List.of(pipelineRun(def, base)));
    tt.put("spec", spec);
    return tt;
  }

  private static Map<String, Object> eventListener(
      PipelineDefinition def, String base, String ns, String bindingName) throws CairnException {
    Map<String, Object> secretRef = new LinkedHashMap<>();
    secretRef.put("secretName", base + "-github-webhook");
    secretRef.put("secretKey", WEBHOOK_SECRET_KEY);
    Map<String, Object> github = new LinkedHashMap<>();
    github.put("name", "github-signature");
    github.put("ref", map("name", "github", "kind", "ClusterInterceptor"));
    github.put(
        "params",
        List.of(
            map("name", "secretRef", "value", secretRef),
            map("name", "eventTypes", "value", List.of("push"))));
    Map<String, Object> cel = new LinkedHashMap<>();
    cel.put("name", "branch-filter");
    cel.put("ref", map("name", "cel", "kind", "ClusterInterceptor"));
    cel.put("params", List.of(map("name", "filter", "value", celFilter(def.triggers()))));
    Map<String, Object> trigger = new LinkedHashMap<>();
    trigger.put("name", "github-push");
    trigger.put("interceptors", List.of(github, cel));
    trigger.put("bindings", List.of(map("kind", "TriggerBinding", "ref", bindingName)));
    trigger.put("template", map("ref", base));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("serviceAccountName", TRIGGERS_SERVICE_ACCOUNT);
    spec.put("triggers", List.of(trigger));
    Map<String, Object> el = object("triggers.tekton.dev/v1beta1", "EventListener", base, ns, base);
    el.put("spec", spec);
    return el;
  }

  /**
   * The CEL filter that lets exactly the pushes the pipeline's triggers start (as {@link
   * PipelineDefinition.Triggers#matchesRef} and {@link PipelineDefinition.Triggers#matchesPaths}
   * decide), over GitHub's push body; a deleted ref starts nothing.
   */
  public static String celFilter(PipelineDefinition.Triggers t) throws CairnException {
    List<String> refs = new ArrayList<>();
    if (!t.branches().isEmpty()) {
      refs.add("body.ref.matches('^refs/heads/" + alternation(t.branches()) + "$')");
    }
    if (!t.tags().isEmpty()) {
      refs.add("body.ref.matches('^refs/tags/" + alternation(t.tags()) + "$')");
    }
    String ref =
        refs.isEmpty()
            ? "false"
            : refs.size() == 1 ? refs.get(0) : "(" + String.join(" || ", refs) + ")";
    String filter = ref + " && !body.deleted";
    if (!t.paths().isEmpty()) {
      filter +=
          " && (size(body.commits) == 0 || body.commits.exists(c, (c.added + c.modified +"
              + " c.removed).exists(p, p.matches('^"
              + alternation(t.paths())
              + "$'))))";
    }
    return filter;
  }

  private static String alternation(List<String> globs) throws CairnException {
    List<String> parts = new ArrayList<>();
    for (String g : globs) {
      parts.add(regex(g));
    }
    return "(" + String.join("|", parts) + ")";
  }

  /**
   * A glob as an RE2 pattern without backslashes (it sits in a CEL string): {@code **}{@code /} any
   * directories or none, {@code **} anything, {@code *} anything but {@code /}, {@code ?} one
   * character but {@code /}.
   */
  static String regex(String glob) throws CairnException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        boolean deep = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
        if (deep && i + 2 < glob.length() && glob.charAt(i + 2) == '/') {
          b.append("(.*/)?");
          i += 2;
        } else if (deep) {
          b.append(".*");
          i++;
        } else {
          b.append("[^/]*");
        }
      } else if (c == '?') {
        b.append("[^/]");
      } else if (Character.isLetterOrDigit(c) || c == '/' || c == '-' || c == '_') {
        b.append(c);
      } else if (".+()|{}$#@~,:;=!%&<>\"".indexOf(c) >= 0) {
        b.append('[').append(c).append(']');
      } else {
        throw new CairnException(
            "trigger glob '"
                + glob
                + "' holds '"
                + c
                + "', which the Tekton export cannot filter on",
            "use letters, digits, '/', '-', '_', '.', '*' and '?' in the triggers' globs");
      }
    }
    return b.toString();
  }

  /** Go's duration syntax, which Tekton's timeouts take: {@code 1h30m0s}. */
  static String goDuration(Duration d) {
    long seconds = Math.max(1, d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0));
    long h = seconds / 3600;
    long m = seconds % 3600 / 60;
    long s = seconds % 60;
    if (h > 0) {
      return h + "h" + m + "m" + s + "s";
    }
    if (m > 0) {
      return m + "m" + s + "s";
    }
    return s + "s";
  }

  private static String name(PipelineDefinition def) throws CairnException {
    String l = label(def.name());
    if (l.isEmpty()) {
      throw new CairnException(
          def.source() + ": pipeline name '" + def.name() + "' has no letter or digit",
          "name the pipeline with lower-case letters, digits and dashes");
    }
    // room for the longest suffix this export adds ("-github-webhook", a step's name)
    return l.length() > 40 ? l.substring(0, 40).replaceAll("-+$", "") : l;
  }

  /** A DNS label from {@code s}: lower case, other characters as dashes. */
  static String label(String s) {
    String v = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-");
    v = v.replaceAll("^-+|-+$", "");
    return v.length() > 63 ? v.substring(0, 63).replaceAll("-+$", "") : v;
  }

  /** {@code s} cut to a DNS label's 63 characters, with a hash of the whole to keep it unique. */
  private static String bounded(String s) {
    if (s.length() <= 63) {
      return s;
    }
    String hash = Digest.sha256(s).hex().substring(0, 6);
    return s.substring(0, 56).replaceAll("-+$", "") + "-" + hash;
  }

  private static Map<String, Object> labels(String base) {
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("app.kubernetes.io/managed-by", "cairn");
    l.put(LABEL_PIPELINE, base);
    return l;
  }

  private static Map<String, Object> object(
      String apiVersion, String kind, String name, String ns, String base) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    if (!kind.startsWith("Cluster")) {
      meta.put("namespace", ns);
    }
    meta.put("labels", labels(base));
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    o.put("metadata", meta);
    return o;
  }

  private static Map<String, Object> binding(
      String kind, String name, String ns, String base, String clusterRole) {
    Map<String, Object> b = object("rbac.authorization.k8s.io/v1", kind, name, ns, base);
    b.put(
        "roleRef",
        map("apiGroup", "rbac.authorization.k8s.io", "kind", "ClusterRole", "name", clusterRole));
    b.put(
        "subjects",
        List.of(map("kind", "ServiceAccount", "name", TRIGGERS_SERVICE_ACCOUNT, "namespace", ns)));
    return b;
  }

  /** The map under {@code key} of a map this class built. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> sub(Map<String, Object> m, String key) {
    return (Map<String, Object>) Objects.requireNonNull(m.get(key), key);
  }

  /** An ordered map of key, value pairs. */
  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
