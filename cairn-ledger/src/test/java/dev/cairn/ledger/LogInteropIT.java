package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cairn's checkpoints and proofs read by the reference implementations (Go, built here from the Go
 * module proxy): golang.org/x/mod/sumdb/note and github.com/transparency-dev/merkle.
 */
class LogInteropIT {
  @TempDir Path tmp;

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static List<String> b64(List<byte[]> l) {
    return l.stream().map(LogInteropIT::b64).toList();
  }

  record Result(int code, String out) {}

  private Result runGo(Map<String, Object> input) throws Exception {
    return runGo("interop", input);
  }

  private Result runGo(String program, Map<String, Object> input) throws Exception {
    Path mod = tmp.resolve("mod-" + program);
    Files.createDirectories(mod);
    Files.copy(
        Path.of("src/test/resources/" + program + "/main.go.txt"),
        mod.resolve("main.go"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    if (!Files.exists(mod.resolve("go.mod"))) {
      Files.copy(Path.of("src/test/resources/" + program + "/go.mod.txt"), mod.resolve("go.mod"));
    }
    Path in = tmp.resolve("input-" + System.nanoTime() + ".json");
    Files.writeString(in, Json.pretty(input));
    if (!Files.exists(mod.resolve("go.sum"))) {
      assertThat(go(mod, "mod", "tidy").code()).isZero();
    }
    return go(mod, "run", ".", in.toString());
  }

  private static Result go(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Files.isExecutable(Path.of("/usr/local/go/bin/go")) ? "/usr/local/go/bin/go" : "go");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("GOTOOLCHAIN", "local");
    pb.environment().put("GOFLAGS", "-mod=mod");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void checkpointAndProofs_verifyWithTheGoReferenceImplementations() throws Exception {
    NoteSigner key = NoteSigner.generate("cairn-interop-log");
    Map<String, Object> input = new LinkedHashMap<>();
    try (TransparencyLog log = TransparencyLog.open(tmp.resolve("log"), key)) {
      for (int i = 0; i < 13; i++) {
        log.issue(TransparencyLogTest.issued(i, "c" + (i % 2)));
      }
      Checkpoint old = log.checkpoint();
      for (int i = 13; i < 37; i++) {
        log.issue(TransparencyLogTest.issued(i, "c" + (i % 2)));
      }
      Checkpoint cp = log.checkpoint();
      input.put("verifierKey", log.verifierKey());
      input.put("checkpoint", cp.signedNote());
      input.put("oldSize", old.size());
      input.put("oldRoot", b64(old.root()));
      input.put("consistency", b64(log.consistencyProof(old.size(), cp.size())));
      List<Map<String, Object>> leaves = new ArrayList<>();
      for (long i : new long[] {0, 1, 12, 13, 31, 36}) {
        leaves.add(
            Map.of(
                "index",
                i,
                "data",
                b64(log.entryBytes(i)),
                "proof",
                b64(log.inclusionProof(i, cp.size()))));
      }
      input.put("leaves", leaves);
    }
    Result ok = runGo(input);
    assertThat(ok.code()).as(ok.out()).isZero();
    assertThat(ok.out()).contains("OK cairn.local/log/").contains("size=37 leaves=6");

    // and the reference rejects a forged checkpoint (size changed after signing)
    input.put("checkpoint", ((String) input.get("checkpoint")).replaceFirst("\n37\n", "\n36\n"));
    Result forged = runGo(input);
    assertThat(forged.code()).isNotZero();
    assertThat(forged.out()).contains("checkpoint signature");
  }

  @Test
  void witnessCosignature_keepsTheLogSignatureReadable_andVerifiesWithTransparencyDevFormats()
      throws Exception {
    NoteSigner key = NoteSigner.generate("cairn-interop-log");
    NoteSigner witnessKey = NoteSigner.generate("witness.example/w1");
    java.time.Instant at = java.time.Instant.parse("2026-12-01T12:00:00Z");
    Map<String, Object> input = new LinkedHashMap<>();
    try (TransparencyLog log = TransparencyLog.open(tmp.resolve("log"), key);
        Witness w =
            Witness.open(
                tmp.resolve("witness"),
                witnessKey,
                java.time.Clock.fixed(at, java.time.ZoneOffset.UTC))) {
      for (int i = 0; i < 5; i++) {
        log.issue(TransparencyLogTest.issued(i, "c"));
      }
      log.revoke(
          new LedgerEntry.Revoked(TransparencyLogTest.issued(2, "c").certificate(), "interop", at));
      Witness.Witnessed cosigned = w.cosign(log);
      // the checkpoint carries Cairn's revocations extension line, which the cosignature covers
      assertThat(cosigned.checkpoint().text()).contains("\nrevocations 1 ");
      input.put("logKey", log.verifierKey());
      input.put("witnessKey", w.verifierKey());
      input.put("note", log.checkpoint().signedNote());
    }
    Result ok = runGo("interop-cosig", input);
    assertThat(ok.code()).as(ok.out()).isZero();
    assertThat(ok.out())
        .contains(
            "OK log=cairn-interop-log witness=witness.example/w1 time="
                + at.getEpochSecond()
                + " unverified=1");

    // an altered checkpoint: the reference refuses it (the log's signature breaks first)
    input.put("note", ((String) input.get("note")).replaceFirst("\n6\n", "\n7\n"));
    Result forged = runGo("interop-cosig", input);
    assertThat(forged.code()).isNotZero();
    assertThat(forged.out()).contains("log signature");
  }
}
