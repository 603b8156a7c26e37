package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.ledger.TrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attacker with write access to Cairn's home undoes a revocation by removing or rolling back the
 * embedded log: each of the steps of issue 17 gives NOT VERIFIED, never VERIFIED, and verify itself
 * creates, signs and writes nothing. Each test works on its own copy of a home where a certificate
 * was issued (log size 1) and then revoked (log size 2).
 */
class LedgerRollbackIT {
  @TempDir static Path tmp;
  static Path home;
  static Path cert;
  static byte[] entriesBeforeRevocation = new byte[0];
  static String checkpointBeforeRevocation = "";

  @BeforeAll
  static void certifyAndRevoke() throws Exception {
    home = tmp.resolve("home");
    Files.writeString(tmp.resolve("good.json"), CertificationIT.snapshot("uid-rollback", "good"));
    cert = tmp.resolve("good.cert.json");
    CliTest.Run c = certify(home);
    assertThat(c.code()).as(c.out() + c.err()).isZero();
    assertThat(pinnedSize(home)).isEqualTo(1);
    entriesBeforeRevocation = Files.readAllBytes(home.resolve("ledger/entries"));
    checkpointBeforeRevocation = Files.readString(home.resolve("ledger/checkpoint"));
    assertThat(verify(home).code()).isZero();
    CliTest.Run r = CliTest.run(home, "ledger", "revoke", cert.toString(), "--reason", "stolen");
    assertThat(r.code()).as(r.err()).isZero();
    // the revocation moved the pin: a log without it is behind what the trust root has seen
    assertThat(pinnedSize(home)).isEqualTo(2);
    assertThat(verify(home).out()).startsWith("NOT VERIFIED: revocation: revoked at");
  }

  static CliTest.Run certify(Path h) {
    return CliTest.run(
        h,
        "certify",
        "--snapshot",
        tmp.resolve("good.json").toString(),
        "--framework",
        "pss-restricted",
        "--output-file",
        (h.equals(home) ? cert : h.resolve("again.cert.json")).toString());
  }

  static CliTest.Run verify(Path h) {
    return CliTest.run(h, "verify", cert.toString(), "--allow-snapshot");
  }

  static long pinnedSize(Path h) throws Exception {
    return TrustRoot.parse(Files.readString(h.resolve("trust.json"))).checkpoints().get(0).size();
  }

  /** A copy of the revoked home, for one attack. */
  static Path copy(String name) throws Exception {
    Path to = tmp.resolve(name);
    try (Stream<Path> all = Files.walk(home)) {
      for (Path p : all.toList()) {
        Path q = to.resolve(home.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  static void deleteTree(Path d) throws Exception {
    try (Stream<Path> all = Files.walk(d)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static final String ROLLED_BACK_HINT =
      "  perhaps you should restore the log from a backup that holds the pinned checkpoint; until"
          + " then, what it says about revocations can't be trusted\n";

  @Test
  void rmRfLedger_failsClosed_andNeitherVerifyNorCertifyMakesANewLog() throws Exception {
    Path h = copy("removed");
    deleteTree(h.resolve("ledger"));
    // the certificate carries the revocation proof certify gave it, against the checkpoint of
    // its issue: behind the pin, which the revocation moved
    CliTest.Run stale = verify(h);
    assertThat(stale.code()).isEqualTo(1);
    assertThat(stale.out())
        .startsWith(
            "NOT VERIFIED: ledger consistency: the revocation proof is against checkpoint size 1 of cairn.local/log/")
        .contains(
            ", behind the checkpoint the trust root pins (size 2): it is stale and may predate a"
                + " revocation\n"
                + "  perhaps you should get a fresh proof where the log is (cairn ledger prove CERT)\n");
    // and without the proof, the certificate fails as before
    dev.cairn.ledger.CertificateBundle b =
        dev.cairn.ledger.CertificateBundle.parse(Files.readString(cert));
    Path bare = h.resolve("bare.cert.json");
    Files.writeString(bare, b.withRevocationProof(null).toJson());
    CliTest.Run v = CliTest.run(h, "verify", bare.toString(), "--allow-snapshot");
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.out())
        .isEqualTo(
            "NOT VERIFIED: ledger consistency: the certificate is recorded on the embedded log, and"
                + " there is no log in "
                + h.resolve("ledger")
                + " (removed?), so its revocation cannot be checked\n"
                + "  perhaps you should restore "
                + h.resolve("ledger")
                + " from a backup, or verify with --ledger none (revocation is then not"
                + " checked)\n");
    assertThat(h.resolve("ledger")).doesNotExist();
    CliTest.Run c = certify(h);
    assertThat(c.code()).isEqualTo(2);
    assertThat(c.err())
        .isEqualTo(
            "cairn: there is no embedded log in "
                + h.resolve("ledger")
                + ", but the trust root pins its checkpoint at size 2: it was removed; nothing was"
                + " scanned\n"
                + "  perhaps you should restore the log directory from a backup\n");
    assertThat(h.resolve("ledger")).doesNotExist();
  }

  @Test
  void truncatedEntries_withTheOlderCheckpointRestored_failsClosed() throws Exception {
    Path h = copy("restored");
    Files.write(h.resolve("ledger/entries"), entriesBeforeRevocation);
    Files.writeString(h.resolve("ledger/checkpoint"), checkpointBeforeRevocation);
    String rolledBack =
        "NOT VERIFIED: ledger consistency: embedded transparency log "
            + h.resolve("ledger")
            + " is at size 1, behind the checkpoint the trust root pins (size 2): it was rolled"
            + " back or replaced\n";
    CliTest.Run v = verify(h);
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.out()).isEqualTo(rolledBack + ROLLED_BACK_HINT);
    // the pin does not move to the rolled-back log
    CliTest.Run refresh = CliTest.run(h, "trust", "refresh");
    assertThat(refresh.code()).isEqualTo(2);
    assertThat(refresh.err())
        .isEqualTo(
            "cairn: "
                + rolledBack.substring("NOT VERIFIED: ledger consistency: ".length())
                + ROLLED_BACK_HINT);
    assertThat(pinnedSize(h)).isEqualTo(2);
  }

  @Test
  void truncatedEntries_withTheCheckpointDeleted_failsClosed_evenAfterAWriterSignsANewOne()
      throws Exception {
    Path h = copy("deleted");
    Files.write(h.resolve("ledger/entries"), entriesBeforeRevocation);
    Files.delete(h.resolve("ledger/checkpoint"));
    CliTest.Run v = verify(h);
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.out())
        .isEqualTo(
            "NOT VERIFIED: ledger consistency: the log in "
                + h.resolve("ledger")
                + " has no signed checkpoint for its 1 entries (removed?)\n"
                + "  perhaps you should restore the log directory from a backup\n");
    // verify signed nothing
    assertThat(h.resolve("ledger/checkpoint")).doesNotExist();
    // certify opens the log to write, which signs a checkpoint over what is left; then it
    // refuses to record on a log behind the pin, and verify still catches the rollback
    CliTest.Run c = certify(h);
    assertThat(c.code()).as(c.out()).isEqualTo(2);
    assertThat(List.of(c.err().split("\n")))
        .contains(
            "cairn: embedded transparency log "
                + h.resolve("ledger")
                + " is at size 1, behind the checkpoint the trust root pins (size 2): it was"
                + " rolled back or replaced");
    assertThat(h.resolve("again.cert.json")).doesNotExist();
    assertThat(verify(h).out())
        .startsWith(
            "NOT VERIFIED: ledger consistency: embedded transparency log "
                + h.resolve("ledger")
                + " is at size 1, behind the checkpoint the trust root pins (size 2)");
  }

  @Test
  void trustRefresh_onTheLogAsItIs_keepsThePin() throws Exception {
    Path h = copy("refresh");
    CliTest.Run r = CliTest.run(h, "trust", "refresh");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "Trust root "
                + h.resolve("trust.json")
                + " pins checkpoint size 2 of embedded transparency log "
                + h.resolve("ledger")
                + " (unchanged)\n");
  }
}
