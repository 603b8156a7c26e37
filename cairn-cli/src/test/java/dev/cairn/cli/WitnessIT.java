package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.ledger.TrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn ledger witness}, a trust root demanding cosignatures, and {@code cairn ledger prove}
 * with verify where the log is not: on a home where a snapshot certificate was issued. Each test
 * works on its own copy of that home.
 */
class WitnessIT {
  @TempDir static Path tmp;
  static Path home;
  static Path cert;

  @BeforeAll
  static void certify() throws Exception {
    home = tmp.resolve("home");
    Files.writeString(tmp.resolve("good.json"), CertificationIT.snapshot("uid-witness", "good"));
    cert = tmp.resolve("good.cert.json");
    CliTest.Run c =
        CliTest.run(
            home,
            "certify",
            "--snapshot",
            tmp.resolve("good.json").toString(),
            "--framework",
            "pss-restricted",
            "--output-file",
            cert.toString());
    assertThat(c.code()).as(c.out() + c.err()).isZero();
  }

  static Path copy(String name) throws Exception {
    Path to = tmp.resolve(name);
    try (java.util.stream.Stream<Path> all = Files.walk(home)) {
      for (Path p : all.toList()) {
        Path q = to.resolve(home.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    Files.copy(cert, to.resolve("good.cert.json"));
    return to;
  }

  static CliTest.Run witness(Path h, String key, String... more) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "ledger",
                "witness",
                "--key",
                h.resolve(key + ".key").toString(),
                "--state",
                h.resolve("state-" + key).toString()));
    args.addAll(java.util.List.of(more));
    return CliTest.run(h, args.toArray(String[]::new));
  }

  static String verifierKey(CliTest.Run witnessed) {
    String line =
        witnessed.out().lines().filter(l -> l.contains("verifier key:")).findFirst().orElseThrow();
    return line.substring(line.indexOf(':') + 1).strip();
  }

  static CliTest.Run verify(Path h, String... more) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "verify", h.resolve("good.cert.json").toString(), "--allow-snapshot"));
    args.addAll(java.util.List.of(more));
    return CliTest.run(h, args.toArray(String[]::new));
  }

  @Test
  void requiredWitnesses_failClosedUntilEnoughHaveCosigned_thenVerifyWithoutTheLog()
      throws Exception {
    Path h = copy("two");
    CliTest.Run w1 = witness(h, "w1", "--create-key", "witness.example/w1");
    assertThat(w1.code()).as(w1.err()).isZero();
    assertThat(w1.out())
        .startsWith("Cosigned cairn.local/log/")
        .contains(" at size 1 as witness witness.example/w1 (first checkpoint seen of this log)");
    assertThat(Files.getPosixFilePermissions(h.resolve("w1.key")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    // the second witness's key is made elsewhere (on another copy's log); it cosigns here later
    Path elsewhere = copy("keys");
    CliTest.Run w2 = witness(elsewhere, "w2", "--create-key", "witness.example/w2");
    assertThat(w2.code()).as(w2.err()).isZero();
    Files.copy(
        elsewhere.resolve("w2.key"),
        h.resolve("w2.key"),
        java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    assertThat(CliTest.run(h, "trust", "add-witness", verifierKey(w1)).code()).isZero();
    CliTest.Run added = CliTest.run(h, "trust", "add-witness", verifierKey(w2));
    assertThat(added.out()).endsWith(" trusts 2 witnesses and requires 0 cosignatures\n");
    CliTest.Run tooMany = CliTest.run(h, "trust", "require-witnesses", "3");
    assertThat(tooMany.code()).isEqualTo(2);
    assertThat(tooMany.err())
        .startsWith("cairn: cannot require 3 witness cosignatures: the trust root ")
        .contains("trusts 2 witnesses");
    CliTest.Run two = CliTest.run(h, "trust", "require-witnesses", "2");
    assertThat(two.out()).endsWith(" requires 2 of 2 witness cosignatures\n");
    assertThat(TrustRoot.parse(Files.readString(h.resolve("trust.json"))).requiredWitnesses())
        .isEqualTo(2);

    CliTest.Run one = verify(h);
    assertThat(one.code()).isEqualTo(1);
    assertThat(one.out())
        .startsWith("NOT VERIFIED: witnesses: 1 of 2 required cosignatures on the checkpoint of")
        .contains("witness.example/w2+")
        .contains("(no cosignature)");

    CliTest.Run again = witness(h, "w2");
    assertThat(again.code()).as(again.err()).isZero();
    CliTest.Run both = verify(h);
    assertThat(both.code()).as(both.out()).isZero();
    assertThat(both.out()).startsWith("VERIFIED");

    // the certificate's own proof is against the checkpoint before any cosignature
    Path away = copy("away");
    Files.copy(
        h.resolve("trust.json"),
        away.resolve("trust.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    LedgerRollbackIT.deleteTree(away.resolve("ledger"));
    CliTest.Run none = verify(away);
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.out())
        .startsWith("NOT VERIFIED: witnesses: 0 of 2 required cosignatures on the checkpoint of");
    // a fresh proof, where the log is, carries the cosigned checkpoint: it verifies with no log
    CliTest.Run proved = CliTest.run(h, "ledger", "prove", h.resolve("good.cert.json").toString());
    assertThat(proved.code()).as(proved.err()).isZero();
    assertThat(proved.out())
        .startsWith("Proved not revoked: sha256:")
        .contains(" as of checkpoint size 1 of ");
    Files.copy(
        h.resolve("good.cert.json"),
        away.resolve("good.cert.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    CliTest.Run offline = verify(away, "-o", "json");
    assertThat(offline.code()).as(offline.out()).isZero();
    assertThat(offline.out())
        .contains("\"witnesses\"", "\"revocation\"")
        .doesNotContain("\"notChecked\" : [ \"revocation\"");
    assertThat(away.resolve("ledger")).doesNotExist();
  }

  @Test
  void theWitness_refusesALogRolledBackBehindWhatItCosigned() throws Exception {
    Path h = copy("rollback");
    assertThat(witness(h, "w1", "--create-key", "witness.example/w1").code()).isZero();
    byte[] entries = Files.readAllBytes(h.resolve("ledger/entries"));
    String checkpoint = Files.readString(h.resolve("ledger/checkpoint"));
    CliTest.Run r =
        CliTest.run(
            h, "ledger", "revoke", h.resolve("good.cert.json").toString(), "--reason", "stolen");
    assertThat(r.code()).as(r.err()).isZero();
    CliTest.Run w = witness(h, "w1");
    assertThat(w.code()).as(w.err()).isZero();
    assertThat(w.out())
        .contains(
            " at size 2 as witness witness.example/w1 (consistent with size 1 cosigned before)");
    // the attacker restores the log from before the revocation: the witness will not cosign it
    Files.write(h.resolve("ledger/entries"), entries);
    Files.writeString(h.resolve("ledger/checkpoint"), checkpoint);
    CliTest.Run back = witness(h, "w1");
    assertThat(back.code()).isEqualTo(1);
    assertThat(back.err())
        .startsWith("cairn: witness witness.example/w1 refuses: embedded transparency log ")
        .contains(
            " is at size 1, behind the checkpoint witness witness.example/w1 cosigned (size 2):"
                + " it was rolled back or replaced");
    // and prove refuses a revoked certificate's proof of absence: it proves the revocation
    Path revoked = copy("revoked");
    CliTest.run(
        revoked,
        "ledger",
        "revoke",
        revoked.resolve("good.cert.json").toString(),
        "--reason",
        "stolen");
    CliTest.Run p =
        CliTest.run(revoked, "ledger", "prove", revoked.resolve("good.cert.json").toString());
    assertThat(p.code()).isEqualTo(1);
    assertThat(p.out()).startsWith("Proved revoked: ");
    LedgerRollbackIT.deleteTree(revoked.resolve("ledger"));
    CliTest.Run v = verify(revoked);
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.out())
        .startsWith("NOT VERIFIED: revocation: revoked at ")
        .contains(": stolen (proven by the revocation map");
  }

  @Test
  void request_answersATlogWitnessBody_withACosignatureLine() throws Exception {
    Path h = copy("request");
    CliTest.Run show = CliTest.run(h, "ledger", "show");
    String logKey =
        show.out()
            .lines()
            .filter(l -> l.startsWith("verifier key: "))
            .findFirst()
            .orElseThrow()
            .substring(14);
    Path body = h.resolve("request.txt");
    Files.writeString(body, "old 0\n\n" + Files.readString(h.resolve("ledger/checkpoint")));
    CliTest.Run r =
        witness(
            h,
            "w3",
            "--create-key",
            "witness.example/w3",
            "--request",
            body.toString(),
            "--log-key",
            logKey);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("\u2014 witness.example/w3 ").endsWith("\n").hasLineCount(1);
    // the same request again: the witness has moved on to size 1
    CliTest.Run again = witness(h, "w3", "--request", body.toString(), "--log-key", logKey);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err())
        .startsWith(
            "cairn: witness witness.example/w3 refuses (409): witness witness.example/w3 last cosigned ")
        .contains(" at size 1, not 0");
    CliTest.Run noKey = witness(h, "w3", "--request", body.toString());
    assertThat(noKey.code()).isEqualTo(2);
    assertThat(noKey.err())
        .startsWith("cairn: --request needs the verifier key of the log (--log-key)");
    CliTest.Run missing =
        CliTest.run(h, "ledger", "witness", "--key", h.resolve("nope.key").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err())
        .isEqualTo(
            "cairn: there is no witness key "
                + h.resolve("nope.key")
                + "\n  perhaps you should make one with --create-key NAME\n");
  }
}
