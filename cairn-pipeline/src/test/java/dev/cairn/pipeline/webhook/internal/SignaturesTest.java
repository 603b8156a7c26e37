package dev.cairn.pipeline.webhook.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Secret;
import dev.cairn.pipeline.webhook.internal.Signatures.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignaturesTest {
  /** GitHub's "Validating webhook deliveries", section "Testing the webhook payload validation". */
  static final String VECTOR_SECRET = "It's a Secret to Everybody";

  static final byte[] VECTOR_PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  static final String VECTOR_SIGNATURE =
      "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  static final Signatures VECTOR = Signatures.of(Secret.ofUtf8(VECTOR_SECRET));
  static final byte[] BODY = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
  static final Signatures KEY = Signatures.of(Secret.ofUtf8("s3cret-for-tests-0123456789"));

  @Test
  void github_documentedTestVector_matches() {
    assertThat(VECTOR.hmacHex(VECTOR_PAYLOAD)).isEqualTo(VECTOR_SIGNATURE);
    assertThat(VECTOR.github(List.of("sha256=" + VECTOR_SIGNATURE), VECTOR_PAYLOAD))
        .isEqualTo(Verdict.VALID);
  }

  @Test
  void github_goodSignature_isValid() {
    assertThat(KEY.github(List.of("sha256=" + KEY.hmacHex(BODY)), BODY)).isEqualTo(Verdict.VALID);
  }

  @Test
  void github_flippedDigit_orOtherBody_orOtherSecret_isMismatch() {
    String good = KEY.hmacHex(BODY);
    String bad = (good.charAt(0) == '0' ? "1" : "0") + good.substring(1);
    assertThat(KEY.github(List.of("sha256=" + bad), BODY)).isEqualTo(Verdict.MISMATCH);
    assertThat(KEY.github(List.of("sha256=" + good), "{}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Verdict.MISMATCH);
    assertThat(VECTOR.github(List.of("sha256=" + good), BODY)).isEqualTo(Verdict.MISMATCH);
  }

  @Test
  void github_missingHeader_isMissing() {
    assertThat(KEY.github(null, BODY)).isEqualTo(Verdict.MISSING);
    assertThat(KEY.github(List.of(), BODY)).isEqualTo(Verdict.MISSING);
  }

  @Test
  void github_sha1OrUpperCasePrefix_isWrongAlgorithm() {
    String hex = KEY.hmacHex(BODY);
    assertThat(KEY.github(List.of("sha1=" + hex), BODY)).isEqualTo(Verdict.WRONG_ALGORITHM);
    assertThat(KEY.github(List.of("SHA256=" + hex), BODY)).isEqualTo(Verdict.WRONG_ALGORITHM);
    assertThat(KEY.github(List.of("=" + hex), BODY)).isEqualTo(Verdict.WRONG_ALGORITHM);
  }

  @Test
  void github_shortOrLongDigest_isWrongLength() {
    String hex = KEY.hmacHex(BODY);
    assertThat(KEY.github(List.of("sha256=" + hex.substring(0, 63)), BODY))
        .isEqualTo(Verdict.WRONG_LENGTH);
    assertThat(KEY.github(List.of("sha256=" + hex + "00"), BODY)).isEqualTo(Verdict.WRONG_LENGTH);
    assertThat(KEY.github(List.of("sha256="), BODY)).isEqualTo(Verdict.WRONG_LENGTH);
  }

  @Test
  void github_bareHexOrNonHex_isMalformed() {
    String hex = KEY.hmacHex(BODY);
    assertThat(KEY.github(List.of(hex), BODY)).isEqualTo(Verdict.MALFORMED);
    assertThat(KEY.github(List.of("sha256=" + "z".repeat(64)), BODY)).isEqualTo(Verdict.MALFORMED);
  }

  @Test
  void github_headerTwice_isAmbiguous() {
    String sig = "sha256=" + KEY.hmacHex(BODY);
    assertThat(KEY.github(List.of(sig, sig), BODY)).isEqualTo(Verdict.AMBIGUOUS);
  }

  @Test
  void gitea_goodGiteaOrForgejoSignature_isValid() {
    String hex = KEY.hmacHex(BODY);
    assertThat(KEY.gitea(List.of(hex), null, BODY)).isEqualTo(Verdict.VALID);
    assertThat(KEY.gitea(null, List.of(hex), BODY)).isEqualTo(Verdict.VALID);
    assertThat(KEY.gitea(List.of(hex), List.of(hex), BODY)).isEqualTo(Verdict.VALID);
  }

  @Test
  void gitea_badForgejoSignature_isNotRescuedByGoodGiteaOne() {
    String hex = KEY.hmacHex(BODY);
    String bad = VECTOR.hmacHex(BODY);
    assertThat(KEY.gitea(List.of(hex), List.of(bad), BODY)).isEqualTo(Verdict.MISMATCH);
    assertThat(KEY.gitea(List.of(bad), null, BODY)).isEqualTo(Verdict.MISMATCH);
  }

  @Test
  void gitea_missing_prefixed_short_nonHex() {
    String hex = KEY.hmacHex(BODY);
    assertThat(KEY.gitea(null, null, BODY)).isEqualTo(Verdict.MISSING);
    assertThat(KEY.gitea(List.of("sha256=" + hex), null, BODY)).isEqualTo(Verdict.WRONG_ALGORITHM);
    assertThat(KEY.gitea(List.of(hex.substring(2)), null, BODY)).isEqualTo(Verdict.WRONG_LENGTH);
    assertThat(KEY.gitea(List.of("g".repeat(64)), null, BODY)).isEqualTo(Verdict.MALFORMED);
    assertThat(KEY.gitea(List.of(hex, hex), null, BODY)).isEqualTo(Verdict.AMBIGUOUS);
  }

  @Test
  void gitlab_token_comparedWhole() {
    String secret = "s3cret-for-tests-0123456789";
    assertThat(KEY.gitlab(List.of(secret))).isEqualTo(Verdict.VALID);
    assertThat(KEY.gitlab(List.of(secret.substring(0, secret.length() - 1))))
        .isEqualTo(Verdict.MISMATCH);
    assertThat(KEY.gitlab(List.of(secret + "x"))).isEqualTo(Verdict.MISMATCH);
    assertThat(KEY.gitlab(List.of("S3cret-for-tests-0123456789"))).isEqualTo(Verdict.MISMATCH);
    assertThat(KEY.gitlab(List.of(""))).isEqualTo(Verdict.MISMATCH);
    assertThat(KEY.gitlab(null)).isEqualTo(Verdict.MISSING);
    assertThat(KEY.gitlab(List.of(secret, secret))).isEqualTo(Verdict.AMBIGUOUS);
  }

  @Test
  void keys_neverPrintTheSecret_andAnEmptySecretIsRefused() {
    assertThat(VECTOR.toString()).doesNotContain("Secret to").contains("***");
    assertThatThrownBy(() -> Signatures.of(Secret.ofUtf8("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }
}
