package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import dev.cairn.testing.LocalRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn pipeline step build}, then {@code cairn pipeline step push --results DIR} to a real
 * registry (Debian's docker-registry on 127.0.0.1): the push finds the build through its outputs
 * file and writes the Tekton results Tekton Chains reads, in {@code --results} and in the files the
 * export's {@code CAIRN_RESULT_*} variables name.
 */
class PipelineStepPushIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  @TempDir Path dir;

  @Test
  void buildThenPush_writesImageUrlAndDigestAsTektonResults() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("source/.cairn")).getParent();
    Files.writeString(
        ws.resolve(".cairn/pipeline.yaml"),
        "name: pushed\nsteps:\n  - build\n  - push: {registry: "
            + REGISTRY.address()
            + ", repository: team/app, plainHttp: true}\n");
    Files.writeString(ws.resolve("hello.txt"), "hello\n");
    Files.writeString(ws.resolve("Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("CAIRN_HOME", dir.resolve("home").toString());
    env.put("CAIRN_RUN_ID", "pushed-run-7");
    Path tekton = dir.resolve("tekton/results");
    env.put("CAIRN_RESULT_IMAGE_URL", tekton.resolve("IMAGE_URL").toString());
    env.put("CAIRN_RESULT_IMAGE_DIGEST", tekton.resolve("IMAGE_DIGEST").toString());

    CliTest.Run build = CliTest.run(env, "pipeline", "step", "build", "--workspace", ws.toString());
    assertThat(build.code()).as(build.err()).isZero();
    String digest =
        (String)
            Json.parseObject(Files.readString(ws.resolve(".cairn/outputs/build.json")))
                .get("digest");

    Path results = dir.resolve("results");
    CliTest.Run push =
        CliTest.run(
            env,
            "pipeline",
            "step",
            "push",
            "--workspace",
            ws.toString(),
            "--results",
            results.toString());
    assertThat(push.code()).as(push.err()).isZero();
    String url = REGISTRY.address() + "/team/app";
    assertThat(push.out()).isEqualTo("step push succeeded, image " + url + "@" + digest + "\n");
    assertThat(push.err()).contains("push | pushed " + url + "@" + digest + " as run-pushed-run-7");
    assertThat(
            Json.parseObject(Files.readString(ws.resolve(".cairn/outputs/push.json"))).get("image"))
        .isEqualTo(url + "@" + digest);
    assertThat(results.resolve("IMAGE_DIGEST")).hasContent(digest);
    assertThat(results.resolve("IMAGE_URL")).hasContent(url);
    assertThat(tekton.resolve("IMAGE_DIGEST")).hasContent(digest);
    assertThat(tekton.resolve("IMAGE_URL")).hasContent(url);

    // the registry serves exactly that digest
    HttpResponse<Void> head =
        REGISTRY
            .client()
            .send(
                HttpRequest.newBuilder(
                        URI.create(REGISTRY.baseUri() + "/v2/team/app/manifests/" + digest))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header(
                        "Accept",
                        "application/vnd.oci.image.manifest.v1+json,"
                            + "application/vnd.docker.distribution.manifest.v2+json")
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
  }
}
