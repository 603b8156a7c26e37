package dev.cairn.server.auth;

import dev.cairn.deploy.duties.Duty;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which duties each operation of the API needs: the one declared table that every endpoint is
 * checked against (its keys are the {@code operationId}s of {@code /openapi.json}). An operation
 * with no duties is open (health, metrics, the document itself, and webhooks, which prove
 * themselves by their signature); any other needs a valid token holding one of its duties, and
 * Viewer is held by every token. An operation missing from the table is refused to everyone.
 */
public final class Access {
  private static final Set<Duty> OPEN = Set.of();
  private static final Set<Duty> READ = Set.of(Duty.VIEWER);

  /** operationId → the duties any one of which allows it (empty: open). */
  public static final Map<String, Set<Duty>> TABLE = table();

  private Access() {}

  private static Map<String, Set<Duty>> table() {
    Map<String, Set<Duty>> t = new LinkedHashMap<>();
    t.put("getHealth", OPEN);
    t.put("getReadiness", OPEN);
    t.put("getMetrics", OPEN);
    t.put("getOpenApi", OPEN);
    t.put("receiveWebhook", OPEN);
    // the dashboard's page and code hold no data: what they show comes through the API, with a
    // token
    t.put("getDashboard", OPEN);
    t.put("getDashboardAsset", OPEN);
    t.put("getMe", READ);
    t.put("listRuns", READ);
    t.put("getRun", READ);
    t.put("getStepLog", READ);
    t.put("streamRunEvents", READ);
    t.put("cancelRun", EnumSet.of(Duty.DEV, Duty.OPS));
    t.put("listClusters", READ);
    t.put("listClusterCertificates", READ);
    t.put("getCertificate", READ);
    t.put("verifyCertificate", READ);
    t.put("listTargets", READ);
    t.put("listDeployments", READ);
    t.put("listAudit", READ);
    t.put("getTrustRoot", READ);
    t.put("listNotifications", READ);
    t.put("listSchedules", READ);
    t.put("putSchedule", EnumSet.of(Duty.SEC, Duty.OPS));
    t.put("deleteSchedule", EnumSet.of(Duty.SEC, Duty.OPS));
    t.put("startScan", EnumSet.of(Duty.SEC, Duty.OPS));
    t.put("listScans", READ);
    t.put("getScan", READ);
    t.put("streamScanJobEvents", READ);
    t.put("listTokens", Set.of(Duty.SEC));
    t.put("createToken", Set.of(Duty.SEC));
    t.put("revokeToken", Set.of(Duty.SEC));
    Map<String, Set<Duty>> out = new LinkedHashMap<>();
    t.forEach((k, v) -> out.put(k, Set.copyOf(v)));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** What a request with {@code token} (null: none or not valid) may do with an operation. */
  public enum Verdict {
    ALLOWED,
    /** No valid token: 401. */
    UNAUTHENTICATED,
    /** A valid token without the duty: 403. */
    FORBIDDEN
  }

  /** Whether an operation is open to requests without a token. */
  public static boolean open(String operationId) {
    Set<Duty> need = TABLE.get(operationId);
    return need != null && need.isEmpty();
  }

  /** The verdict on {@code operationId} for {@code token}; an unknown operation is forbidden. */
  public static Verdict check(String operationId, @Nullable ApiToken token) {
    Set<Duty> need = TABLE.get(operationId);
    if (need == null) {
      return token == null ? Verdict.UNAUTHENTICATED : Verdict.FORBIDDEN;
    }
    if (need.isEmpty()) {
      return Verdict.ALLOWED;
    }
    if (token == null || !token.active()) {
      return Verdict.UNAUTHENTICATED;
    }
    for (Duty d : need) {
      if (token.holds(d)) {
        return Verdict.ALLOWED;
      }
    }
    return Verdict.FORBIDDEN;
  }
}
