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
    assertThat(i.args()).containsExactly("svc", "--key", "AQID", "--token=s3cret");
    assertThat(i.env()).containsEntry("DB", "postgres://u:s3cret@db");
    assertThat(i.option("--key")).contains("AQID");
    assertThat(i.toString()).doesNotContain("s3cret").doesNotContain("AQID");
  }

  @Test
  void unreleasedSecret_failsInsteadOfLeavingThePlaceholder() {
    assertThatThrownBy(
            () -> SecretInjection.inject(List.of("$$CAIRN::missing$$"), Map.of(), Map.of()))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("secret 'missing', which was not released to this service");
  }
}
