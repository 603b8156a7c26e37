package dev.cairn.supplychain.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
  @Test
  void bearer_withQuotedScopeHoldingCommas() {
    List<AuthChallenge> all =
        AuthChallenge.parseAll(
            "Bearer realm=\"https://127.0.0.1:9/token\",service=\"cairn-test-registry\","
                + "scope=\"repository:team/app:pull,push\"");
    assertThat(all)
        .containsExactly(
            new AuthChallenge(
                "bearer",
                Map.of(
                    "realm", "https://127.0.0.1:9/token",
                    "service", "cairn-test-registry",
                    "scope", "repository:team/app:pull,push")));
  }

  @Test
  void basic_andCaseInsensitiveNames_andSpaces() {
    AuthChallenge c = AuthChallenge.parseAll("BASIC  Realm = \"cairn test\"").get(0);
    assertThat(c.scheme()).isEqualTo("basic");
    assertThat(c.param("realm")).contains("cairn test");
  }

  @Test
  void severalChallengesInOneHeader_andUnquotedAndEscapedValues() {
    List<AuthChallenge> all =
        AuthChallenge.parseAll(
            "Basic realm=\"a \\\"q\\\" b\", Bearer realm=https://x/token, error=invalid_token");
    assertThat(all).hasSize(2);
    assertThat(all.get(0).param("realm")).contains("a \"q\" b");
    assertThat(all.get(1).scheme()).isEqualTo("bearer");
    assertThat(all.get(1).param("realm")).contains("https://x/token");
    assertThat(all.get(1).param("error")).contains("invalid_token");
    assertThat(AuthChallenge.find(List.of("Basic realm=x", "Bearer realm=\"y\""), "bearer"))
        .get()
        .extracting(x -> x.param("realm").orElse(""))
        .isEqualTo("y");
  }

  @Test
  void garbage_givesNoChallengeOrNoParams() {
    assertThat(AuthChallenge.parseAll("")).isEmpty();
    assertThat(AuthChallenge.parseAll("   ,,  ")).isEmpty();
    assertThat(AuthChallenge.parseAll("Bearer").get(0).params()).isEmpty();
    assertThat(AuthChallenge.parseAll("Bearer realm=\"unterminated").get(0).param("realm"))
        .contains("unterminated");
  }
}
