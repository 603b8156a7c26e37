package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRefTest {
  static final String HEX = "a".repeat(64);

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:5000/team/app:v1, 127.0.0.1:5000, team/app, v1, ''",
    "registry.example/app, registry.example, app, '', ''",
    "localhost/app:1.0, localhost, app, 1.0, ''",
    "localhost:5000/a/b/c, localhost:5000, a/b/c, '', ''",
    "busybox, docker.io, library/busybox, '', ''",
    "busybox:1.36, docker.io, library/busybox, 1.36, ''",
    "team/app:latest, docker.io, team/app, latest, ''",
    "ghcr.io/o/my_app-x.y__z:V_1-2.3, ghcr.io, o/my_app-x.y__z, V_1-2.3, ''",
  })
  void parse_splitsRegistryRepositoryAndTag(
      String text, String registry, String repository, String tag, String ignored)
      throws CairnException {
    ImageRef r = ImageRef.parse(text);
    assertThat(r.registry()).isEqualTo(registry);
    assertThat(r.repository()).isEqualTo(repository);
    assertThat(r.tagIfAny().orElse("")).isEqualTo(tag);
    assertThat(r.digestIfAny()).isEmpty();
  }

  @Test
  void parse_tagAndDigest() throws CairnException {
    ImageRef r = ImageRef.parse("127.0.0.1:5000/app:v1@sha256:" + HEX);
    assertThat(r.tag()).isEqualTo("v1");
    assertThat(r.digest()).isEqualTo(new Digest("sha256", HEX));
    assertThat(r.reference()).isEqualTo("sha256:" + HEX);
    assertThat(r).hasToString("127.0.0.1:5000/app:v1@sha256:" + HEX);
    assertThat(ImageRef.parse("127.0.0.1:5000/app@sha256:" + HEX).reference())
        .isEqualTo("sha256:" + HEX);
  }

  @Test
  void parse_portIsNotATag() throws CairnException {
    ImageRef r = ImageRef.parse("127.0.0.1:5000/app");
    assertThat(r.registry()).isEqualTo("127.0.0.1:5000");
    assertThat(r.tag()).isNull();
    assertThatThrownBy(r::reference).hasMessageContaining("neither tag nor digest");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''| is empty",
        "127.0.0.1:5000/App:v1| has repository 'App'",
        "r.example/a//b| has repository 'a//b'",
        "r.example/app:-bad| has tag '-bad'",
        "r.example/app@sha512:abcd| has digest 'sha512:abcd', which is not sha256:<hex>",
        "r.example/app@sha256:abcd| has digest 'sha256:abcd', which is not sha256 and 64 hex digits",
        "bad_host.example:x/app| has registry 'bad_host.example:x'",
      })
  void parse_rejectsWithOneLineAndHint(String text, String message) {
    assertThatThrownBy(() -> ImageRef.parse(text))
        .isInstanceOf(CairnException.class)
        .hasMessageStartingWith("image reference '" + text + "' " + message)
        .satisfies(
            e ->
                assertThat(((CairnException) e).hint())
                    .contains(
                        "write it as registry/repository:tag or"
                            + " registry/repository@sha256:<64 hex digits>"));
  }

  @Test
  void withTagAndDigest_keepTheRepository() throws CairnException {
    ImageRef r = ImageRef.parse("127.0.0.1:5000/app:v1");
    Digest d = new Digest("sha256", HEX);
    assertThat(r.atDigest(d)).hasToString("127.0.0.1:5000/app@sha256:" + HEX);
    assertThat(r.withDigest(d).withTag("sha256-" + HEX + ".sig"))
        .hasToString("127.0.0.1:5000/app:sha256-" + HEX + ".sig");
    assertThat(r.name()).isEqualTo("127.0.0.1:5000/app");
  }
}
