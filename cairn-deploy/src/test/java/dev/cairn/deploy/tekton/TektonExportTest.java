package dev.cairn.deploy.tekton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.pipeline.PipelineDefinition;
import dev.cairn.pipeline.Pipelines;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tekton export: golden files ({@code -Dgolden.update=true} rewrites them), the references
 * between the exported objects, the CEL branch filter evaluated against GitHub push bodies, and the
 * inputs it refuses.
 */
class TektonExportTest {
  static final Path DIR = Path.of("src/test/resources/tekton");
  static final Path GOLDEN = DIR.resolve("golden");
  static final String IMAGE =
      "registry.example:5000/cairn/cairn@sha256:"
          + "00000000000000000000000000000000000000000000000000000000000000ca";
  static final String UPDATE_HINT =
      "run ./mvnw -B -pl cairn-deploy test -Dtest=TektonExportTest -Dgolden.update=true and review"
          + " the diff";

  static PipelineDefinition example() throws Exception {
    return Pipelines.parse(
        ".cairn/pipeline.yaml", Files.readString(DIR.resolve("example-pipeline.yaml")));
  }

  static TektonExport.Export exampleExport(String namespace) throws Exception {
    return TektonExport.render(example(), new TektonExport.Options(namespace, IMAGE));
  }

  static void assertMatchesGolden(String actual, Path golden, boolean update) throws Exception {
    if (update) {
      Files.writeString(golden, actual);
    }
    if (!Files.exists(golden)) {
      throw new AssertionError("golden file " + golden + " is missing: " + UPDATE_HINT);
    }
    assertThat(actual)
        .as("%s differs from the golden file; if the change is intended, %s", golden, UPDATE_HINT)
        .isEqualTo(Files.readString(golden));
  }

  @Test
  void export_example_matchesGoldenFile() throws Exception {
    assertMatchesGolden(
        exampleExport("ci").yaml(),
        GOLDEN.resolve("example.yaml"),
        Boolean.getBoolean("golden.update"));
  }

  @Test
  void export_defaults_matchesGoldenFile() throws Exception {
    assertMatchesGolden(
        TektonExport.render(Pipelines.defaults(), new TektonExport.Options("ci", IMAGE)).yaml(),
        GOLDEN.resolve("defaults.yaml"),
        Boolean.getBoolean("golden.update"));
  }

  @Test
  void golden_missingFileFailsUnlessUpdating(@TempDir Path dir) throws Exception {
    Path golden = dir.resolve("x.yaml");
    assertThatThrownBy(() -> assertMatchesGolden("a: 1\n", golden, false))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is missing");
    assertMatchesGolden("a: 1\n", golden, true);
    assertThat(golden).hasContent("a: 1\n");
  }

  @Test
  void export_doesNotDependOnTheOrderOfMapsInTheFile() throws Exception {
    String text = Files.readString(DIR.resolve("example-pipeline.yaml"));
    String swapped =
        text.replace(
                "  MAVEN_OPTS: -Xmx512m\n  LANG: C.UTF-8\n",
                "  LANG: C.UTF-8\n  MAVEN_OPTS: -Xmx512m\n")
            .replace(
                "{REGISTRY_USERNAME: registry-user, REGISTRY_PASSWORD: registry-password}",
                "{REGISTRY_PASSWORD: registry-password, REGISTRY_USERNAME: registry-user}");
    assertThat(swapped).isNotEqualTo(text);
    PipelineDefinition other = Pipelines.parse(".cairn/pipeline.yaml", swapped);
    String a = exampleExport("ci").yaml().replaceAll("cairn.dev/pipeline-digest: .*", "");
    String b =
        TektonExport.render(other, new TektonExport.Options("ci", IMAGE))
            .yaml()
            .replaceAll("cairn.dev/pipeline-digest: .*", "");
    assertThat(b).isEqualTo(a);
  }

  @Test
  void export_objectsInApplyOrder_withOneTaskPerStep() throws Exception {
    TektonExport.Export e = exampleExport("ci");
    assertThat(e.pipeline()).isEqualTo("hello-service");
    assertThat(e.objects())
        .extracting(o -> o.get("kind") + "/" + name(o))
        .containsExactly(
            "ServiceAccount/cairn-dev",
            "ServiceAccount/cairn-sec",
            "ServiceAccount/cairn-ops",
            "ServiceAccount/cairn-triggers",
            "RoleBinding/cairn-triggers",
            "ClusterRoleBinding/cairn-triggers-ci",
            "Task/hello-service-checkout",
            "Task/hello-service-unit-tests",
            "Task/hello-service-build",
            "Task/hello-service-scan",
            "Task/hello-service-push",
            "Task/hello-service-sbom",
            "Task/hello-service-vuln-gate",
            "Task/hello-service-sign",
            "Task/hello-service-deploy",
            "Pipeline/hello-service",
            "TriggerBinding/hello-service-github-push",
            "TriggerTemplate/hello-service",
            "EventListener/hello-service");
  }

  /** Every reference between the objects resolves, as Tekton's own webhook would check. */
  @Test
  void export_everyReferenceResolves() throws Exception {
    for (TektonExport.Export e :
        List.of(
            exampleExport("ci"),
            TektonExport.render(Pipelines.defaults(), new TektonExport.Options("ci", IMAGE)))) {
      Map<String, Map<String, Object>> tasks = new LinkedHashMap<>();
      Map<String, Object> pipeline = Map.of();
      Map<String, Object> template = Map.of();
      Map<String, Object> binding = Map.of();
      Map<String, Object> listener = Map.of();
      Set<String> serviceAccounts = new HashSet<>();
      for (Map<String, Object> o : e.objects()) {
        switch ((String) o.get("kind")) {
          case "Task" -> tasks.put(name(o), o);
          case "Pipeline" -> pipeline = o;
          case "TriggerTemplate" -> template = o;
          case "TriggerBinding" -> binding = o;
          case "EventListener" -> listener = o;
          case "ServiceAccount" -> serviceAccounts.add(name(o));
          default -> {}
        }
      }
      // a Task uses only the params it declares, and the workspace it declares
      for (Map<String, Object> t : tasks.values()) {
        Set<String> declared = names(list(spec(t).get("params")));
        assertThat(references(t, "params")).as(name(t)).isSubsetOf(declared);
        assertThat(references(t, "workspaces")).as(name(t)).containsOnly("source");
        assertThat(references(t, "results"))
            .as(name(t))
            .isSubsetOf(names(list(spec(t).getOrDefault("results", List.of()))));
      }
      // the Pipeline's tasks name exported Tasks, pass each of its params, run in order
      Set<String> pipelineParams = names(list(spec(pipeline).get("params")));
      List<String> earlier = new ArrayList<>();
      Map<String, String> taskOf = new LinkedHashMap<>();
      for (Object x : list(spec(pipeline).get("tasks"))) {
        Map<String, Object> pt = map(x);
        String ref = (String) map(pt.get("taskRef")).get("name");
        assertThat(tasks).containsKey(ref);
        taskOf.put((String) pt.get("name"), ref);
        assertThat(names(list(pt.get("params"))))
            .isEqualTo(names(list(spec(tasks.get(ref)).get("params"))));
        assertThat(references(pt, "params")).isSubsetOf(pipelineParams);
        if (earlier.isEmpty()) {
          assertThat(pt).doesNotContainKey("runAfter");
        } else {
          assertThat(list(pt.get("runAfter"))).containsExactly(earlier.get(earlier.size() - 1));
        }
        earlier.add((String) pt.get("name"));
      }
      // the Pipeline's results come from a task that declares them
      Matcher m =
          Pattern.compile("\\$\\(tasks\\.([a-z0-9-]+)\\.results\\.([A-Z_]+)\\)")
              .matcher(dev.cairn.core.Json.canonical(spec(pipeline)));
      int results = 0;
      while (m.find()) {
        results++;
        assertThat(names(list(spec(tasks.get(taskOf.get(m.group(1)))).get("results"))))
            .contains(m.group(2));
      }
      assertThat(results).as("both pipelines push: IMAGE_URL and IMAGE_DIGEST").isEqualTo(2);
      // the template passes the params the binding fills, to the Pipeline it names
      Set<String> ttParams = names(list(spec(template).get("params")));
      assertThat(names(list(spec(binding).get("params")))).isEqualTo(ttParams);
      assertThat(references(template, "tt.params")).isEqualTo(ttParams);
      Map<String, Object> run = map(list(spec(template).get("resourcetemplates")).get(0));
      assertThat(map(spec(run).get("pipelineRef")).get("name")).isEqualTo(name(pipeline));
      assertThat(ttParams)
          .isEqualTo(
              pipelineParams.stream()
                  .filter(p -> !p.equals("image"))
                  .collect(java.util.stream.Collectors.toSet()));
      for (Object x : list(spec(run).getOrDefault("taskRunSpecs", List.of()))) {
        assertThat(taskOf).containsKey((String) map(x).get("pipelineTaskName"));
        assertThat(serviceAccounts).contains((String) map(x).get("serviceAccountName"));
      }
      assertThat(serviceAccounts)
          .contains((String) map(spec(run).get("taskRunTemplate")).get("serviceAccountName"));
      // the listener names the binding, the template and its own ServiceAccount
      Map<String, Object> trigger = map(list(spec(listener).get("triggers")).get(0));
      assertThat(map(list(trigger.get("bindings")).get(0)).get("ref")).isEqualTo(name(binding));
      assertThat(map(trigger.get("template")).get("ref")).isEqualTo(name(template));
      assertThat(serviceAccounts).contains((String) spec(listener).get("serviceAccountName"));
    }
  }

  @Test
  void export_pushTask_declaresTheResultsTektonChainsReads() throws Exception {
    Map<String, Object> push = object(exampleExport("ci"), "Task", "hello-service-push");
    assertThat(names(list(spec(push).get("results")))).containsExactly("IMAGE_URL", "IMAGE_DIGEST");
    Map<String, Object> step = map(list(spec(push).get("steps")).get(0));
    assertThat(list(step.get("env")))
        .extracting(x -> map(x).get("name") + "=" + map(x).get("value"))
        .contains(
            "CAIRN_RESULT_IMAGE_URL=$(results.IMAGE_URL.path)",
            "CAIRN_RESULT_IMAGE_DIGEST=$(results.IMAGE_DIGEST.path)");
    // the registry's secrets come from the Secret by name, their values never in the Task; Cairn's
    // own steps read them as `cairn pipeline run` does, from CAIRN_SECRET_<NAME>
    assertThat(list(step.get("env")))
        .filteredOn(x -> map(x).containsKey("valueFrom"))
        .extracting(x -> dev.cairn.core.Json.canonical(x))
        .containsExactly(
            "{\"name\":\"CAIRN_SECRET_REGISTRY_PASSWORD\",\"valueFrom\":{\"secretKeyRef\":{\"key\":\"registry-password\",\"name\":\"hello-service-secrets\"}}}",
            "{\"name\":\"CAIRN_SECRET_REGISTRY_USER\",\"valueFrom\":{\"secretKeyRef\":{\"key\":\"registry-user\",\"name\":\"hello-service-secrets\"}}}");
  }

  @Test
  void export_runStep_runsItsOwnImageAndCommandInItsWorkdir() throws Exception {
    Map<String, Object> t = object(exampleExport("ci"), "Task", "hello-service-unit-tests");
    Map<String, Object> step = map(list(spec(t).get("steps")).get(0));
    assertThat(step.get("image"))
        .isEqualTo(
            "registry.example:5000/tools/maven@sha256:"
                + "0000000000000000000000000000000000000000000000000000000000000001");
    assertThat(step.get("command")).isEqualTo(List.of("./mvnw"));
    assertThat(step.get("args")).isEqualTo(List.of("-B", "test"));
    assertThat(step.get("workingDir")).isEqualTo("$(workspaces.source.path)/app");
    assertThat(names(list(spec(t).get("params")))).doesNotContain("image");
    Map<String, Object> checkout = object(exampleExport("ci"), "Task", "hello-service-checkout");
    Map<String, Object> c = map(list(spec(checkout).get("steps")).get(0));
    assertThat(c.get("image")).isEqualTo("$(params.image)");
    assertThat(c.get("args"))
        .isEqualTo(
            List.of("pipeline", "step", "checkout", "--workspace", "$(workspaces.source.path)"));
  }

  @Test
  void export_eachStepRunsUnderItsDuty() throws Exception {
    Map<String, Object> tt = object(exampleExport("ci"), "TriggerTemplate", "hello-service");
    Map<String, Object> run = map(list(spec(tt).get("resourcetemplates")).get(0));
    assertThat(map(spec(run).get("taskRunTemplate")).get("serviceAccountName"))
        .isEqualTo("cairn-dev");
    assertThat(list(spec(run).get("taskRunSpecs")))
        .extracting(x -> map(x).get("pipelineTaskName") + ":" + map(x).get("serviceAccountName"))
        .containsExactly(
            "scan:cairn-sec", "vuln-gate:cairn-sec", "sign:cairn-sec", "deploy:cairn-ops");
  }

  @Test
  void export_eventListener_verifiesGitHubsSignatureAndLetsPushesOnly() throws Exception {
    Map<String, Object> el = object(exampleExport("ci"), "EventListener", "hello-service");
    Map<String, Object> trigger = map(list(spec(el).get("triggers")).get(0));
    Map<String, Object> github = map(list(trigger.get("interceptors")).get(0));
    assertThat(map(github.get("ref")).get("name")).isEqualTo("github");
    assertThat(dev.cairn.core.Json.canonical(github.get("params")))
        .isEqualTo(
            "[{\"name\":\"secretRef\",\"value\":{\"secretKey\":\"secret\",\"secretName\":"
                + "\"hello-service-github-webhook\"}},{\"name\":\"eventTypes\",\"value\":[\"push\"]}]");
    Map<String, Object> cel = map(list(trigger.get("interceptors")).get(1));
    assertThat(map(cel.get("ref")).get("name")).isEqualTo("cel");
    assertThat(map(list(cel.get("params")).get(0)).get("value"))
        .isEqualTo(TektonExport.celFilter(example().triggers()));
  }

  /** The CEL filter, run by cel-java over GitHub push bodies, agrees with Cairn's own triggers. */
  @Test
  void celFilter_agreesWithTheTriggersOfThePipeline() throws Exception {
    List<PipelineDefinition.Triggers> triggers =
        List.of(
            example().triggers(),
            PipelineDefinition.Triggers.defaults(),
            new PipelineDefinition.Triggers(
                List.of("**/hotfix-?"), List.of(), List.of("**/*.java")),
            new PipelineDefinition.Triggers(List.of(), List.of("v1.*"), List.of()));
    List<String> refs =
        List.of(
            "refs/heads/main",
            "refs/heads/mainline",
            "refs/heads/release/1.2",
            "refs/heads/release/1/2",
            "refs/heads/hotfix-1",
            "refs/heads/team/a/hotfix-2",
            "refs/heads/hotfix-12",
            "refs/tags/v1.0",
            "refs/tags/v1x0",
            "refs/tags/x",
            "refs/pull/1/head");
    List<List<String>> changes =
        List.of(
            List.of(),
            List.of("src/A.java"),
            List.of("Dockerfile"),
            List.of("README.md"),
            List.of("docs/x/B.java"));
    CelCompiler compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("body", SimpleType.DYN)
            .build();
    CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    int cases = 0;
    for (PipelineDefinition.Triggers t : triggers) {
      String filter = TektonExport.celFilter(t);
      assertThat(filter).doesNotContain("\\");
      CelAbstractSyntaxTree ast = compiler.compile(filter).getAst();
      CelRuntime.Program program = runtime.createProgram(ast);
      for (String ref : refs) {
        for (List<String> changed : changes) {
          for (boolean deleted : List.of(false, true)) {
            Map<String, Object> commit = new LinkedHashMap<>();
            commit.put("added", changed);
            commit.put("modified", List.of());
            commit.put("removed", List.of());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ref", ref);
            body.put("deleted", deleted);
            body.put("commits", changed.isEmpty() ? List.of() : List.of(commit));
            boolean expected = !deleted && t.matchesRef(ref) && t.matchesPaths(changed);
            assertThat(program.eval(Map.of("body", body)))
                .as("%s on %s %s deleted=%s", filter, ref, changed, deleted)
                .isEqualTo(expected);
            cases++;
          }
        }
      }
    }
    assertThat(cases).isEqualTo(4 * 11 * 5 * 2);
  }

  @Test
  void render_refusesWhatTektonCannotTake() throws Exception {
    PipelineDefinition def = example();
    assertThatThrownBy(() -> TektonExport.render(def, new TektonExport.Options("Not_A_Ns", IMAGE)))
        .isInstanceOf(CairnException.class)
        .hasMessage("not a namespace name: Not_A_Ns");
    assertThatThrownBy(() -> TektonExport.render(def, new TektonExport.Options("ci", " ")))
        .isInstanceOf(CairnException.class)
        .hasMessageStartingWith("not an image reference");
    PipelineDefinition clash =
        Pipelines.parse(
            ".cairn/pipeline.yaml",
            "name: p\nsteps:\n  - name: unit.tests\n    run: {command: [a]}\n"
                + "  - name: unit-tests\n    run: {command: [b]}\n");
    assertThatThrownBy(() -> TektonExport.render(clash, new TektonExport.Options("ci", IMAGE)))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining(".cairn/pipeline.yaml:5")
        .hasMessageContaining("apart from another step's (unit-tests)");
    PipelineDefinition badGlob =
        Pipelines.parse(
            ".cairn/pipeline.yaml",
            "name: p\ntriggers:\n  branches: ['a[b]']\nsteps:\n  - build\n");
    assertThatThrownBy(() -> TektonExport.render(badGlob, new TektonExport.Options("ci", IMAGE)))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("'a[b]'");
  }

  @Test
  void goDuration_writesGosSyntax() {
    assertThat(TektonExport.goDuration(java.time.Duration.ofMinutes(30))).isEqualTo("30m0s");
    assertThat(TektonExport.goDuration(java.time.Duration.ofSeconds(5430))).isEqualTo("1h30m30s");
    assertThat(TektonExport.goDuration(java.time.Duration.ofSeconds(7))).isEqualTo("7s");
    assertThat(TektonExport.goDuration(java.time.Duration.ofMillis(1500))).isEqualTo("2s");
  }

  // helpers over the exported maps

  static String name(Map<String, Object> o) {
    return (String) map(o.get("metadata")).get("name");
  }

  static Map<String, Object> spec(Map<String, Object> o) {
    return map(o.get("spec"));
  }

  static Map<String, Object> object(TektonExport.Export e, String kind, String name) {
    return e.objects().stream()
        .filter(o -> o.get("kind").equals(kind) && name(o).equals(name))
        .findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return (List<Object>) o;
  }

  static Set<String> names(List<Object> l) {
    Set<String> s = new java.util.LinkedHashSet<>();
    l.forEach(x -> s.add((String) map(x).get("name")));
    return s;
  }

  /** The names of {@code $(PREFIX.NAME...)} references anywhere in {@code o}. */
  static Set<String> references(Object o, String prefix) {
    Set<String> found = new HashSet<>();
    Matcher m =
        Pattern.compile("\\$\\(" + Pattern.quote(prefix) + "\\.([A-Za-z0-9_-]+)")
            .matcher(dev.cairn.core.Json.canonical(o));
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
