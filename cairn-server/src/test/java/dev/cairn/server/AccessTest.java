package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.server.auth.Access;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operation of the OpenAPI document, called with every duty's token, with no token, with a
 * malformed one, with a well-formed but unknown one and with a revoked one, answers 2xx, 401 or 403
 * exactly as {@link Access#TABLE} says.
 */
class AccessTest {
  @TempDir static Path dir;
  static ServerFixture f;
  static Operations ops;

  @BeforeAll
  static void start() throws Exception {
    f =
        new ServerFixture(
            dir, b -> b.rateLimit(new dev.cairn.pipeline.webhook.RateLimit(10_000, 10_000)));
    ops = new Operations(f);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void everyOperation_withEveryDutyAndWithoutAValidToken_answersAsTheTableSays() throws Exception {
    Secret revoked;
    try (var t = f.tokenStore()) {
      var issued = t.create("revoked", Set.of(Duty.SEC), java.time.Instant.now());
      t.revoke(issued.token().id(), java.time.Instant.now());
      revoked = issued.secret();
    }
    List<String> wrong = new ArrayList<>();
    int calls = 0;
    for (Operations.Op op : ops.all()) {
      for (Duty d : Duty.values()) {
        Access.Verdict want =
            Access.check(
                op.id(),
                new dev.cairn.server.auth.ApiToken(
                    "000000000000", "x", Set.of(d), java.time.Instant.EPOCH, null));
        check(wrong, op, d.title(), ops.call(op, f.tokens.get(d)), want);
        calls++;
      }
      Access.Verdict anon =
          Access.open(op.id()) ? Access.Verdict.ALLOWED : Access.Verdict.UNAUTHENTICATED;
      check(wrong, op, "no token", ops.call(op, null), anon);
      check(wrong, op, "malformed token", ops.call(op, Secret.ofUtf8("not-a-token")), anon);
      check(
          wrong,
          op,
          "unknown token",
          ops.call(op, Secret.ofUtf8("cairn_0123456789ab_" + "A".repeat(43))),
          anon);
      check(wrong, op, "revoked token", ops.call(op, revoked), anon);
      String good =
          new String(f.tokens.get(Duty.SEC).bytes(), java.nio.charset.StandardCharsets.UTF_8);
      check(
          wrong,
          op,
          "a valid token's id with a wrong secret",
          ops.call(op, Secret.ofUtf8(good.substring(0, good.length() - 43) + "B".repeat(43))),
          anon);
      calls += 5;
    }
    assertThat(wrong).isEmpty();
    assertThat(calls).isEqualTo(Access.TABLE.size() * (Duty.values().length + 5));
  }

  private static void check(
      List<String> wrong,
      Operations.Op op,
      String who,
      HttpResponse<String> r,
      Access.Verdict want) {
    boolean ok =
        switch (want) {
          case ALLOWED ->
              r.statusCode() >= 200
                  && r.statusCode() < 500
                  && r.statusCode() != 401
                  && r.statusCode() != 403;
          case UNAUTHENTICATED ->
              r.statusCode() == 401 && r.headers().firstValue("WWW-Authenticate").isPresent();
          case FORBIDDEN -> r.statusCode() == 403;
        };
    if (!ok) {
      wrong.add(
          op.id() + " as " + who + ": " + r.statusCode() + " (want " + want + ") " + r.body());
    }
  }

  @Test
  void theTable_givesTokensOnlyToSec_andCancellingToDevAndOps() {
    assertThat(Access.TABLE.get("createToken")).containsExactly(Duty.SEC);
    assertThat(Access.TABLE.get("revokeToken")).containsExactly(Duty.SEC);
    assertThat(Access.TABLE.get("cancelRun")).containsExactlyInAnyOrder(Duty.DEV, Duty.OPS);
    assertThat(Access.check("noSuchOperation", null)).isEqualTo(Access.Verdict.UNAUTHENTICATED);
  }
}
