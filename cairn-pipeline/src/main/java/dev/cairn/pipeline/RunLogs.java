package dev.cairn.pipeline;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Reading and following the step logs of a run (masked as they were written). */
public final class RunLogs {
  private static final int CHUNK = 1 << 16;

  private RunLogs() {}

  /** The header before a step's log. */
  public static String header(StepRecord s) {
    return "==> " + s.name() + " (" + s.kind().id() + ", " + s.state().id() + ") <==\n";
  }

  /** Every step's log so far, each after its {@link #header}; steps that wrote nothing left out. */
  public static String text(RunStore store, String runId) throws PipelineException {
    RunRecord r = require(store, runId);
    StringBuilder sb = new StringBuilder();
    for (StepRecord s : r.steps()) {
      byte[] all = readAll(store, runId, s.log(), 0);
      if (all.length > 0) {
        sb.append(header(s)).append(new String(all, StandardCharsets.UTF_8));
        if (all[all.length - 1] != '\n') {
          sb.append('\n');
        }
      }
    }
    return sb.toString();
  }

  /**
   * Follows a run's logs: gives {@code out} each step's header and its log as it grows, until the
   * run has finished and everything it logged was given; returns its final record.
   */
  public static RunRecord follow(RunStore store, String runId, Consumer<String> out, Duration poll)
      throws PipelineException, InterruptedException {
    Map<String, Long> offsets = new HashMap<>();
    while (true) {
      RunRecord r = require(store, runId);
      for (StepRecord s : r.steps()) {
        long off = offsets.getOrDefault(s.log(), -1L);
        byte[] more = readAll(store, runId, s.log(), Math.max(0, off));
        if (more.length > 0
            || (off < 0 && s.state() != StepState.PENDING && s.state() != StepState.NOT_RUN)) {
          if (off < 0) {
            out.accept(header(s));
            off = 0;
          }
          if (more.length > 0) {
            out.accept(new String(more, StandardCharsets.UTF_8));
          }
          offsets.put(s.log(), off + more.length);
        }
      }
      if (r.state().finished()) {
        return r;
      }
      Thread.sleep(Math.max(10, poll.toMillis()));
    }
  }

  private static byte[] readAll(RunStore store, String runId, String log, long from)
      throws PipelineException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    long off = from;
    while (true) {
      byte[] chunk = store.readLog(runId, log, off, CHUNK);
      if (chunk.length == 0) {
        break;
      }
      b.write(chunk, 0, chunk.length);
      off += chunk.length;
    }
    return b.toByteArray();
  }

  private static RunRecord require(RunStore store, String runId) throws PipelineException {
    return store
        .get(runId)
        .orElseThrow(
            () ->
                new PipelineException(
                    "no run " + dev.cairn.core.Text.escape(runId),
                    "list the runs to see their ids"));
  }
}
