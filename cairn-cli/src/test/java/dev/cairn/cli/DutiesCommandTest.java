package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two people, each in their own Cairn home, sign one override; the roster judges it. */
class DutiesCommandTest {
  @TempDir Path tmp;

  static String publicKey(Run show) {
    return show.out()
        .lines()
        .filter(l -> l.startsWith("public key: "))
        .findFirst()
        .orElseThrow()
        .substring("public key: ".length());
  }

  @Test
  void twoHomesSignOneOverride_andTheRosterJudgesIt() throws Exception {
    Path olga = tmp.resolve("olga");
    Path sam = tmp.resolve("sam");
    Path ops = tmp.resolve("gate");
    Path roster = tmp.resolve("roster.json");
    assertThat(CliTest.run(olga, "identity", "init", "olga").code()).isZero();
    assertThat(CliTest.run(sam, "identity", "init", "sam").code()).isZero();
    Run show = CliTest.run(olga, "identity", "show");
    assertThat(show.out()).contains("name: olga").contains("key id: sha256:");
    assertThat(show.out()).doesNotContain("PRIVATE");
    String olgaKey = publicKey(show);
    String samKey = publicKey(CliTest.run(sam, "identity", "show"));

    Run g =
        CliTest.run(
            ops,
            "duties",
            "grant",
            "olga",
            "ops",
            "--roster",
            roster.toString(),
            "--public-key",
            olgaKey);
    assertThat(g.code()).as(g.err()).isZero();
    assertThat(g.out()).isEqualTo("olga holds Ops in " + roster + "\n");
    CliTest.run(
        ops,
        "duties",
        "grant",
        "sam",
        "Dev",
        "--roster",
        roster.toString(),
        "--public-key",
        samKey);

    Run lacks = CliTest.run(ops, "duties", "check", "sam", "sec", "--roster", roster.toString());
    assertThat(lacks.code()).isEqualTo(1);
    assertThat(lacks.err())
        .startsWith(
            "cairn: identity sam lacks the Sec duty (holds Dev)\n  perhaps you should ask ");

    Path file = tmp.resolve("override.json");
    Run c =
        CliTest.run(
            ops,
            "override",
            "create",
            "--target",
            "prod",
            "--image-digest",
            "sha256:" + "ab".repeat(32),
            "--reason",
            "incident 42",
            "--lift",
            "certificate.expired",
            "-o",
            file.toString());
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(CliTest.run(olga, "override", "sign", file.toString()).out())
        .contains("olga signed");
    assertThat(CliTest.run(sam, "override", "sign", file.toString()).out())
        .contains(
            "2 signatures): prod sha256:" + "ab".repeat(32) + " lifting certificate.expired until ")
        .endsWith("because: incident 42\n");

    Run refused =
        CliTest.run(ops, "override", "verify", file.toString(), "--roster", roster.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err().lines().toList())
        .containsExactly(
            "cairn: the override is not by an Ops and a different Sec identity: no signer holds Sec (olga: Ops, sam: Dev)",
            "  perhaps you should have an identity holding the missing duty sign it");

    CliTest.run(ops, "duties", "grant", "sam", "sec", "--roster", roster.toString());
    Run ok = CliTest.run(ops, "override", "verify", file.toString(), "--roster", roster.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("lifts certificate.expired").contains("Ops: olga, Sec: sam");
    assertThat(Files.readAllLines(ops.resolve("duties/audit.jsonl")))
        .hasSize(2)
        .satisfiesExactly(
            l -> assertThat(l).contains("\"decision\":\"refused\""),
            l -> assertThat(l).contains("\"decision\":\"accepted\""));
  }

  @Test
  void privateKey_neverAppearsInOutput() throws Exception {
    Path h = tmp.resolve("k");
    Run init = CliTest.run(h, "identity", "init", "kim");
    Run show = CliTest.run(h, "identity", "show");
    byte[] pkcs8 = Files.readAllBytes(h.resolve("identity/identity.key"));
    byte[] seed = java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
    for (String s :
        java.util.List.of(
            java.util.Base64.getEncoder().encodeToString(pkcs8),
            java.util.Base64.getEncoder().encodeToString(seed),
            java.util.HexFormat.of().formatHex(seed))) {
      assertThat(init.out() + init.err() + show.out() + show.err()).doesNotContain(s);
    }
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(h.resolve("identity/identity.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void badInput_isOneLineWithAHint() {
    Run dup = CliTest.run(tmp.resolve("h"), "identity", "init", "Bad Name");
    assertThat(dup.code()).isEqualTo(2);
    assertThat(dup.err().lines().toList())
        .containsExactly(
            "cairn: identity name 'Bad Name' is not allowed",
            "  perhaps you should choose a name of lower-case letters, digits, '.', '_' or '-' (at most 64)");
    Run duty =
        CliTest.run(
            tmp.resolve("h"),
            "duties",
            "grant",
            "x",
            "root",
            "--roster",
            tmp.resolve("r.json").toString());
    assertThat(duty.code()).isEqualTo(2);
    assertThat(duty.err())
        .startsWith("cairn: no duty named root\n  perhaps you should name one of Dev");
    Run render = CliTest.run(tmp.resolve("h"), "rbac", "render", "-n", "shop");
    assertThat(render.code()).isZero();
    assertThat(render.out()).contains("kind: \"RoleBinding\"").doesNotContain("secrets");
  }
}
