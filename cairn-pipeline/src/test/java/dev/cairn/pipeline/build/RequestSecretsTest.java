package dev.cairn.pipeline.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Secret;
import dev.cairn.pipeline.source.GitAuth;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Requests print their credentials as {@code ***}: a request may end up in a log or a record. */
class RequestSecretsTest {
  @Test
  void imageBuild_toString_hidesRegistryPasswords() {
    ImageBuild r =
        ImageBuild.builder(Path.of("ctx"), Path.of("work"))
            .registryAuth("reg.example", new RegistryAuth("ci", Secret.ofUtf8("base-pw-1")))
            .output(
                new ImageOutput.Registry(
                    "reg.example/app:1", new RegistryAuth("ci", Secret.ofUtf8("push-pw-2")), false))
            .build();
    assertThat(r.toString()).doesNotContain("base-pw-1", "push-pw-2").contains("ci", "***");
  }

  @Test
  void gitToken_toString_hidesTheToken() {
    assertThat(GitAuth.token(Secret.ofUtf8("tok-9")).toString())
        .doesNotContain("tok-9")
        .contains("x-access-token", "***");
  }
}
