package dev.cairn.server;

import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.rollout.DeployHistory;
import dev.cairn.deploy.rollout.Rollouts;
import dev.cairn.pipeline.Pipelines;
import dev.cairn.pipeline.RunStore;
import dev.cairn.pipeline.steps.Delivery;
import dev.cairn.pipeline.webhook.AuditSink;
import dev.cairn.pipeline.webhook.DeliveryStore;
import dev.cairn.server.auth.TokenStore;
import dev.cairn.server.auth.Tokens;
import dev.cairn.server.store.ClusterStore;
import dev.cairn.server.store.ScanStore;
import dev.cairn.server.store.Stores;
import java.util.Objects;

/**
 * The state a server works on, each through its module's SPI: the files in Cairn's home ({@link
 * #files}) or, in their place, database implementations of the same interfaces. The server closes
 * the closeable ones when it stops.
 *
 * @param runs pipeline runs and their logs
 * @param deliveries webhook deliveries taken (replay refusal)
 * @param webhookAudit the outcome of every webhook request
 * @param deployments each target's revisions and gate decisions
 * @param audit the duties audit log: every change made through the API is recorded here
 * @param tokens the API tokens
 * @param certificates the certificates shown and verified
 * @param scans the scans of registered clusters
 * @param clusters the clusters scanned and certified on a schedule
 */
public record ServerStores(
    RunStore runs,
    DeliveryStore deliveries,
    AuditSink webhookAudit,
    DeployHistory deployments,
    AuditLog audit,
    TokenStore tokens,
    CertificateShelf certificates,
    ScanStore scans,
    ClusterStore clusters) {
  public ServerStores {
    Objects.requireNonNull(runs, "runs");
    Objects.requireNonNull(deliveries, "deliveries");
    Objects.requireNonNull(webhookAudit, "webhookAudit");
    Objects.requireNonNull(deployments, "deployments");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(certificates, "certificates");
    Objects.requireNonNull(scans, "scans");
    Objects.requireNonNull(clusters, "clusters");
  }

  /** This with other token and certificate stores (the rest kept). */
  public ServerStores with(TokenStore otherTokens, CertificateShelf otherCertificates) {
    return new ServerStores(
        runs,
        deliveries,
        webhookAudit,
        deployments,
        audit,
        otherTokens,
        otherCertificates,
        scans,
        clusters);
  }

  /**
   * The database implementations of {@code storage} (one truth for every server sharing it), with
   * the certificates of Cairn's home. {@code storage} is closed by its opener, after the server.
   */
  public static ServerStores database(dev.cairn.server.store.Storage storage, CairnHome home)
      throws CairnException {
    return new ServerStores(
        storage.runs(),
        storage.deliveries(),
        storage.webhookAudit(),
        storage.deployHistory(),
        storage.dutiesAudit(),
        new StoredTokens(storage.tokens()),
        CertificateShelf.in(home),
        storage.scans(),
        storage.clusters());
  }

  /**
   * The file implementations in Cairn's home: the same files {@code cairn pipeline}, {@code cairn
   * deploy} and {@code cairn certify} use; scans and registered clusters under {@code server/}.
   */
  public static ServerStores files(CairnHome home) throws CairnException {
    RunStore runs = Pipelines.fileStore(home);
    DeliveryStore deliveries = null;
    AuditSink audit = null;
    try {
      deliveries = Delivery.fileDeliveries(home);
      audit = Delivery.fileAudit(home);
      return new ServerStores(
          runs,
          deliveries,
          audit,
          Rollouts.fileHistory(home),
          AuditLog.in(home),
          Tokens.file(home),
          CertificateShelf.in(home),
          Stores.fileScans(home.dir("server").resolve("scans")),
          Stores.fileClusters(home.dir("server").resolve("clusters.json")));
    } catch (CairnException | RuntimeException e) {
      runs.close();
      try {
        if (audit != null) {
          audit.close();
        }
        if (deliveries != null) {
          deliveries.close();
        }
      } catch (java.io.IOException ignored) {
        // the first error is the one to report
      }
      throw e;
    }
  }
}
