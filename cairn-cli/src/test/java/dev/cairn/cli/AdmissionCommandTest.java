package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Yaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn admission render}: the ValidatingWebhookConfiguration with the webhook's own CA as
 * caBundle, fail closed by default; usage errors of render and serve, one line with a hint.
 */
class AdmissionCommandTest {
  @TempDir Path dir;

  @Test
  void render_writesTheConfiguration_withTheWebhooksCa_failClosed() throws Exception {
    Path home = dir.resolve("home");
    CliTest.Run r = CliTest.run(home, "admission", "render", "--port", "9443");
    assertThat(r.code()).as(r.err()).isZero();
    Path ca = home.resolve("admission/tls/ca.crt");
    assertThat(ca).exists();
    assertThat(home.resolve("admission/tls/ca.key")).exists();
    String yaml = r.out();
    Yaml.parseDocument("rendered", yaml, 1);
    assertThat(yaml)
        .contains("kind: ValidatingWebhookConfiguration\n")
        .contains("  name: cairn-admission\n")
        .contains("    url: \"https://127.0.0.1:9443/validate\"\n")
        .contains(
            "    caBundle: "
                + Base64.getEncoder()
                    .encodeToString(Files.readString(ca).getBytes(StandardCharsets.UTF_8))
                + "\n")
        .contains("      cairn.dev/enforce: \"true\"\n")
        .contains("  failurePolicy: Fail\n")
        .contains("  sideEffects: None\n")
        .contains("  admissionReviewVersions: [\"v1\"]\n")
        .contains("  timeoutSeconds: 10\n")
        .contains("resources: [\"deployments\", \"statefulsets\", \"daemonsets\", \"replicasets\"]")
        .contains("resources: [\"jobs\", \"cronjobs\"]")
        .contains(
            "resources: [\"pods\", \"pods/ephemeralcontainers\", \"replicationcontrollers\"]");

    // the CA is kept: a second render names the same one
    Path out = dir.resolve("webhook.yaml");
    CliTest.Run again =
        CliTest.run(
            home,
            "admission",
            "render",
            "--port",
            "9443",
            "--fail-open",
            "--timeout",
            "5",
            "--namespace-label",
            "team=shop",
            "--output",
            out.toString());
    assertThat(again.code()).as(again.err()).isZero();
    String second = Files.readString(out);
    assertThat(second)
        .contains(yaml.lines().filter(l -> l.contains("caBundle")).findFirst().orElseThrow())
        .contains("  failurePolicy: Ignore\n")
        .contains("  timeoutSeconds: 5\n")
        .contains("      team: \"shop\"\n")
        .doesNotContain("cairn.dev/enforce");
  }

  @Test
  void render_andServe_refuseBadInput_inOneLineWithAHint() throws Exception {
    Path home = dir.resolve("home");
    CliTest.Run label = CliTest.run(home, "admission", "render", "--namespace-label", "enforce");
    assertThat(label.code()).isEqualTo(2);
    assertThat(label.err())
        .startsWith("cairn: --namespace-label enforce is not KEY=VALUE")
        .contains("pass a label as KEY=VALUE");
    CliTest.Run timeout = CliTest.run(home, "admission", "render", "--timeout", "60");
    assertThat(timeout.code()).isEqualTo(2);
    assertThat(timeout.err()).contains("timeoutSeconds is 1 to 30");
    CliTest.Run http = CliTest.run(home, "admission", "render", "--url", "http://127.0.0.1:1/x");
    assertThat(http.code()).isEqualTo(2);
    assertThat(http.err()).contains("a webhook URL is https://");

    CliTest.Run noTrust = CliTest.run(home, "admission", "serve", "--port", "0");
    assertThat(noTrust.code()).isEqualTo(2);
    assertThat(noTrust.err())
        .startsWith("cairn: there is no trust root ")
        .contains("cairn trust add-builder-key");
    CliTest.Run kube =
        CliTest.run(home, "admission", "serve", "--kubeconfig", dir.resolve("k").toString());
    assertThat(kube.code()).isEqualTo(2);
    assertThat(kube.err()).contains("--kubeconfig is for checking the cluster certificate");
  }
}
