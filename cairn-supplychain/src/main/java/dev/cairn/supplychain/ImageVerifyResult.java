package dev.cairn.supplychain;

import dev.cairn.core.Digest;
import dev.cairn.core.Fix;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** How an image verification ended ({@link ImageVerifier}). */
public sealed interface ImageVerifyResult
    permits ImageVerifyResult.Verified, ImageVerifyResult.NotVerified {
  /** The links of an image verification, in the order they are checked. */
  List<String> LINKS =
      List.of("registry", "bundle", "signature", "provenance", "builder", "source");

  /** The image verified, by digest. */
  ImageRef image();

  /**
   * What the provenance says about the build that made the image.
   *
   * @param builderId {@code runDetails.builder.id}
   * @param measurement the builder's measurement ({@code runDetails.builder.version
   *     ["cairn.dev/measurement"]}); null for an unattested builder
   * @param buildType {@code buildDefinition.buildType}
   * @param repository the source repository ({@code externalParameters.repository}, else the first
   *     resolved dependency's {@code uri}); null if it names none
   * @param ref {@code externalParameters.ref}; null if absent
   * @param commit the {@code gitCommit} of the repository's resolved dependency; null if absent
   * @param startedOn {@code runDetails.metadata.startedOn}; null if absent
   * @param finishedOn {@code runDetails.metadata.finishedOn}: the time the keys and the measurement
   *     must have been trusted at
   */
  record Build(
      String builderId,
      @Nullable Digest measurement,
      String buildType,
      @Nullable String repository,
      @Nullable String ref,
      @Nullable String commit,
      @Nullable Instant startedOn,
      Instant finishedOn) {}

  /**
   * Every link held.
   *
   * @param from {@code registry HOST} or {@code bundle DIR}: where the evidence was read
   * @param signatureKey the builder key ({@code sha256:} of its SubjectPublicKeyInfo) whose
   *     signature of the image verified
   * @param signatureFoundIn where that signature was found ({@code tag}, {@code referrer})
   * @param provenanceKey the builder key that signed the provenance
   * @param provenanceFoundIn where the provenance was found
   * @param build what the provenance says
   * @param unattestedAccepted true when the builder names no measurement and the trust root accepts
   *     unattested builders
   * @param links the links checked, in order
   * @param notChecked what was not asked for: {@code source repository}, {@code commit}
   * @param savedBundle where the evidence was saved (null: not saved)
   * @param tee the TEE whose evidence backs the builder's measurement (null: unattested)
   * @param hardwareBacked whether that evidence comes from TEE hardware ({@code false} for the
   *     simulation provider, which offers no hardware protection)
   * @param attestations the image's other in-toto statements (an SBOM, a vulnerability gate's
   *     result) whose envelope verified under a builder key the trust root trusted when the build
   *     finished and whose subject is the image's digest; see {@link #attestations(String)}
   * @param untrustedTypes the predicate types of the envelopes that verified under no such key
   *     (read without trusting them, only to word a refusal), sorted, each once
   */
  record Verified(
      ImageRef image,
      String from,
      String signatureKey,
      List<String> signatureFoundIn,
      String provenanceKey,
      List<String> provenanceFoundIn,
      Build build,
      boolean unattestedAccepted,
      List<String> links,
      List<String> notChecked,
      @Nullable Path savedBundle,
      @Nullable String tee,
      boolean hardwareBacked,
      List<Attestation> attestations,
      List<String> untrustedTypes)
      implements ImageVerifyResult {
    public Verified {
      attestations = List.copyOf(attestations);
      untrustedTypes = List.copyOf(untrustedTypes);
      signatureFoundIn = List.copyOf(signatureFoundIn);
      provenanceFoundIn = List.copyOf(provenanceFoundIn);
      links = List.copyOf(links);
      notChecked = List.copyOf(notChecked);
    }

    Verified withSavedBundle(Path dir) {
      return new Verified(
          image,
          from,
          signatureKey,
          signatureFoundIn,
          provenanceKey,
          provenanceFoundIn,
          build,
          unattestedAccepted,
          links,
          notChecked,
          dir,
          tee,
          hardwareBacked,
          attestations,
          untrustedTypes);
    }

    /**
     * The verified statements of {@code predicateType} about this image (e.g. {@code
     * https://cyclonedx.org/bom}, {@code https://cairn.dev/vuln-gate/v1}), signed by a trusted
     * builder: what a gate can demand without recomputing it. Empty when there is none; never a
     * statement whose signature, subject or key's trust window did not hold.
     */
    public List<Attestation> attestations(String predicateType) {
      return attestations.stream().filter(a -> a.predicateType().equals(predicateType)).toList();
    }
  }

  /**
   * An in-toto statement about the verified image, other than its provenance.
   *
   * @param predicateType the statement's {@code predicateType}
   * @param key the builder key ({@code sha256:} of its SubjectPublicKeyInfo) that signed it
   * @param foundIn where it was found ({@code tag}, {@code referrer})
   * @param predicate the statement's {@code predicate}, as canonical JSON
   */
  record Attestation(String predicateType, String key, List<String> foundIn, String predicate) {
    public Attestation {
      foundIn = List.copyOf(foundIn);
    }
  }

  /**
   * A link broke.
   *
   * @param link the link that broke: one of {@link #LINKS}
   * @param message what broke (without the link's name)
   * @param hint what to do, phrased to follow "perhaps you should"
   * @param fix the same, by name, for an edge to word
   */
  record NotVerified(
      ImageRef image, String link, String message, @Nullable String hint, @Nullable Fix fix)
      implements ImageVerifyResult {
    public NotVerified {
      if (!LINKS.contains(link)) {
        throw new IllegalArgumentException("not a link of an image verification: " + link);
      }
    }
  }

  /**
   * The stable JSON document ({@code docs/image-verify.md}) as plain values, with {@code hint}
   * (worded by the edge) for a broken link.
   */
  default Map<String, Object> document(@Nullable String hint) {
    Map<String, Object> doc = new LinkedHashMap<>();
    ImageRef image = image();
    doc.put("image", image.name() + "@" + image.requireDigest());
    doc.put("digest", image.requireDigest().toString());
    switch (this) {
      case Verified v -> {
        doc.put("verified", true);
        doc.put("from", v.from());
        Map<String, Object> sig = new LinkedHashMap<>();
        sig.put("key", v.signatureKey());
        sig.put("foundIn", v.signatureFoundIn());
        doc.put("signature", sig);
        Build b = v.build();
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("key", v.provenanceKey());
        prov.put("foundIn", v.provenanceFoundIn());
        prov.put("buildType", b.buildType());
        prov.put("startedOn", b.startedOn() == null ? null : String.valueOf(b.startedOn()));
        prov.put("finishedOn", b.finishedOn().toString());
        doc.put("provenance", prov);
        Map<String, Object> builder = new LinkedHashMap<>();
        builder.put("id", b.builderId());
        builder.put("measurement", b.measurement() == null ? null : b.measurement().toString());
        builder.put("attested", b.measurement() != null);
        builder.put("tee", v.tee());
        builder.put("hardwareBacked", v.hardwareBacked());
        doc.put("builder", builder);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("repository", b.repository());
        source.put("ref", b.ref());
        source.put("commit", b.commit());
        doc.put("source", source);
        List<Object> att = new java.util.ArrayList<>();
        for (Attestation a : v.attestations()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("predicateType", a.predicateType());
          m.put("key", a.key());
          m.put("foundIn", a.foundIn());
          att.add(m);
        }
        doc.put("attestations", att);
        doc.put("links", v.links());
        doc.put("notChecked", v.notChecked());
        if (v.savedBundle() != null) {
          doc.put("savedBundle", String.valueOf(v.savedBundle()));
        }
      }
      case NotVerified n -> {
        doc.put("verified", false);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("link", n.link());
        f.put("message", n.message());
        if (hint != null) {
          f.put("hint", hint);
        }
        doc.put("failure", f);
      }
    }
    return doc;
  }
}
