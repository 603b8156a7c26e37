package dev.cairn.server.store;

import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.rollout.DeployHistory;
import dev.cairn.pipeline.RunStore;
import dev.cairn.pipeline.webhook.DeliveryStore;
import java.time.Clock;

/**
 * The JDBC stores, each on a {@link Database} ({@link Storage#open} opens them all at once), and
 * the file stores of a server without a database.
 */
public final class Stores {
  private Stores() {}

  /**
   * Pipeline runs. Closing it lets the leases it gave out go: their runs become orphans that {@link
   * RunStore#interruptOrphans} finds (from any process).
   */
  public static RunStore runs(Database db) {
    return new JdbcRunStore(db);
  }

  public static DeliveryStore deliveries(
      Database db, DeliveryStore.Retention retention, Clock clock) {
    return new JdbcDeliveryStore(db, retention, clock);
  }

  public static WebhookAudit webhookAudit(Database db) {
    return new JdbcWebhookAudit(db);
  }

  public static DeployHistory deployHistory(Database db) {
    return new JdbcDeployHistory(db);
  }

  /** The duties audit: the same chain of lines as the file log, in the database. */
  public static AuditLog dutiesAudit(Database db) {
    return new JdbcAuditLog(db);
  }

  public static ScanStore scans(Database db) {
    return new JdbcScanStore(db);
  }

  public static CertificateStore certificates(Database db) {
    return new JdbcCertificateStore(db);
  }

  public static TokenStore tokens(Database db, Clock clock) {
    return new JdbcTokenStore(db, clock);
  }

  public static ClusterStore clusters(Database db) {
    return new JdbcClusterStore(db);
  }

  /**
   * Scans as files in {@code dir} ({@code server/scans/} in Cairn's home for a server on files),
   * each written atomically.
   */
  public static ScanStore fileScans(java.nio.file.Path dir) {
    return new FileScanStore(dir);
  }

  /** Registered clusters in one JSON file, replaced atomically ({@code server/clusters.json}). */
  public static ClusterStore fileClusters(java.nio.file.Path file) {
    return new FileClusterStore(file);
  }
}
