package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The witness: it cosigns a checkpoint only if it extends the last one it cosigned of that log, so
 * a log that forks (two views from a common prefix) or rolls back cannot get both views cosigned;
 * and its state survives a crash.
 */
class WitnessTest {
  static final NoteSigner LOG = Fixtures.noteSigner("cairn-test-log", "log key 1");
  static final NoteSigner W1 = Fixtures.noteSigner("witness.example/w1", "witness key 1");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-04T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;

  static void grow(TransparencyLog log, int to, String branch) throws LedgerException {
    for (int i = (int) log.size(); i < to; i++) {
      log.issue(TransparencyLogTest.issued(i, branch + i));
    }
  }

  static Witness.Request request(TransparencyLog log, long old) {
    return new Witness.Request(
        old,
        old == 0 ? List.of() : log.consistencyProof(old, log.size()),
        log.checkpoint().signedNote());
  }

  Witness witness() throws LedgerException {
    return Witness.open(tmp.resolve("witness"), W1, CLOCK);
  }

  @Test
  void cosigns_theFirstCheckpoint_thenOnlyConsistentExtensions() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(tmp.resolve("log"), LOG);
        Witness w = witness()) {
      grow(log, 5, "a");
      String line = w.addCheckpoint(request(log, 0), List.of(LOG.verifierKey()));
      String cosigned = log.checkpoint().signedNote() + line;
      assertThat(Cosignature.verify(cosigned, Cosignature.Key.parse(w.verifierKey())))
          .hasValue(CLOCK.instant());
      assertThat(w.latest(log.origin()).orElseThrow().size()).isEqualTo(5);
      grow(log, 9, "a");
      w.addCheckpoint(request(log, 5), List.of(LOG.verifierKey()));
      assertThat(w.latest(log.origin()).orElseThrow().size()).isEqualTo(9);
      // the same checkpoint again: same size, same root
      w.addCheckpoint(request(log, 9), List.of(LOG.verifierKey()));
      // a log that thinks the witness is behind gets 409 with the size the witness has
      WitnessException stale =
          catchThrowableOfType(
              WitnessException.class,
              () -> w.addCheckpoint(request(log, 5), List.of(LOG.verifierKey())));
      assertThat(stale.reason()).isEqualTo(WitnessException.Reason.CONFLICT);
      assertThat(stale.reason().status()).isEqualTo(409);
      assertThat(stale.latestSize()).isEqualTo(9);
    }
  }

  @Test
  void refuses_theSecondForkOfALog_andARollback() throws Exception {
    try (TransparencyLog a = TransparencyLog.open(tmp.resolve("a"), LOG);
        TransparencyLog b = TransparencyLog.open(tmp.resolve("b"), LOG);
        Witness w = witness()) {
      // a common prefix of 5 entries, then the two logs (one key, one origin) part ways
      grow(a, 5, "common");
      grow(b, 5, "common");
      assertThat(a.checkpoint().root()).isEqualTo(b.checkpoint().root());
      w.addCheckpoint(request(a, 0), List.of(LOG.verifierKey()));
      grow(a, 8, "a");
      grow(b, 8, "b");
      assertThat(a.origin()).isEqualTo(b.origin());
      w.addCheckpoint(request(a, 5), List.of(LOG.verifierKey()));

      // fork b at the same size: another root than the one cosigned
      WitnessException sameSize =
          catchThrowableOfType(
              WitnessException.class,
              () -> w.addCheckpoint(request(b, 8), List.of(LOG.verifierKey())));
      assertThat(sameSize.reason()).isEqualTo(WitnessException.Reason.CONFLICT);
      assertThat(sameSize.getMessage())
          .isEqualTo(
              "the checkpoint of "
                  + b.origin()
                  + " at size 8 has another root hash than the one witness witness.example/w1"
                  + " cosigned at that size: the log forked");

      // fork b grown past a: its own consistency proof from 8 does not start at a's tree
      grow(b, 11, "b");
      WitnessException larger =
          catchThrowableOfType(
              WitnessException.class,
              () -> w.addCheckpoint(request(b, 8), List.of(LOG.verifierKey())));
      assertThat(larger.reason()).isEqualTo(WitnessException.Reason.INCONSISTENT);
      assertThat(larger.reason().status()).isEqualTo(422);
      assertThat(larger.getMessage())
          .startsWith("the checkpoint of " + b.origin() + " at size 11 is not an extension of");

      // a rollback: a checkpoint behind the one cosigned
      try (TransparencyLog old = TransparencyLog.open(tmp.resolve("old"), LOG)) {
        grow(old, 6, "common");
        WitnessException back =
            catchThrowableOfType(
                WitnessException.class,
                () -> w.addCheckpoint(request(old, 5), List.of(LOG.verifierKey())));
        assertThat(back.reason()).isEqualTo(WitnessException.Reason.CONFLICT);
        assertThat(back.getMessage())
            .contains("last cosigned " + old.origin() + " at size 8, not 5");
        WitnessException older =
            catchThrowableOfType(
                WitnessException.class,
                () ->
                    w.addCheckpoint(
                        new Witness.Request(8, List.of(), old.checkpoint().signedNote()),
                        List.of(LOG.verifierKey())));
        assertThat(older.reason()).isEqualTo(WitnessException.Reason.BAD_REQUEST);
      }
      // a still extends what was cosigned
      grow(a, 12, "a");
      w.addCheckpoint(request(a, 8), List.of(LOG.verifierKey()));
      assertThat(w.latest(a.origin()).orElseThrow().root()).isEqualTo(a.checkpoint().root());
    }
  }

  @Test
  void refuses_anUnknownLog_andAForgedCheckpoint() throws Exception {
    NoteSigner other = Fixtures.noteSigner("other-log", "log key 2");
    try (TransparencyLog log = TransparencyLog.open(tmp.resolve("log"), LOG);
        Witness w = witness()) {
      grow(log, 2, "a");
      WitnessException unknown =
          catchThrowableOfType(
              WitnessException.class,
              () -> w.addCheckpoint(request(log, 0), List.of(other.verifierKey())));
      assertThat(unknown.reason()).isEqualTo(WitnessException.Reason.UNKNOWN_LOG);
      assertThat(unknown.getMessage())
          .isEqualTo("witness witness.example/w1 knows no log " + log.origin());
      String forged = log.checkpoint().signedNote().replaceFirst("\n2\n", "\n3\n");
      WitnessException bad =
          catchThrowableOfType(
              WitnessException.class,
              () ->
                  w.addCheckpoint(
                      new Witness.Request(0, List.of(), forged), List.of(LOG.verifierKey())));
      assertThat(bad.reason()).isEqualTo(WitnessException.Reason.FORBIDDEN);
      assertThat(w.latest(log.origin())).isEmpty();
    }
  }

  @Test
  void request_roundTripsThroughTheTlogWitnessBody_andRefusesMalformedOnes() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(tmp.resolve("log"), LOG)) {
      grow(log, 7, "a");
      Witness.Request r =
          new Witness.Request(3, log.consistencyProof(3, 7), log.checkpoint().signedNote());
      String body = r.toText();
      assertThat(body).startsWith("old 3\n").contains("\n\n" + log.origin() + "\n7\n");
      Witness.Request back = Witness.Request.parse(body);
      assertThat(back.oldSize()).isEqualTo(3);
      assertThat(back.checkpoint()).isEqualTo(r.checkpoint());
      assertThat(back.proof()).hasSameSizeAs(r.proof());
      assertThatThrownBy(() -> Witness.Request.parse("old 03\n\n" + r.checkpoint()))
          .hasMessage(
              "malformed add-checkpoint request: the old size line is not 'old <size>' in decimal:"
                  + " old 03");
      assertThatThrownBy(() -> Witness.Request.parse("old 3\nnot base64!\n\n" + r.checkpoint()))
          .hasMessage("malformed add-checkpoint request: consistency proof line 1 is not base64");
    }
  }

  @Test
  void state_isSavedBeforeTheCosignatureIsReturned_andSurvivesReopening() throws Exception {
    try (TransparencyLog log = TransparencyLog.open(tmp.resolve("log"), LOG)) {
      grow(log, 4, "a");
      try (Witness w = witness()) {
        w.addCheckpoint(request(log, 0), List.of(LOG.verifierKey()));
        // another process (or opener) cannot hold the state at the same time
        assertThatThrownBy(() -> Witness.open(tmp.resolve("witness"), W1, CLOCK).close())
            .isInstanceOf(LedgerException.class)
            .hasMessageContaining("the witness state in");
      }
      try (Witness w = witness()) {
        assertThat(w.latest(log.origin()).orElseThrow().size()).isEqualTo(4);
        // the reopened witness still refuses to go back
        WitnessException e =
            catchThrowableOfType(
                WitnessException.class,
                () -> w.addCheckpoint(request(log, 0), List.of(LOG.verifierKey())));
        assertThat(e.latestSize()).isEqualTo(4);
      }
    }
  }

  @Test
  void crash_midWrite_leavesTheOldState_andAnUnreadableStateFailsClosed() throws Exception {
    Path logs = tmp.resolve("witness").resolve("logs");
    try (TransparencyLog log = TransparencyLog.open(tmp.resolve("log"), LOG)) {
      grow(log, 4, "a");
      String origin = log.origin();
      try (Witness w = witness()) {
        w.addCheckpoint(request(log, 0), List.of(LOG.verifierKey()));
      }
      Path state;
      try (Stream<Path> s = Files.list(logs)) {
        state = s.filter(p -> p.toString().endsWith(".checkpoint")).findFirst().orElseThrow();
      }
      String before = Files.readString(state);
      // a crash between writing the temporary file and renaming it leaves it beside the state
      Files.writeString(
          logs.resolve("." + state.getFileName() + "123.tmp"), before.substring(0, 20));
      grow(log, 6, "a");
      try (Witness w = witness()) {
        assertThat(w.latest(origin).orElseThrow().size()).isEqualTo(4);
        w.addCheckpoint(request(log, 4), List.of(LOG.verifierKey()));
        assertThat(w.latest(origin).orElseThrow().size()).isEqualTo(6);
      }
      // a state file damaged some other way is not taken for "never seen": that would let a
      // rolled back log be cosigned from size 0
      Files.writeString(state, "garbage");
      try (Witness w = witness()) {
        LedgerException e =
            catchThrowableOfType(
                LedgerException.class,
                () -> w.addCheckpoint(request(log, 0), List.of(LOG.verifierKey())));
        assertThat(e).isNotInstanceOf(WitnessException.class);
        assertThat(e.getMessage()).startsWith("the witness state " + state + " cannot be read (");
        assertThat(e.hint()).hasValueSatisfying(h -> assertThat(h).contains("restore"));
      }
    }
  }

  @Test
  void keyFile_isCreatedOwnerOnly_andAWorldReadableOneIsRefused() throws Exception {
    Path f = tmp.resolve("w.key");
    NoteSigner k = Witness.createKey(f, "witness.example/w9");
    assertThat(Witness.readKey(f).verifierKey()).isEqualTo(k.verifierKey());
    assertThat(Files.readString(f)).doesNotContain(k.verifierKey());
    assertThatThrownBy(() -> Witness.createKey(f, "witness.example/w9"))
        .hasMessage("the witness key " + f + " already exists");
    Files.setPosixFilePermissions(
        f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> Witness.readKey(f))
        .hasMessage("the witness key " + f + " is readable by others");
  }
}
