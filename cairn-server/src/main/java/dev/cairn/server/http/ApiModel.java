package dev.cairn.server.http;

import dev.cairn.certify.VerifyResult;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.deploy.rollout.Revision;
import dev.cairn.ledger.Certificate;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.pipeline.StepRecord;
import dev.cairn.server.auth.ApiToken;
import dev.cairn.server.store.ScanStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The documents of the REST API, one record each, as {@code /openapi.json} describes them. Times
 * are ISO-8601 strings in UTC; absent values are {@code null}, never left out; field names are
 * stable.
 */
public final class ApiModel {
  private ApiModel() {}

  private static @Nullable String time(@Nullable Instant t) {
    return t == null ? null : t.toString();
  }

  /** An error: {@code error} is a stable code, {@code message} and {@code hint} are for people. */
  public record Error(String error, String message, @Nullable String hint) {}

  /** {@code /healthz} and {@code /readyz}. */
  public record Health(String status, List<String> problems) {
    public Health {
      problems = List.copyOf(problems);
    }
  }

  /** Who the caller's token is. */
  public record Me(String tokenId, String name, List<String> duties) {
    public static Me of(ApiToken t) {
      return new Me(t.id(), t.name(), dutyTitles(t));
    }
  }

  static List<String> dutyTitles(ApiToken t) {
    return t.duties().stream().sorted().map(Duty::title).toList();
  }

  /** One step of a run. */
  public record Step(
      String name,
      String kind,
      String state,
      int attempts,
      @Nullable String started,
      @Nullable String finished,
      @Nullable Integer exitCode,
      String message,
      Map<String, String> outputs) {
    public static Step of(StepRecord s) {
      return new Step(
          s.name(),
          s.kind().id(),
          s.state().id(),
          s.attempts(),
          time(s.started()),
          time(s.finished()),
          s.exitCode(),
          s.message(),
          new TreeMap<>(s.outputs()));
    }
  }

  /** Why a run failed: its first failing step. */
  public record Failure(
      String step, @Nullable Integer exitCode, String message, List<String> lastLines) {}

  /** What started a run. */
  public record RunTrigger(
      String source, String deliveryId, String pusher, String commit, String ref) {}

  /** A pipeline run. */
  public record Run(
      String id,
      String pipeline,
      String repository,
      String commit,
      String ref,
      RunTrigger trigger,
      String state,
      String created,
      @Nullable String started,
      @Nullable String finished,
      String message,
      @Nullable Failure failure,
      List<Step> steps,
      long revision) {
    public static Run of(RunRecord r) {
      RunRecord.Failure f = r.failure();
      return new Run(
          r.id(),
          r.pipeline(),
          r.repository(),
          r.commit(),
          r.ref(),
          new RunTrigger(
              r.trigger().source(),
              r.trigger().deliveryId(),
              r.trigger().pusher(),
              r.trigger().commit(),
              r.trigger().ref()),
          r.state().id(),
          r.created().toString(),
          time(r.started()),
          time(r.finished()),
          r.message(),
          f == null ? null : new Failure(f.step(), f.exitCode(), f.message(), f.lastLines()),
          r.steps().stream().map(Step::of).toList(),
          r.revision());
    }
  }

  /** A page of runs, newest first. */
  public record RunList(List<Run> runs, int total) {}

  /**
   * Part of a step's log: {@code text} from byte {@code offset} up to {@code nextOffset} (ask again
   * from there for more).
   */
  public record LogChunk(
      String run, String step, long offset, long nextOffset, boolean complete, String text) {}

  /** A certificate kept by the server. */
  public record CertificateSummary(
      String digest,
      String cluster,
      String server,
      String source,
      List<String> frameworks,
      Map<String, Long> summary,
      String tee,
      boolean hardwareBacked,
      String issuedAt,
      String expiresAt,
      String standing,
      String ledger,
      String locator) {
    public static CertificateSummary of(
        String digest, Certificate c, String ledger, String locator, Instant now, long soonDays) {
      String standing =
          !c.expiresAt().isAfter(now)
              ? "expired"
              : c.expiresAt().isBefore(now.plus(java.time.Duration.ofDays(soonDays)))
                  ? "expiring"
                  : "valid";
      return new CertificateSummary(
          digest,
          c.clusterId().toString(),
          c.server(),
          c.source(),
          c.frameworks(),
          new TreeMap<>(c.summary()),
          c.tee(),
          c.hardwareBacked(),
          c.issuedAt().toString(),
          c.expiresAt().toString(),
          standing,
          ledger,
          locator);
    }
  }

  /** A cluster with the certificates the server keeps for it. */
  public record Cluster(
      String id, String server, int certificates, @Nullable CertificateSummary latest) {}

  public record ClusterList(List<Cluster> clusters) {}

  public record CertificateList(String cluster, List<CertificateSummary> certificates) {}

  /** A broken link of a verification. */
  public record VerificationFailure(String link, String message, @Nullable String hint) {}

  /** A live verification: the same result {@code cairn verify} gives. */
  public record Verification(
      boolean verified,
      String certificate,
      String ledger,
      @Nullable String cluster,
      List<String> links,
      List<String> notChecked,
      @Nullable VerificationFailure failure,
      String checkedAt) {
    public static Verification of(VerifyResult r, Instant at) {
      return switch (r) {
        case VerifyResult.Verified v ->
            new Verification(
                true,
                v.certificateDigest().toString(),
                v.ledger(),
                v.certificate().clusterId().toString(),
                v.links(),
                v.notChecked(),
                null,
                at.toString());
        case VerifyResult.NotVerified n ->
            new Verification(
                false,
                n.certificateDigest().toString(),
                n.ledger(),
                null,
                List.of(),
                List.of(),
                new VerificationFailure(n.link(), n.message(), n.hint()),
                at.toString());
      };
    }
  }

  /** A deploy target with its latest revision. */
  public record Target(String name, int revisions, @Nullable Deployment latest) {}

  public record TargetList(List<Target> targets) {}

  /** One revision of a target: a deploy or a rollback, with the gate's decision. */
  public record Deployment(
      int rev,
      String kind,
      @Nullable String commit,
      List<String> images,
      String time,
      String who,
      String gate,
      String outcome,
      @Nullable String reason,
      @Nullable Integer restored) {
    public static Deployment of(Revision r) {
      return new Deployment(
          r.rev(),
          r.kind(),
          r.commit(),
          r.images(),
          r.time().toString(),
          r.who(),
          r.gate(),
          r.outcome().wire(),
          r.reason(),
          r.restored());
    }
  }

  public record DeploymentList(String target, List<Deployment> deployments) {}

  /** One record of the audit log (its hash chain checked when read), as written. */
  public record AuditEntry(
      int line, String event, @Nullable String at, Map<String, Object> record) {}

  public record AuditList(List<AuditEntry> entries, int total) {}

  /** A token as listed: never the token itself. */
  public record Token(
      String id, String name, List<String> duties, String created, @Nullable String revoked) {
    public static Token of(ApiToken t) {
      return new Token(t.id(), t.name(), dutyTitles(t), t.created().toString(), time(t.revoked()));
    }
  }

  public record TokenList(List<Token> tokens) {}

  /** A token just made: {@code token} is shown this once. */
  public record TokenCreated(Token info, String token) {}

  /** The body of {@code POST /api/v1/tokens}. */
  public record TokenRequest(String name, List<String> duties) {}

  /** What became of a request to change something. */
  public record Done(String status, String message) {}

  /**
   * One window of one item of the trust root: an attestation policy version, a scanner or builder
   * measurement, a signing, platform, log, witness or builder key, or a ledger pin.
   *
   * @param kind {@code policy}, {@code measurement}, {@code signing-key}, {@code platform-key},
   *     {@code log-key}, {@code witness-key}, {@code builder-key}, {@code builder-measurement} or
   *     {@code ledger-pin}
   * @param name how Cairn's messages name it (a digest or key id; never a secret)
   * @param validFrom null: since before the trust root recorded windows
   * @param validUntil null: still trusted
   * @param trustedNow whether the window holds the server's present time
   */
  public record TrustEntry(
      String kind,
      String name,
      @Nullable String validFrom,
      @Nullable String validUntil,
      boolean trustedNow) {}

  /** A log's checkpoint the trust root pinned. */
  public record PinnedCheckpoint(String origin, long size) {}

  /** The trust root certificates and provenance are verified against ({@code trust.json}). */
  public record TrustDocument(
      List<TrustEntry> entries,
      List<PinnedCheckpoint> checkpoints,
      boolean acceptsSnapshots,
      int requiredWitnesses,
      boolean acceptsUnattestedBuilders) {}

  /** One try of a notification delivery. */
  public record NotificationAttempt(String at, int status, @Nullable String error) {}

  /** A notification on its way to one endpoint (shown without its URL's query). */
  public record NotificationDelivery(
      String id,
      String kind,
      String at,
      String subject,
      String summary,
      String endpoint,
      String status,
      List<NotificationAttempt> attempts,
      @Nullable String nextAttempt) {
    public static NotificationDelivery of(dev.cairn.server.notify.Notifier.Delivery d) {
      return new NotificationDelivery(
          d.id(),
          d.notification().kind().wire(),
          d.notification().at().toString(),
          d.notification().subject(),
          d.notification().summary(),
          d.endpoint(),
          d.status().wire(),
          d.attempts().stream()
              .map(a -> new NotificationAttempt(a.at().toString(), a.status(), a.error()))
              .toList(),
          time(d.nextAttempt()));
    }
  }

  public record NotificationList(List<String> endpoints, List<NotificationDelivery> deliveries) {}

  /** A scan of a registered cluster: failing findings by framework, then by severity. */
  public record ScanSummary(
      long id, String cluster, String scannedAt, Map<String, Map<String, Integer>> findings) {
    public static ScanSummary of(ScanStore.Scan s) {
      return new ScanSummary(s.id(), s.cluster(), s.scannedAt().toString(), s.findings());
    }
  }

  /** Scans, newest first. */
  public record ScanList(List<ScanSummary> scans) {}

  /** A scan with its report (the scanner's JSON report, as an object). */
  public record ScanDetail(
      long id,
      String cluster,
      String scannedAt,
      Map<String, Map<String, Integer>> findings,
      Map<String, Object> report) {}

  /** A registered cluster's newest scan. */
  public record LastScan(long id, String scannedAt, Map<String, Map<String, Integer>> findings) {
    public static LastScan of(ScanStore.Scan s) {
      return new LastScan(s.id(), s.scannedAt().toString(), s.findings());
    }
  }

  /**
   * A registered cluster and its schedule.
   *
   * @param nextScan when its scan is next due (null: its schedule never fires again)
   * @param lastScan its newest scan, or null
   * @param certificate the digest of its newest certificate, or null (none, or not scanned since
   *     the server started, so its identity is not known yet)
   */
  public record Schedule(
      String name,
      String schedule,
      String kubeconfig,
      String registeredAt,
      @Nullable String nextScan,
      @Nullable LastScan lastScan,
      @Nullable String certificate) {}

  /** The registered clusters, by name. */
  public record ScheduleList(List<Schedule> clusters) {}

  /** A scan started: its job, and where its events stream. */
  public record ScanStarted(String scan, String cluster, String events) {}
}
