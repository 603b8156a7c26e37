package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's registry: docker-registry on 127.0.0.1, installed when missing, gone when closed. */
class LocalRegistryIT {
  @TempDir Path dir;

  @Test
  void startsServesBlobsAndStops() throws Exception {
    java.net.URI base;
    byte[] blob = "a layer of the demo".getBytes(StandardCharsets.UTF_8);
    try (LocalRegistry r = LocalRegistry.start(dir)) {
      assertThat(r.address()).startsWith("127.0.0.1:");
      OciClient client = Registries.builder().allowPlainHttp(r.address()).build();
      ImageRef repo = ImageRef.parse(r.address() + "/demo/app:1");
      client.pushBlob(repo, "application/octet-stream", blob);
      assertThat(client.blobExists(repo, Digest.sha256(blob))).isTrue();
      assertThat(client.getBlob(repo, Digest.sha256(blob))).isEqualTo(blob);
      base = r.uri();
    }
    // closed: nothing answers there any more
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                http.send(
                    java.net.http.HttpRequest.newBuilder(base.resolve("/v2/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(java.io.IOException.class);
  }
}
