package dev.cairn.deploy.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import dev.cairn.core.Yaml;
import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The export on the real API server with Tekton's own CRDs (Pipelines' {@code config/300-crds},
 * Triggers' {@code config/300-*}; see {@code tekton/SOURCES.md}) installed by server-side apply:
 * every exported object, and the PipelineRun its TriggerTemplate makes, is accepted by a
 * server-side apply with {@code dryRun=All} and {@code fieldValidation=Strict}; an unknown field in
 * a Task or Pipeline is refused the same way, so the validation is real; the Triggers CRDs accept
 * one, which is why {@link TektonTriggersFieldsTest} checks those.
 */
@RealClusterTest
class TektonExportRealClusterIT {
  static final Path CRDS = Path.of("src/test/resources/tekton");
  static final List<String> CRD_FILES =
      List.of(
          "pipeline/300-task.yaml",
          "pipeline/300-pipeline.yaml",
          "pipeline/300-pipelinerun.yaml",
          "triggers/300-triggerbinding.yaml",
          "triggers/300-triggertemplate.yaml",
          "triggers/300-eventlistener.yaml");

  record Answer(int code, String body) {}

  @BeforeAll
  static void installTektonsCrds(RealCluster cluster) throws Exception {
    KubernetesClient client = cluster.client();
    List<String> names = new ArrayList<>();
    for (String f : CRD_FILES) {
      Map<String, Object> crd = yamlObject(Files.readString(CRDS.resolve(f)), f);
      String name = (String) TektonExportTest.map(crd.get("metadata")).get("name");
      names.add(name);
      Answer a =
          apply(
              client,
              "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + name,
              crd,
              false);
      assertThat(a.code()).as("installing %s: %s", name, a.body()).isIn(200, 201);
    }
    Awaitility.await("Tekton's CRDs Established")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              for (String n : names) {
                if (!established(client, n)) {
                  return false;
                }
              }
              return true;
            });
    for (String path :
        List.of(
            "/apis/tekton.dev/v1/tasks",
            "/apis/tekton.dev/v1/pipelines",
            "/apis/tekton.dev/v1/pipelineruns",
            "/apis/triggers.tekton.dev/v1beta1/eventlisteners")) {
      Awaitility.await(path + " served")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> get(client, path).code() == 200);
    }
  }

  @Test
  void everyExportedObject_isAcceptedUnderStrictDryRun_andNothingIsCreated(RealCluster cluster)
      throws Exception {
    KubernetesClient client = cluster.client();
    String ns = cluster.newNamespace("tekton");
    for (TektonExport.Export e :
        List.of(
            TektonExportTest.exampleExport(ns),
            TektonExport.render(
                dev.cairn.pipeline.Pipelines.defaults(),
                new TektonExport.Options(ns, TektonExportTest.IMAGE)))) {
      List<Map<String, Object>> objects = new ArrayList<>(e.objects());
      objects.add(pipelineRunOf(e, "run-1"));
      for (Map<String, Object> o : objects) {
        Answer a = apply(client, path(o, ns), o, true);
        assertThat(a.code())
            .as("%s %s: %s", o.get("kind"), TektonExportTest.name(o), a.body())
            .isIn(200, 201);
        assertThat(a.body()).doesNotContain("unknown field");
      }
      // dryRun=All wrote nothing
      for (Map<String, Object> o : e.objects()) {
        assertThat(get(client, path(o, ns)).code())
            .as("%s %s after a dry run", o.get("kind"), TektonExportTest.name(o))
            .isEqualTo(404);
      }
    }
  }

  @Test
  void anUnknownField_inATaskOrPipeline_isRefusedUnderStrict(RealCluster cluster) throws Exception {
    KubernetesClient client = cluster.client();
    String ns = cluster.newNamespace("tekton-strict");
    TektonExport.Export e = TektonExportTest.exampleExport(ns);

    Map<String, Object> task =
        TektonTriggersFieldsTest.deepCopy(TektonExportTest.object(e, "Task", "hello-service-push"));
    Map<String, Object> step =
        TektonExportTest.map(
            TektonExportTest.list(TektonExportTest.spec(task).get("steps")).get(0));
    step.put("workdir", "/src");
    // server-side apply: the typed patch cannot be built from a field the schema lacks
    Answer refused = apply(client, path(task, ns), task, true);
    assertThat(refused.code()).as(refused.body()).isNotIn(200, 201);
    assertThat(refused.body()).contains(".spec.steps[0].workdir: field not declared in schema");
    // a create under Strict says "unknown field"; under Ignore the same object is taken, pruned
    String tasks = "/apis/tekton.dev/v1/namespaces/" + ns + "/tasks";
    Answer strict = create(client, tasks, task, "Strict");
    assertThat(strict.code()).as(strict.body()).isEqualTo(400);
    assertThat(strict.body())
        .contains("strict decoding error: unknown field \\\"spec.steps[0].workdir\\\"");
    Answer ignored = create(client, tasks, task, "Ignore");
    assertThat(ignored.code()).as(ignored.body()).isEqualTo(201);
    assertThat(ignored.body()).doesNotContain("workdir");

    Map<String, Object> pipeline =
        TektonTriggersFieldsTest.deepCopy(TektonExportTest.object(e, "Pipeline", "hello-service"));
    TektonExportTest.map(TektonExportTest.list(TektonExportTest.spec(pipeline).get("tasks")).get(1))
        .put("retry", 3);
    Answer refusedPipeline = apply(client, path(pipeline, ns), pipeline, true);
    assertThat(refusedPipeline.code()).as(refusedPipeline.body()).isNotIn(200, 201);
    assertThat(refusedPipeline.body())
        .contains(".spec.tasks[1].retry: field not declared in schema");
    Answer strictPipeline =
        create(client, "/apis/tekton.dev/v1/namespaces/" + ns + "/pipelines", pipeline, "Strict");
    assertThat(strictPipeline.code()).as(strictPipeline.body()).isEqualTo(400);
    assertThat(strictPipeline.body())
        .contains("strict decoding error: unknown field \\\"spec.tasks[1].retry\\\"");

    // a wrong type is refused too, not only an unknown name
    Map<String, Object> badType =
        TektonTriggersFieldsTest.deepCopy(TektonExportTest.object(e, "Pipeline", "hello-service"));
    TektonExportTest.map(TektonExportTest.list(TektonExportTest.spec(badType).get("tasks")).get(1))
        .put("retries", "twice");
    Answer badTypeAnswer = apply(client, path(badType, ns), badType, true);
    assertThat(badTypeAnswer.code()).as(badTypeAnswer.body()).isNotIn(200, 201);
    assertThat(badTypeAnswer.body()).contains("retries");

    // Triggers' CRDs preserve unknown fields: the API server takes what its webhook would refuse
    Map<String, Object> listener =
        TektonTriggersFieldsTest.deepCopy(
            TektonExportTest.object(e, "EventListener", "hello-service"));
    TektonExportTest.spec(listener).put("serviceAccount", "typo");
    Answer accepted = apply(client, path(listener, ns), listener, true);
    assertThat(accepted.code()).as(accepted.body()).isIn(200, 201);
    assertThat(
            TektonTriggersFieldsTest.check(
                TektonTriggersFieldsTest.Types.load(),
                e.objects().stream()
                    .map(o -> o.get("kind").equals("EventListener") ? listener : o)
                    .toList()))
        .containsExactly("EventListener.spec.serviceAccount is not a field of EventListenerSpec");
  }

  /** The PipelineRun the TriggerTemplate makes, its params filled as a GitHub push would. */
  static Map<String, Object> pipelineRunOf(TektonExport.Export e, String name) throws Exception {
    Map<String, Object> tt = TektonExportTest.object(e, "TriggerTemplate", e.pipeline());
    String json =
        Json.canonical(
                TektonExportTest.list(TektonExportTest.spec(tt).get("resourcetemplates")).get(0))
            .replace("$(tt.params.repo-url)", "http://127.0.0.1:1/team/hello.git")
            .replace("$(tt.params.revision)", "0123456789abcdef0123456789abcdef01234567")
            .replace("$(tt.params.ref)", "refs/heads/main");
    Map<String, Object> run = Json.parseObject(json);
    Map<String, Object> meta = TektonExportTest.map(run.get("metadata"));
    meta.remove("generateName");
    meta.put("name", name);
    meta.put("namespace", e.namespace());
    return run;
  }

  static String path(Map<String, Object> o, String ns) {
    String apiVersion = (String) o.get("apiVersion");
    String kind = (String) o.get("kind");
    String plural = kind.toLowerCase(Locale.ROOT) + "s";
    String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
    String scope = kind.startsWith("Cluster") ? "" : "/namespaces/" + ns;
    return base + scope + "/" + plural + "/" + TektonExportTest.name(o);
  }

  /** A server-side apply (field manager cairn-test), with {@code dryRun=All} when asked. */
  static Answer apply(KubernetesClient client, String path, Map<String, Object> o, boolean dryRun)
      throws Exception {
    String query =
        "?fieldManager=cairn-test&force=true&fieldValidation=Strict"
            + (dryRun ? "&dryRun=All" : "");
    HttpClient http = client.getHttpClient();
    HttpResponse<String> r =
        http.sendAsync(
                http.newHttpRequestBuilder()
                    .uri(url(client, path + query))
                    .method("PATCH", "application/apply-patch+yaml", Json.canonical(o))
                    .build(),
                String.class)
            .get(60, TimeUnit.SECONDS);
    return new Answer(r.code(), String.valueOf(r.body()));
  }

  /** A create ({@code POST}) with {@code dryRun=All} and the given field validation. */
  static Answer create(
      KubernetesClient client, String collection, Map<String, Object> o, String validation)
      throws Exception {
    HttpClient http = client.getHttpClient();
    HttpResponse<String> r =
        http.sendAsync(
                http.newHttpRequestBuilder()
                    .uri(url(client, collection + "?dryRun=All&fieldValidation=" + validation))
                    .post("application/json", Json.canonical(o))
                    .build(),
                String.class)
            .get(60, TimeUnit.SECONDS);
    return new Answer(r.code(), String.valueOf(r.body()));
  }

  static Answer get(KubernetesClient client, String path) throws Exception {
    HttpClient http = client.getHttpClient();
    HttpResponse<String> r =
        http.sendAsync(http.newHttpRequestBuilder().uri(url(client, path)).build(), String.class)
            .get(60, TimeUnit.SECONDS);
    return new Answer(r.code(), String.valueOf(r.body()));
  }

  static String url(KubernetesClient client, String path) {
    String master = client.getMasterUrl().toString();
    return (master.endsWith("/") ? master.substring(0, master.length() - 1) : master) + path;
  }

  static boolean established(KubernetesClient client, String crd) throws Exception {
    Answer a = get(client, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + crd);
    if (a.code() != 200) {
      return false;
    }
    Object status = Json.parseObject(a.body()).get("status");
    if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> conditions)) {
      return false;
    }
    return conditions.stream()
        .anyMatch(
            c ->
                c instanceof Map<?, ?> m
                    && "Established".equals(m.get("type"))
                    && "True".equals(m.get("status")));
  }

  static Map<String, Object> yamlObject(String text, String file) throws Exception {
    Object o = Yaml.parseDocument(file, text, 0).value();
    return TektonExportTest.map(o);
  }
}
