package dev.cairn.deploy.audit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How the verification of an audit bundle ended: it holds when {@link #failures()} is empty.
 *
 * @param bundle the bundle's directory
 * @param cluster the cluster the manifest names (null when the manifest cannot be read)
 * @param manifestDigest the {@code sha256:} of {@code manifest.json} (null when there is none)
 * @param trustRootDigest the {@code sha256:} of the trust root checked against (null if unread)
 * @param trustRootFrom {@code bundle} (the bundle's own {@code trust.json}: compare its digest with
 *     the one the organisation publishes) or {@code given} (the verifier's own)
 * @param checkpoint the bundle's checkpoint, {@code origin@size} (null: none)
 * @param certificates each certificate and its standing as of the bundle's checkpoint
 * @param revisions how many deploy revisions the bundle holds
 * @param images each image and whether its signature and provenance verified
 * @param failures every broken link, in the order checked
 */
public record AuditVerification(
    Path bundle,
    @Nullable String cluster,
    @Nullable String manifestDigest,
    @Nullable String trustRootDigest,
    String trustRootFrom,
    @Nullable String checkpoint,
    List<CertificateStanding> certificates,
    int revisions,
    List<ImageStanding> images,
    List<Failure> failures) {
  public AuditVerification {
    certificates = List.copyOf(certificates);
    images = List.copyOf(images);
    failures = List.copyOf(failures);
  }

  public boolean verified() {
    return failures.isEmpty();
  }

  /**
   * A broken link.
   *
   * @param link what broke: {@code manifest digest}, {@code missing file}, {@code unexpected file},
   *     {@code manifest}, {@code trust root}, {@code checkpoint}, {@code report}, {@code summary},
   *     {@code deployments}, {@code provenance}, or a certificate's or image's own link ({@code
   *     signature}, {@code ledger inclusion}, {@code ledger checkpoint}, {@code revocation}, …)
   * @param subject the file of the bundle (or image) it is about
   * @param message what is wrong
   */
  public record Failure(String link, String subject, String message) {
    @Override
    public String toString() {
      return link + ": " + subject + ": " + message;
    }
  }

  /**
   * A certificate of the bundle.
   *
   * @param certificate its digest
   * @param file its file in the bundle
   * @param status {@code valid}, {@code expired} (valid until its expiry, which is past), {@code
   *     revoked} (proven by the bundle's checkpoint) or {@code broken} (a link failed)
   * @param detail for people: the expiry, the revocation, or the broken link
   * @param links the links that verified
   */
  public record CertificateStanding(
      String certificate, String file, String status, String detail, List<String> links) {
    public CertificateStanding {
      links = List.copyOf(links);
    }
  }

  /**
   * An image deployed to the cluster.
   *
   * @param image {@code registry/repository@sha256:…}
   * @param verified whether its signature and provenance verified from the bundle
   * @param repository the source repository its provenance names (null: none, or not verified)
   * @param commit the commit its provenance names (null: none, or not verified)
   */
  public record ImageStanding(
      String image, boolean verified, @Nullable String repository, @Nullable String commit) {}

  /** The stable JSON of {@code cairn verify BUNDLE -o json} ({@code docs/audit.md}). */
  public Map<String, Object> document() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("kind", "audit-bundle");
    d.put("verified", verified());
    d.put("bundle", bundle.toString());
    putIf(d, "cluster", cluster);
    putIf(d, "manifest", manifestDigest);
    Map<String, Object> tr = new LinkedHashMap<>();
    putIf(tr, "digest", trustRootDigest);
    tr.put("from", trustRootFrom);
    d.put("trustRoot", tr);
    putIf(d, "checkpoint", checkpoint);
    List<Object> cs = new ArrayList<>();
    for (CertificateStanding c : certificates) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("certificate", c.certificate());
      m.put("file", c.file());
      m.put("status", c.status());
      m.put("detail", c.detail());
      m.put("links", c.links());
      cs.add(m);
    }
    d.put("certificates", cs);
    d.put("revisions", revisions);
    List<Object> is = new ArrayList<>();
    for (ImageStanding i : images) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("image", i.image());
      m.put("verified", i.verified());
      putIf(m, "repository", i.repository());
      putIf(m, "commit", i.commit());
      is.add(m);
    }
    d.put("images", is);
    List<Object> fs = new ArrayList<>();
    for (Failure f : failures) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("link", f.link());
      m.put("subject", f.subject());
      m.put("message", f.message());
      fs.add(m);
    }
    d.put("failures", fs);
    return d;
  }

  private static void putIf(Map<String, Object> m, String k, @Nullable Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
