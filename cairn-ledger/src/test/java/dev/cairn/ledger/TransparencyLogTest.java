package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Digest;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransparencyLogTest {
  @TempDir Path dir;
  static final NoteSigner KEY = NoteSigner.generate("cairn-test-log");
  static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

  static LedgerEntry.Issued issued(int i, String cluster) {
    return new LedgerEntry.Issued(
        Digest.sha256(cluster),
        Digest.sha256("cert-" + i),
        T0,
        T0.plusSeconds(86_400),
        "cert-" + i + ".json",
        ("{\"envelope\":" + i + "}").getBytes());
  }

  @Test
  void issue_returnsReceiptThatVerifiesAgainstTheSignedCheckpoint() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      Receipt r0 = log.issue(issued(0, "a"));
      Receipt r1 = log.issue(issued(1, "b"));
      assertThat(r1.index()).isEqualTo(1);
      assertThat(NoteSigner.verify(r1.checkpoint().signedNote(), log.verifierKey()))
          .isEqualTo(r1.checkpoint().text())
          .startsWith(r1.checkpoint().body());
      assertThat(
              Merkle.verifyInclusion(
                  1,
                  r1.checkpoint().size(),
                  Merkle.leafHash(log.entryBytes(1)),
                  r1.inclusionProof(),
                  r1.checkpoint().root()))
          .isTrue();
      assertThat(
              Merkle.verifyConsistency(
                  r0.checkpoint().size(),
                  r1.checkpoint().size(),
                  log.consistencyProof(r0.checkpoint().size(), r1.checkpoint().size()),
                  r0.checkpoint().root(),
                  r1.checkpoint().root()))
          .isTrue();
      assertThat(r1.checkpoint().signedNote())
          .startsWith(log.origin() + "\n2\n")
          .contains("\n\n\u2014 cairn-test-log ");
    }
  }

  @Test
  void issue_sameCertificateTwice_isIdempotent_differentContentIsRefused() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      Receipt a = log.issue(issued(0, "a"));
      Receipt b = log.issue(issued(0, "a"));
      assertThat(b.index()).isEqualTo(a.index());
      assertThat(log.size()).isEqualTo(1);
      LedgerEntry.Issued other =
          new LedgerEntry.Issued(
              Digest.sha256("a"), Digest.sha256("cert-0"), T0, T0.plusSeconds(5), "x", new byte[0]);
      assertThatThrownBy(() -> log.issue(other))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("different content");
    }
  }

  @Test
  void revoke_historyAndLatest() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      log.issue(issued(0, "a"));
      log.issue(issued(1, "b"));
      log.issue(issued(2, "a"));
      assertThat(log.history(Digest.sha256("a")))
          .extracting(LedgerEntry.Issued::certificate)
          .containsExactly(Digest.sha256("cert-0"), Digest.sha256("cert-2"));
      assertThat(log.latest(Digest.sha256("a")).orElseThrow().certificate())
          .isEqualTo(Digest.sha256("cert-2"));
      assertThat(log.revocation(Digest.sha256("cert-0"))).isEmpty();
      log.revoke(
          new LedgerEntry.Revoked(Digest.sha256("cert-0"), "key compromised", T0.plusSeconds(60)));
      assertThat(log.revocation(Digest.sha256("cert-0")).orElseThrow().reason())
          .isEqualTo("key compromised");
      assertThatThrownBy(() -> log.revoke(new LedgerEntry.Revoked(Digest.sha256("nope"), "x", T0)))
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("no certificate");
    }
  }

  @Test
  void reopen_keepsEverythingAndIndexes() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      for (int i = 0; i < 50; i++) {
        log.issue(issued(i, "c" + (i % 3)));
      }
    }
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      assertThat(log.size()).isEqualTo(50);
      assertThat(log.checkpoint().size()).isEqualTo(50);
      assertThat(log.find(Digest.sha256("cert-17"))).isPresent();
      assertThat(log.history(Digest.sha256("c1"))).hasSize(17);
    }
  }

  @Test
  void open_whileOpenElsewhere_isRefused() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      assertThatThrownBy(() -> TransparencyLog.open(dir, KEY, java.time.Duration.ZERO))
          .isInstanceOf(LedgerException.class)
          .hasMessage("the log in " + dir + " is in use by another process");
      assertThatThrownBy(
              () -> TransparencyLog.openReadOnly(dir, KEY.verifierKey(), java.time.Duration.ZERO))
          .isInstanceOf(LedgerException.class)
          .hasMessage("the log in " + dir + " is in use by another process that writes to it");
    }
  }

  /** Every file under {@code d} with its bytes and modification time. */
  static java.util.Map<String, String> files(Path d) throws Exception {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    try (var all = Files.walk(d)) {
      for (Path p : all.toList()) {
        out.put(
            d.relativize(p).toString(),
            Files.isDirectory(p)
                ? "dir"
                : Digest.sha256(Files.readAllBytes(p)) + " " + Files.getLastModifiedTime(p));
      }
    }
    return out;
  }

  @Test
  void openReadOnly_readsWithoutCreatingSigningOrWriting() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      log.issue(issued(0, "a"));
      log.revoke(new LedgerEntry.Revoked(Digest.sha256("cert-0"), "gone", T0));
    }
    // an entry fsynced but never checkpointed (a crash between the two), and a torn tail
    Files.write(
        dir.resolve("entries"),
        new byte[] {0, 0, 1, 0, 9, 9},
        java.nio.file.StandardOpenOption.APPEND);
    java.util.Map<String, String> before = files(dir);
    try (TransparencyLog log = TransparencyLog.openReadOnly(dir, KEY.verifierKey())) {
      assertThat(log.readOnly()).isTrue();
      assertThat(log.checkpoint().size()).isEqualTo(2);
      assertThat(log.revocation(Digest.sha256("cert-0"))).isPresent();
      assertThatThrownBy(() -> log.issue(issued(1, "a")))
          .isInstanceOf(LedgerException.class)
          .hasMessage("embedded transparency log " + dir + " was opened only to read");
    }
    assertThat(files(dir)).isEqualTo(before);
    assertThatThrownBy(() -> TransparencyLog.openReadOnly(dir.resolve("none"), KEY.verifierKey()))
        .isInstanceOf(LedgerException.class)
        .hasMessage("there is no log in " + dir.resolve("none"));
    assertThat(dir.resolve("none")).doesNotExist();
  }

  @Test
  void openReadOnly_withoutItsCheckpoint_failsClosed_andSignsNone() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      log.issue(issued(0, "a"));
    }
    Files.delete(dir.resolve("checkpoint"));
    assertThatThrownBy(() -> TransparencyLog.openReadOnly(dir, KEY.verifierKey()))
        .isInstanceOf(LedgerException.class)
        .hasMessage("the log in " + dir + " has no signed checkpoint for its 1 entries (removed?)");
    assertThat(dir.resolve("checkpoint")).doesNotExist();
  }

  @Test
  void openReadOnly_manyReadersAtOnce_inThisJvm_allRead_andAWriterWaitsForThem() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      log.issue(issued(0, "a"));
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    java.util.concurrent.CountDownLatch allOpen = new java.util.concurrent.CountDownLatch(4);
    try {
      List<java.util.concurrent.Future<Long>> reads = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        reads.add(
            pool.submit(
                () -> {
                  try (TransparencyLog log = TransparencyLog.openReadOnly(dir, KEY.verifierKey())) {
                    allOpen.countDown();
                    // every reader holds the log while the others open it
                    assertThat(allOpen.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                    return log.size();
                  }
                }));
      }
      for (java.util.concurrent.Future<Long> r : reads) {
        assertThat(r.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
    try (TransparencyLog log = TransparencyLog.open(dir, KEY, java.time.Duration.ZERO)) {
      assertThat(log.size()).isEqualTo(1);
    }
  }

  @Test
  void tornTail_isCutOff_andCommittedEntriesSurvive() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      log.issue(issued(0, "a"));
      log.issue(issued(1, "a"));
    }
    Files.write(
        dir.resolve("entries"),
        new byte[] {0, 0, 1, 0, 9, 9},
        java.nio.file.StandardOpenOption.APPEND);
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      assertThat(log.size()).isEqualTo(2);
      log.issue(issued(2, "a"));
    }
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      assertThat(log.size()).isEqualTo(3);
    }
  }

  @Test
  void corruptMiddleRecord_failsClosed() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      for (int i = 0; i < 3; i++) {
        log.issue(issued(i, "a"));
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("entries").toFile(), "rw")) {
      f.seek(20);
      f.write('X');
    }
    assertThatThrownBy(() -> TransparencyLog.open(dir, KEY))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("is corrupt: record 0");
  }

  @Test
  void tamperedOrForeignCheckpoint_failsClosed() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      log.issue(issued(0, "a"));
    }
    String note = Files.readString(dir.resolve("checkpoint"));
    Files.writeString(dir.resolve("checkpoint"), note.replaceFirst("\n1\n", "\n2\n"));
    assertThatThrownBy(() -> TransparencyLog.open(dir, KEY))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("forged or altered");
    Files.writeString(dir.resolve("checkpoint"), note);
    assertThatThrownBy(() -> TransparencyLog.open(dir, NoteSigner.generate("cairn-test-log")))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("not signed by the log key");
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      assertThat(log.size()).isEqualTo(1);
    }
  }

  @Test
  void appendAll_batchIsOneCheckpoint() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(dir, KEY)) {
      List<Receipt> rs = log.appendAll(List.of(issued(0, "a"), issued(1, "a"), issued(2, "a")));
      assertThat(rs).extracting(Receipt::index).containsExactly(0L, 1L, 2L);
      assertThat(rs).allSatisfy(r -> assertThat(r.checkpoint().size()).isEqualTo(3));
    }
  }

  @Test
  void noteSigner_toStringShowsNoPrivateKey() {
    assertThat(KEY.toString())
        .doesNotContain(java.util.Base64.getEncoder().encodeToString(KEY.pkcs8()));
  }
}
