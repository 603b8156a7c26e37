package dev.cairn.ledger;

import java.nio.file.Path;
import java.util.Base64;

/**
 * Child process of {@link LogCrashIT}: appends to the log forever and prints {@code ack INDEX N}
 * after each append returns, until it is killed.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    NoteSigner key =
        NoteSigner.of(
            "cairn-crash-test",
            Base64.getDecoder().decode(args[1]),
            Base64.getDecoder().decode(args[2]));
    int start = Integer.parseInt(args[3]);
    try (TransparencyLog log = TransparencyLog.open(dir, key)) {
      for (int n = start; ; n++) {
        Receipt r =
            n % 7 == 0
                ? log.appendAll(
                        java.util.List.of(
                            TransparencyLogTest.issued(n, "batch"),
                            TransparencyLogTest.issued(n + 1_000_000, "batch")))
                    .get(1)
                : log.issue(TransparencyLogTest.issued(n, "c" + (n % 5)));
        System.out.println("ack " + r.index() + " " + n);
        System.out.flush();
      }
    }
  }
}
