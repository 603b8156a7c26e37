package dev.cairn.deploy.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Secret;
import dev.cairn.core.TarReader;
import dev.cairn.deploy.internal.JobRunner;
import dev.cairn.deploy.internal.WorkspaceServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesJobsTest {
  @TempDir Path tmp;

  static JobRunner.Spec spec(Secret token, Map<String, Secret> secrets) {
    return new JobRunner.Spec(
        "cairn-run-1-test-abcdef-1",
        Map.of("app.kubernetes.io/managed-by", "cairn"),
        "127.0.0.1:5000/team/tools@sha256:" + "a".repeat(64),
        List.of("sh", "-c", "make test"),
        "src",
        Map.of("GREETING", "hi"),
        secrets,
        "http://10.88.0.1:4444/workspaces/0123",
        token,
        "b".repeat(64),
        Duration.ofMinutes(3));
  }

  @Test
  void theJobNamesItsSecretsByReferenceAndRunsRestricted() {
    Secret token = Secret.ofUtf8("workspace-token-value");
    Secret api = Secret.ofUtf8("api-secret-value");
    Job job =
        JobRunner.job(
            spec(token, Map.of("API_TOKEN", api)),
            "cairn-run-1-test-abcdef-1-env",
            "ci",
            "cairn-dev",
            "127.0.0.1:5000/cairn/agent@sha256:" + "c".repeat(64),
            JobsConfig.NONROOT);
    String yaml = Serialization.asYaml(job);
    assertThat(yaml).doesNotContain("workspace-token-value").doesNotContain("api-secret-value");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(180);
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getServiceAccountName()).isEqualTo("cairn-dev");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(JobsConfig.NONROOT);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container step = pod.getContainers().get(0);
    assertThat(step.getWorkingDir()).isEqualTo("/workspace/src");
    assertThat(step.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(step.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(step.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("API_TOKEN");
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo("cairn-run-1-test-abcdef-1-env");
            });
    Container init = pod.getInitContainers().get(0);
    assertThat(init.getArgs()).containsExactly("fetch-workspace");
    assertThat(init.getEnv())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("CAIRN_WORKSPACE_TOKEN"));
  }

  @Test
  void jobNamesAreDnsLabelsUniquePerRunStepAndAttempt() {
    String a = KubernetesJobs.jobName("20261202-0001", "Build_And Test", 1);
    String b = KubernetesJobs.jobName("20261202-0001", "Build_And Test", 2);
    String c = KubernetesJobs.jobName("20261202-0001", "x".repeat(100), 1);
    String d = KubernetesJobs.jobName("20261202-0001", "x".repeat(100) + "y", 1);
    for (String n : List.of(a, b, c, d)) {
      assertThat(n).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
    }
    assertThat(a).isNotEqualTo(b);
    assertThat(c).isNotEqualTo(d);
  }

  @Test
  void aWorkspaceIsPackedWholeAndALinkIsRefused() throws Exception {
    Path ws = tmp.resolve("ws");
    Files.createDirectories(ws.resolve("src"));
    Files.writeString(ws.resolve("src/main.c"), "int main(){}");
    Path archive = tmp.resolve("ws.tar");
    String sha = KubernetesJobs.pack(ws, archive);
    assertThat(sha).isEqualTo(dev.cairn.core.Digest.sha256(Files.readAllBytes(archive)).hex());
    try (InputStream in = Files.newInputStream(archive)) {
      TarReader.extract(in, tmp.resolve("out"), 1 << 20);
    }
    assertThat(tmp.resolve("out/src/main.c")).hasContent("int main(){}");

    Files.createSymbolicLink(ws.resolve("link"), Path.of("/etc/passwd"));
    assertThatThrownBy(() -> KubernetesJobs.pack(ws, tmp.resolve("ws2.tar")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("link");
  }

  @Test
  void theWorkspaceServerGivesAnArchiveOnceToTheHolderOfItsToken() throws Exception {
    Path archive = tmp.resolve("a.tar");
    Files.writeString(archive, "archive-bytes");
    try (WorkspaceServer server = new WorkspaceServer("127.0.0.1", Clock.systemUTC())) {
      WorkspaceServer.Offered o = server.offer(archive, Duration.ofMinutes(1));
      HttpClient http = HttpClient.newHttpClient();
      String token = new String(o.token().bytes(), StandardCharsets.UTF_8);
      assertThat(get(http, o.url(), null).statusCode()).isEqualTo(404);
      assertThat(get(http, o.url(), "wrong").statusCode()).isEqualTo(404);
      HttpResponse<String> ok = get(http, o.url(), token);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("archive-bytes");
      assertThat(get(http, o.url(), token).statusCode()).as("once only").isEqualTo(404);
      assertThat(archive).doesNotExist();
    }
  }

  static HttpResponse<String> get(HttpClient http, URI url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(url);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
