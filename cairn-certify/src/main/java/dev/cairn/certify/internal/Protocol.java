package dev.cairn.certify.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.ledger.ChainReceipt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the certify process and its measured workload say to each other, as typed records with one
 * codec: the {@link Task} on the workload's command line (no secrets in it), the {@link
 * Instructions} on its stdin once the attestation service listens, and one {@link Outcome} line on
 * its stdout. Secrets never cross: the workload gets them from the attestation service.
 */
public final class Protocol {
  private Protocol() {}

  /** What to scan and how to issue. */
  public record Task(
      String home,
      String targetKind,
      String targetPath,
      List<String> frameworks,
      String pssVersion,
      long validSeconds,
      String reportFile,
      String ledger,
      int confirmations,
      String locator) {
    public Task {
      frameworks = List.copyOf(frameworks);
      if (!targetKind.equals("live") && !targetKind.equals("snapshot")) {
        throw new IllegalArgumentException("target kind is live or snapshot, not " + targetKind);
      }
    }
  }

  /** Where and as what to attest; the published public half of the certificate key. */
  public record Instructions(
      String attest, String session, String service, Digest policy, String signingKey) {}

  /** How the workload ended. */
  public sealed interface Outcome {}

  /** Certificate signed (and recorded, on a ledger the workload records on). */
  public record Issued(
      Digest clusterId,
      Digest measurement,
      Digest reportDigest,
      String envelope,
      Instant issuedAt,
      Instant expiresAt,
      @Nullable ChainReceipt chain)
      implements Outcome {}

  /** Checks failed; nothing was signed. */
  public record Failed(
      Digest clusterId, Digest measurement, Digest reportDigest, List<FailedCheck> failing)
      implements Outcome {
    public Failed {
      failing = List.copyOf(failing);
    }
  }

  /**
   * No object the chosen checks judge was in the target (every check was not applicable): nothing
   * was signed, since such a certificate would say nothing about the cluster.
   *
   * @param objects the objects read
   * @param checks the checks chosen
   */
  public record NothingJudged(Digest clusterId, long objects, int checks) implements Outcome {}

  /** A failed check. */
  public record FailedCheck(String id, String message, long objects) {}

  /** The workload could not do its work. */
  public record Error(String message) implements Outcome {}

  // ------------------------------------------------------------------------------- the codec

  public static String encode(Task t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("home", t.home());
    m.put("targetKind", t.targetKind());
    m.put("targetPath", t.targetPath());
    m.put("frameworks", t.frameworks());
    m.put("pssVersion", t.pssVersion());
    m.put("validSeconds", t.validSeconds());
    m.put("reportFile", t.reportFile());
    m.put("ledger", t.ledger());
    m.put("confirmations", (long) t.confirmations());
    m.put("locator", t.locator());
    return Json.canonical(m);
  }

  public static Task decodeTask(String json) {
    JsonNode n = tree(json);
    List<String> fws = new ArrayList<>();
    req(n, "frameworks").forEach(f -> fws.add(f.asText()));
    return new Task(
        text(n, "home"),
        text(n, "targetKind"),
        text(n, "targetPath"),
        fws,
        text(n, "pssVersion"),
        req(n, "validSeconds").asLong(),
        text(n, "reportFile"),
        text(n, "ledger"),
        req(n, "confirmations").asInt(),
        text(n, "locator"));
  }

  public static String encode(Instructions i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("attest", i.attest());
    m.put("session", i.session());
    m.put("service", i.service());
    m.put("policy", i.policy().toString());
    m.put("signingKey", i.signingKey());
    return Json.canonical(m);
  }

  public static Instructions decodeInstructions(String json) {
    JsonNode n = tree(json);
    return new Instructions(
        text(n, "attest"),
        text(n, "session"),
        text(n, "service"),
        Digest.parse(text(n, "policy")),
        text(n, "signingKey"));
  }

  public static String encode(Outcome o) {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (o) {
      case Issued i -> {
        m.put("status", "issued");
        m.put("clusterId", i.clusterId().toString());
        m.put("measurement", i.measurement().toString());
        m.put("reportDigest", i.reportDigest().toString());
        m.put("envelope", i.envelope());
        m.put("issuedAt", i.issuedAt().toString());
        m.put("expiresAt", i.expiresAt().toString());
        ChainReceipt c = i.chain();
        if (c != null) {
          Map<String, Object> cm = new LinkedHashMap<>(c.toMap());
          cm.put("ledger", c.ledger());
          m.put("chain", cm);
        }
      }
      case Failed f -> {
        m.put("status", "failed");
        m.put("clusterId", f.clusterId().toString());
        m.put("measurement", f.measurement().toString());
        m.put("reportDigest", f.reportDigest().toString());
        List<Object> l = new ArrayList<>();
        for (FailedCheck c : f.failing()) {
          l.add(Map.of("id", c.id(), "message", c.message(), "objects", c.objects()));
        }
        m.put("failing", l);
      }
      case NothingJudged n -> {
        m.put("status", "nothing-judged");
        m.put("clusterId", n.clusterId().toString());
        m.put("objects", n.objects());
        m.put("checks", (long) n.checks());
      }
      case Error e -> {
        m.put("status", "error");
        m.put("error", e.message());
      }
    }
    return Json.canonical(m);
  }

  public static Outcome decodeOutcome(String json) {
    JsonNode n = tree(json);
    return switch (text(n, "status")) {
      case "issued" -> {
        JsonNode c = n.get("chain");
        ChainReceipt chain = null;
        if (c != null && !c.isNull()) {
          @SuppressWarnings("unchecked")
          Map<String, Object> cm = Jackson.MAPPER.convertValue(c, Map.class);
          chain = ChainReceipt.of(text(c, "ledger"), cm);
        }
        yield new Issued(
            Digest.parse(text(n, "clusterId")),
            Digest.parse(text(n, "measurement")),
            Digest.parse(text(n, "reportDigest")),
            text(n, "envelope"),
            Instant.parse(text(n, "issuedAt")),
            Instant.parse(text(n, "expiresAt")),
            chain);
      }
      case "failed" -> {
        List<FailedCheck> failing = new ArrayList<>();
        for (JsonNode f : req(n, "failing")) {
          failing.add(
              new FailedCheck(text(f, "id"), text(f, "message"), req(f, "objects").asLong()));
        }
        yield new Failed(
            Digest.parse(text(n, "clusterId")),
            Digest.parse(text(n, "measurement")),
            Digest.parse(text(n, "reportDigest")),
            failing);
      }
      case "nothing-judged" ->
          new NothingJudged(
              Digest.parse(text(n, "clusterId")),
              req(n, "objects").asLong(),
              req(n, "checks").asInt());
      case "error" -> new Error(text(n, "error"));
      default -> throw new IllegalArgumentException("unknown status " + text(n, "status"));
    };
  }

  private static JsonNode tree(String json) {
    try {
      JsonNode n = Jackson.MAPPER.readTree(json);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      return n;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  private static JsonNode req(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing '" + field + "'");
    }
    return v;
  }

  private static String text(JsonNode n, String field) {
    return req(n, field).asText();
  }
}
