package dev.cairn.pipeline.internal;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.RunState;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.pipeline.StepState;
import dev.cairn.pipeline.Trigger;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A run record as JSON ({@code run.json}, format 1; docs/pipeline.md describes it). */
public final class RunJson {
  public static final int FORMAT = 1;

  private RunJson() {}

  public static Map<String, Object> toMap(RunRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("id", r.id());
    m.put("revision", r.revision());
    m.put("pipeline", r.pipeline());
    m.put(
        "definition",
        Map.of("source", r.definitionSource(), "digest", r.definitionDigest().toString()));
    m.put("repository", r.repository());
    m.put("commit", r.commit());
    m.put("ref", r.ref());
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("source", r.trigger().source());
    t.put("deliveryId", r.trigger().deliveryId());
    t.put("pusher", r.trigger().pusher());
    t.put("commit", r.trigger().commit());
    t.put("ref", r.trigger().ref());
    m.put("trigger", t);
    m.put("concurrencyKey", r.concurrencyKey());
    m.put("rerun", r.rerun());
    m.put("state", r.state().id());
    m.put("created", r.created().toString());
    putTime(m, "started", r.started());
    putTime(m, "finished", r.finished());
    m.put("message", r.message());
    RunRecord.Failure f = r.failure();
    if (f != null) {
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("step", f.step());
      if (f.exitCode() != null) {
        fm.put("exitCode", f.exitCode());
      }
      fm.put("message", f.message());
      fm.put("lastLines", f.lastLines());
      m.put("failure", fm);
    }
    List<Object> steps = new ArrayList<>();
    for (StepRecord s : r.steps()) {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("name", s.name());
      sm.put("kind", s.kind().id());
      sm.put("state", s.state().id());
      sm.put("attempts", s.attempts());
      putTime(sm, "started", s.started());
      putTime(sm, "finished", s.finished());
      if (s.exitCode() != null) {
        sm.put("exitCode", s.exitCode());
      }
      sm.put("message", s.message());
      sm.put("outputs", new java.util.TreeMap<>(s.outputs()));
      sm.put("log", s.log());
      steps.add(sm);
    }
    m.put("steps", steps);
    return m;
  }

  public static String write(RunRecord r) {
    return Json.pretty(toMap(r));
  }

  private static void putTime(Map<String, Object> m, String k, @Nullable Instant t) {
    if (t != null) {
      m.put(k, t.toString());
    }
  }

  /**
   * Reads a record.
   *
   * @throws IOException when it is not a run record of a format this version reads
   */
  public static RunRecord read(String json) throws IOException {
    try {
      Map<String, Object> m = Json.parseObject(json);
      if (!(m.get("format") instanceof Long fmt) || fmt != FORMAT) {
        throw new IOException("not a run record of format " + FORMAT);
      }
      Map<String, Object> def = map(m, "definition");
      Map<String, Object> t = map(m, "trigger");
      List<StepRecord> steps = new ArrayList<>();
      for (Object o : list(m, "steps")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) o;
        Map<String, String> outputs = new LinkedHashMap<>();
        map(s, "outputs").forEach((k, v) -> outputs.put(k, String.valueOf(v)));
        steps.add(
            new StepRecord(
                str(s, "name"),
                StepKind.of(str(s, "kind")).orElseThrow(() -> new IOException("unknown step kind")),
                StepState.of(str(s, "state")),
                (int) num(s, "attempts"),
                time(s, "started"),
                time(s, "finished"),
                s.get("exitCode") instanceof Long l ? (int) (long) l : null,
                str(s, "message"),
                outputs,
                str(s, "log")));
      }
      RunRecord.Failure failure = null;
      if (m.get("failure") instanceof Map<?, ?>) {
        Map<String, Object> f = map(m, "failure");
        failure =
            new RunRecord.Failure(
                str(f, "step"),
                f.get("exitCode") instanceof Long l ? (int) (long) l : null,
                str(f, "message"),
                list(f, "lastLines").stream().map(String::valueOf).toList());
      }
      return new RunRecord(
          str(m, "id"),
          str(m, "pipeline"),
          str(def, "source"),
          Digest.parse(str(def, "digest")),
          str(m, "repository"),
          str(m, "commit"),
          str(m, "ref"),
          new Trigger(
              str(t, "source"),
              str(t, "deliveryId"),
              str(t, "pusher"),
              str(t, "commit"),
              str(t, "ref")),
          str(m, "concurrencyKey"),
          Boolean.TRUE.equals(m.get("rerun")),
          RunState.of(str(m, "state")),
          java.util.Objects.requireNonNull(time(m, "created")),
          time(m, "started"),
          time(m, "finished"),
          steps,
          str(m, "message"),
          failure,
          num(m, "revision"));
    } catch (RuntimeException e) {
      throw new IOException("malformed run record: " + e.getClass().getSimpleName(), e);
    }
  }

  private static String str(Map<String, Object> m, String k) throws IOException {
    if (m.get(k) instanceof String s) {
      return s;
    }
    throw new IOException("run record without '" + k + "'");
  }

  private static long num(Map<String, Object> m, String k) throws IOException {
    if (m.get(k) instanceof Long l) {
      return l;
    }
    throw new IOException("run record without '" + k + "'");
  }

  private static @Nullable Instant time(Map<String, Object> m, String k) {
    return m.get(k) instanceof String s ? Instant.parse(s) : null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> m, String k) throws IOException {
    if (m.get(k) instanceof Map<?, ?> x) {
      return (Map<String, Object>) x;
    }
    throw new IOException("run record without '" + k + "'");
  }

  private static List<?> list(Map<String, Object> m, String k) throws IOException {
    if (m.get(k) instanceof List<?> x) {
      return x;
    }
    throw new IOException("run record without '" + k + "'");
  }
}
