package dev.cairn.server.store;

import dev.cairn.core.CairnHome;
import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.rollout.DeployHistory;
import dev.cairn.pipeline.RunStore;
import dev.cairn.pipeline.webhook.DeliveryStore;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * Every store of one server, on one database: one truth per deployment. Closing it closes the run
 * store (its leases go) and then the database.
 */
public record Storage(
    Database database,
    RunStore runs,
    DeliveryStore deliveries,
    WebhookAudit webhookAudit,
    DeployHistory deployHistory,
    AuditLog dutiesAudit,
    ScanStore scans,
    CertificateStore certificates,
    TokenStore tokens,
    ClusterStore clusters)
    implements AutoCloseable {

  /** All stores on {@code db}. */
  public static Storage open(Database db, Clock clock) {
    return new Storage(
        db,
        Stores.runs(db),
        Stores.deliveries(db, DeliveryStore.Retention.DEFAULT, clock),
        Stores.webhookAudit(db),
        Stores.deployHistory(db),
        Stores.dutiesAudit(db),
        Stores.scans(db),
        Stores.certificates(db),
        Stores.tokens(db, clock),
        Stores.clusters(db));
  }

  /**
   * Opens the database at {@code url} (or the embedded one in {@code home} when null) and every
   * store on it.
   */
  public static Storage open(@Nullable String url, CairnHome home, Clock clock)
      throws StoreException {
    Database db = url == null ? Database.embedded(home) : Database.open(url);
    return open(db, clock);
  }

  @Override
  public void close() {
    runs.close();
    database.close();
  }
}
