package dev.cairn.deploy.audit;

import dev.cairn.core.CairnHome;
import dev.cairn.supplychain.OciClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One export of an audit bundle.
 *
 * @param home Cairn's home: its trust root, embedded log and deploy targets with their history
 * @param cluster the cluster: its id ({@code sha256:<hex>}), 8 or more hex digits of it, or one of
 *     its certificate files
 * @param since what to include: certificates still valid at or after it, deployments started at or
 *     after it
 * @param out the bundle directory to create (it must not exist)
 * @param certificateSources where the certificate files are (directories, searched for {@code
 *     *.cert.json} without descending, or files); the certificates the deploy targets name are
 *     always looked at
 * @param registry reads the deployed images' signatures and provenance (null: none are read, and
 *     the bundle says so for each image)
 */
public record ExportRequest(
    CairnHome home,
    String cluster,
    Instant since,
    Path out,
    List<Path> certificateSources,
    @Nullable OciClient registry) {
  public ExportRequest {
    certificateSources = List.copyOf(certificateSources);
  }
}
