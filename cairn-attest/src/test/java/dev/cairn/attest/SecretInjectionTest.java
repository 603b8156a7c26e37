package dev.cairn.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretInjectionTest {
  @Test
  void placeholders_areReplacedByName_base64OrText() throws Exception {
    SecretInjection.Injected i =
        SecretInjection.inject(
            List.of("svc", "--key", "$$CAIRN::k$$", "--token=$$CAIRN::t:text$$"),
            Map.of("DB", "postgres://u:$$CAIRN::t:text$$@db"),
            Map.of("k", Secret.of(new byte[] {1, 2, 3}), "t", Secret.ofUtf8("s3cret")));
    assertThat(i.args())
        .containsExactly(
            Secret.ofUtf8("svc"),
            Secret.ofUtf8("--key"),
            Secret.ofUtf8("AQID"),
            Secret.ofUtf8("--token=s3cret"));
    assertThat(i.env()).containsEntry("DB", Secret.ofUtf8("postgres://u:s3cret@db"));
    assertThat(i.option("--key")).contains(Secret.ofUtf8("AQID"));
    assertThat(i.option("--missing")).isEmpty();
    assertThat(i.toString()).doesNotContain("s3cret").doesNotContain("AQID");
    assertThat(i.args().toString()).doesNotContain("s3cret").doesNotContain("AQID");
    i.destroy();
    assertThat(i.args().get(2)).isNotEqualTo(Secret.ofUtf8("AQID"));
  }

  @Test
  void unreleasedSecret_failsInsteadOfLeavingThePlaceholder() {
    assertThatThrownBy(
            () -> SecretInjection.inject(List.of("$$CAIRN::missing$$"), Map.of(), Map.of()))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("secret 'missing', which was not released to this service");
  }
}
