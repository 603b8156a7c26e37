package dev.cairn.deploy.audit;

import dev.cairn.core.Digest;
import java.nio.file.Path;
import java.util.List;

/**
 * A bundle written.
 *
 * @param bundle its directory
 * @param cluster the cluster it is about
 * @param manifestDigest the {@code sha256:} of its {@code manifest.json}: the one value to send the
 *     auditor by another channel, as it fixes every file of the bundle
 * @param certificates how many certificates it holds
 * @param revisions how many deploy revisions it holds
 * @param images how many images it holds provenance for
 * @param warnings what could not be included (a certificate file not found, an image whose
 *     provenance could not be read), each a sentence
 */
public record Exported(
    Path bundle,
    Digest cluster,
    Digest manifestDigest,
    int certificates,
    int revisions,
    int images,
    List<String> warnings) {
  public Exported {
    warnings = List.copyOf(warnings);
  }
}
