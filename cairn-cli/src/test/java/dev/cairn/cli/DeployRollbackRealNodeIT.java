package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.core.CairnHome;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import dev.cairn.testing.PodImage;
import dev.cairn.testing.RealClusterTest;
import dev.cairn.testing.RealNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn deploy} and {@code cairn rollback} end to end on the real node: two signed and
 * attested busybox images (a registry on 127.0.0.1, the builder key in the trust root) pass the
 * gate, roll out, and serve HTTP; {@code cairn rollback} brings back the first, which serves again,
 * and pins the target so that a deploy is refused until {@code cairn deploy unpin}.
 */
@RealClusterTest(realNode = true)
class DeployRollbackRealNodeIT {
  /** The namespaces made here, deleted after each test. */
  private final MadeNamespaces made = new MadeNamespaces();

  @org.junit.jupiter.api.AfterEach
  void deleteNamespaces() {
    made.deleteAll();
  }

  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();
  @TempDir Path tmp;

  /** A Deployment serving {@code version}; the namespace puts its pod on the real node. */
  static String web(String image, String version) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, labels: {app: web}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              automountServiceAccountToken: false
              terminationGracePeriodSeconds: 1
              containers:
                - name: web
                  image: %s
                  command: ["sh", "-c", "mkdir -p /www && echo %s > /www/index.html && exec httpd -f -p 8080 -h /www"]
                  ports: [{containerPort: 8080}]
                  readinessProbe:
                    httpGet: {path: /index.html, port: 8080}
                    periodSeconds: 1
                    failureThreshold: 2
        """
        .formatted(image, version);
  }

  static Map<String, Object> provenance() {
    String repo = "https://git.test/team/web";
    return Map.of(
        "buildDefinition",
        Map.of(
            "buildType",
            "https://cairn.dev/pipeline/run/v1",
            "externalParameters",
            Map.of("repository", repo, "ref", "refs/heads/main"),
            "resolvedDependencies",
            List.of(
                Map.of(
                    "uri",
                    "git+" + repo,
                    "digest",
                    Map.of("gitCommit", "0123456789abcdef0123456789abcdef01234567")))),
        "runDetails",
        Map.of(
            "builder",
            Map.of("id", "https://cairn.dev/builder/unattested/v1"),
            "metadata",
            Map.of("finishedOn", Instant.now().minusSeconds(30).toString())));
  }

  static String signed(OciClient oci, PodImage base, String tag, KeyPair builder) throws Exception {
    ImageRef ref = ImageRef.parse(base.withLabel("version", tag).push(REGISTRY, "team/web:" + tag));
    Cosign cosign = Cosign.using(oci, Clock.systemUTC());
    cosign.sign(ref, builder.getPrivate(), Cosign.Storage.BOTH);
    cosign.attest(
        ref,
        Cosign.statement(ref, ImageVerifier.SLSA_PROVENANCE_V1, provenance()),
        builder.getPrivate(),
        Cosign.Storage.BOTH);
    return REGISTRY.address() + "/team/web:" + tag;
  }

  static String get(String podIp) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + podIp + ":8080/index.html"))
                .timeout(Duration.ofSeconds(3))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body().strip();
  }

  static void serves(RealNode node, String ns, String body) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<Pod> ready =
                  node
                      .cluster()
                      .client()
                      .pods()
                      .inNamespace(ns)
                      .withLabel("app", "web")
                      .list()
                      .getItems()
                      .stream()
                      .filter(
                          p ->
                              p.getStatus().getConditions().stream()
                                  .anyMatch(
                                      c ->
                                          c.getType().equals("Ready")
                                              && c.getStatus().equals("True")))
                      .toList();
              assertThat(ready).hasSize(1);
              assertThat(ready.get(0).getSpec().getNodeName()).isEqualTo(RealNode.NAME);
              assertThat(get(ready.get(0).getStatus().getPodIP())).isEqualTo("200 " + body);
            });
  }

  static CliTest.Run ok(CliTest.Run r) {
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    return r;
  }

  @Test
  void deploy_twoRevisions_thenRollback_servesTheFirstAgain_andPins(RealNode node)
      throws Exception {
    Path home = tmp.resolve("home");
    KeyPair builder = CosignKeys.generate();
    Files.createDirectories(home);
    Files.writeString(
        CairnHome.of(home).trustRoot(),
        TrustRoot.empty()
            .withTrusted(
                new TrustRoot.BuilderKey(builder.getPublic().getEncoded()),
                Instant.now().minus(Duration.ofDays(1)))
            .withUnattestedBuildersAccepted(true)
            .toJson());
    OciClient oci = Registries.builder().allowPlainHttp(REGISTRY.address()).build();
    PodImage base = PodImage.busybox();
    String v1 = signed(oci, base, "1", builder);
    String v2 = signed(oci, base, "2", builder);

    String ns = node.newNamespace("cli-rollback");
    made.add(node.cluster().client(), ns);
    ok(
        CliTest.run(
            home,
            "deploy",
            "target",
            "web",
            "--kubeconfig",
            node.cluster().kubeconfig().toString(),
            "--namespace",
            ns,
            "--deadline",
            "90",
            "--no-certificate"));
    Path m1 = Files.writeString(tmp.resolve("v1.yaml"), web(v1, "one"));
    Path m2 = Files.writeString(tmp.resolve("v2.yaml"), web(v2, "two"));

    CliTest.Run d1 = ok(CliTest.run(home, "deploy", "web", m1.toString(), "--who", "olga"));
    assertThat(d1.out())
        .startsWith("Deployed rev 1 to web (" + ns + ") in ")
        .contains("gate passed: signature, provenance")
        .contains(REGISTRY.address() + "/team/web@sha256:");
    serves(node, ns, "one");

    CliTest.Run d2 = ok(CliTest.run(home, "deploy", "web", m2.toString(), "--who", "olga"));
    assertThat(d2.out()).startsWith("Deployed rev 2 to web");
    serves(node, ns, "two");

    CliTest.Run back = ok(CliTest.run(home, "rollback", "web", "--who", "olga"));
    assertThat(back.out()).contains("rev 1");
    serves(node, ns, "one");

    CliTest.Run history = ok(CliTest.run(home, "deploy", "history", "web"));
    assertThat(history.out().lines().toList())
        .hasSizeGreaterThanOrEqualTo(4)
        .anySatisfy(l -> assertThat(l).startsWith("3  rollback  "))
        .anySatisfy(l -> assertThat(l).startsWith("pinned at rev 1 by olga"));

    CliTest.Run refused = CliTest.run(home, "deploy", "web", m2.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("pinned");
    ok(CliTest.run(home, "deploy", "unpin", "web"));
    ok(CliTest.run(home, "deploy", "web", m2.toString()));
    serves(node, ns, "two");
  }
}
