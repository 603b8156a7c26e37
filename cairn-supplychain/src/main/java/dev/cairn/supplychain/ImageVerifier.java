package dev.cairn.supplychain;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.Attestations;
import dev.cairn.attest.Evidence;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Fix;
import dev.cairn.core.Json;
import dev.cairn.core.Keys;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.ledger.TrustRoot.BuilderKey;
import dev.cairn.ledger.TrustRoot.BuilderMeasurement;
import dev.cairn.ledger.TrustRoot.PlatformKey;
import dev.cairn.supplychain.ImageVerifyResult.Build;
import dev.cairn.supplychain.ImageVerifyResult.NotVerified;
import dev.cairn.supplychain.internal.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Verifies an image by digest against a trust root, from its registry or from a bundle, and names
 * the link that broke ({@code docs/image-verify.md}):
 *
 * <ol>
 *   <li>{@code registry} (or {@code bundle}): the image, its signatures and its attestations could
 *       be read — from cosign's {@code .sig}/{@code .att} tags and from OCI referrers (the
 *       referrers API, or its tag schema), whichever exist;
 *   <li>{@code signature}: a cosign signature of exactly this digest verifies under a builder key
 *       the trust root lists, trusted when the build finished;
 *   <li>{@code provenance}: a DSSE envelope, signed by such a key, of an in-toto Statement v1 whose
 *       subject is this digest and whose predicate is well-formed SLSA provenance v1;
 *   <li>{@code builder}: the builder id (the one asked for, if any) and its measurement ({@code
 *       runDetails.builder.version["cairn.dev/measurement"]}) approved by the trust root when the
 *       build finished, and backed by the TEE evidence the provenance carries ({@link
 *       BuilderEvidence}): signed by a platform key the trust root trusted then, of that
 *       measurement, bound to this image, the key that signed the provenance and its run — or, for
 *       a builder that names none (unattested), a trust root that accepts unattested builders;
 *   <li>{@code source}: the repository and commit asked for are the provenance's.
 * </ol>
 *
 * <p>Reading is the only network it uses, and only the one registry (none for a bundle); the
 * judgement is made on what was read. It fails closed: anything missing, malformed or not listed is
 * a broken link, never a pass.
 */
public final class ImageVerifier {
  /** The predicate type of SLSA provenance v1. */
  public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

  /**
   * Where an attested builder's provenance names its measurement, in builder.version ({@link
   * BuilderEvidence#MEASUREMENT_KEY}).
   */
  public static final String MEASUREMENT_KEY = BuilderEvidence.MEASUREMENT_KEY;

  /**
   * The in-toto Statement types read: v1, and v0.1, which cosign v2's {@code attest} still writes
   * (the same subject, predicateType and predicate fields).
   */
  public static final List<String> STATEMENT_TYPES =
      List.of(Cosign.STATEMENT_V1, "https://in-toto.io/Statement/v0.1");

  /** How far in the future a build's finish may lie (clocks differ). */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final Clock clock;

  private ImageVerifier(Clock clock) {
    this.clock = clock;
  }

  public static ImageVerifier create(Clock clock) {
    return new ImageVerifier(clock);
  }

  /**
   * Verifies; a broken link is a {@link NotVerified}, never an exception.
   *
   * @throws CairnException when the bundle to save cannot be written, or its directory is not empty
   */
  public ImageVerifyResult verify(ImageVerifyRequest request) throws CairnException {
    Path save = request.saveBundle();
    if (save != null) {
      requireEmpty(save);
    }
    ImageRef image = request.image();
    Digest digest = image.requireDigest();
    boolean bundle = request.from() instanceof ImageVerifyRequest.Source.Bundle;
    OciClient oci =
        switch (request.from()) {
          case ImageVerifyRequest.Source.Registry r -> r.client();
          case ImageVerifyRequest.Source.Bundle b -> Registries.readLayout(b.dir());
        };
    String fetchLink = bundle ? "bundle" : "registry";
    String from =
        request.from() instanceof ImageVerifyRequest.Source.Bundle b
            ? "bundle " + b.dir()
            : "registry " + image.registry();
    ImageEvidence ev;
    try {
      ev = ImageEvidence.read(oci, image, save != null);
    } catch (RegistryException e) {
      return new NotVerified(
          image,
          fetchLink,
          String.valueOf(e.getMessage()),
          e.hint().orElse(null),
          e.fix().orElse(null));
    }
    if (ev.imageManifest == null) {
      return bundle
          ? new NotVerified(
              image,
              "bundle",
              from + " holds no manifest " + digest + ": it is a bundle of another image",
              "give the bundle saved for this image",
              null)
          : new NotVerified(
              image,
              "registry",
              "image " + image.name() + "@" + digest + " is not in its registry",
              "check the image's name and digest",
              null);
    }
    ImageVerifyResult r = new Judgement(request, ev, from, fetchLink, clock.instant()).judge();
    if (save != null && r instanceof ImageVerifyResult.Verified v) {
      try {
        ev.save(Registries.layout(save));
      } catch (RegistryException e) {
        throw new CairnException(
            "cannot save the bundle: " + e.getMessage(), "check that " + save + " is writable", e);
      }
      return v.withSavedBundle(save);
    }
    return r;
  }

  private static void requireEmpty(Path dir) throws CairnException {
    if (!Files.exists(dir)) {
      return;
    }
    boolean empty;
    try (Stream<Path> s = Files.list(dir)) {
      empty = s.findAny().isEmpty();
    } catch (IOException e) {
      throw new CairnException(
          "cannot save a bundle in " + dir + ": " + e.getMessage(),
          "name a new directory for the bundle",
          Fix.of("verify.bundle-dir", "dir", dir.toString()),
          e);
    }
    if (!empty) {
      throw new CairnException(
          "cannot save a bundle in " + dir + ": the directory is not empty",
          "name a new directory for the bundle",
          Fix.of("verify.bundle-dir", "dir", dir.toString()),
          null);
    }
  }

  /** A provenance whose signature and form held. */
  private record Candidate(BuilderKey key, BuildRead read, List<String> foundIn) {}

  /** Another statement about the image whose signature and subject held: an SBOM, a gate. */
  private record Other(
      BuilderKey key, String predicateType, String predicate, List<String> foundIn) {}

  /** A broken link, with how far the verification got (for choosing among candidates). */
  private static final class Broken extends Exception {
    private static final long serialVersionUID = 1L;
    final transient NotVerified result;

    Broken(NotVerified result) {
      super(result.message(), null, false, false);
      this.result = result;
    }
  }

  /** The judgement of what was read: no I/O. */
  private static final class Judgement {
    private final ImageVerifyRequest request;
    private final ImageEvidence ev;
    private final String from;
    private final String fetchLink;
    private final Instant now;
    private final TrustRoot trust;
    private final List<Other> others = new ArrayList<>();
    private final ImageRef image;
    private final Digest digest;
    private final List<BuilderKey> keys;

    Judgement(
        ImageVerifyRequest request, ImageEvidence ev, String from, String fetchLink, Instant now) {
      this.request = request;
      this.ev = ev;
      this.from = from;
      this.fetchLink = fetchLink;
      this.now = now;
      this.trust = request.trustRoot();
      this.image = request.image();
      this.digest = image.requireDigest();
      this.keys = trust.items(BuilderKey.class);
    }

    private String name() {
      return image.name() + "@" + digest;
    }

    private Broken broken(String link, String message, @Nullable String hint, @Nullable Fix fix) {
      return new Broken(new NotVerified(image, link, message, hint, fix));
    }

    ImageVerifyResult judge() {
      List<SignedBy> sigs;
      List<Candidate> candidates;
      try {
        sigs = signatures();
        candidates = provenances();
      } catch (Broken b) {
        return b.result;
      }
      NotVerified deepest = null;
      for (Candidate c : candidates) {
        try {
          return verified(c, sigs);
        } catch (Broken b) {
          if (deepest == null
              || ImageVerifyResult.LINKS.indexOf(b.result.link())
                  > ImageVerifyResult.LINKS.indexOf(deepest.link())) {
            deepest = b.result;
          }
        }
      }
      return java.util.Objects.requireNonNull(deepest);
    }

    /** A signature of this digest that verified under a listed builder key. */
    private record SignedBy(BuilderKey key, List<String> foundIn) {}

    private List<SignedBy> signatures() throws Broken {
      if (ev.signatures.isEmpty()) {
        throw broken(
            "signature",
            "no signature of " + name() + " in " + looked(0),
            "sign the image and push its signature (the pipeline's sign step does both)",
            null);
      }
      List<SignedBy> out = new ArrayList<>();
      int bad = 0;
      String otherDigest = null;
      String otherKey = "";
      for (ImageEvidence.SignatureLayer s : ev.signatures) {
        byte[] sig;
        try {
          sig = Base64.getDecoder().decode(s.signature());
        } catch (IllegalArgumentException e) {
          bad++;
          continue;
        }
        BuilderKey by = null;
        for (BuilderKey k : keys) {
          if (sig.length > 0 && ecdsaVerify(k, s.payload(), sig)) {
            by = k;
            break;
          }
        }
        if (by == null) {
          bad++;
          continue;
        }
        String signed;
        String type;
        try {
          Map<String, Object> critical = Wire.map(Wire.object(s.payload()).get("critical"));
          signed = Wire.string(Wire.map(critical.get("image")).get("docker-manifest-digest"));
          type = Wire.string(critical.get("type"));
        } catch (IOException e) {
          signed = "";
          type = "";
        }
        if (!Cosign.SIMPLE_SIGNING_TYPE.equals(type) || !digest.toString().equals(signed)) {
          otherDigest = signed.isEmpty() ? "no digest" : signed;
          otherKey = by.keyId();
          continue;
        }
        out.add(new SignedBy(by, s.foundIn()));
      }
      if (!out.isEmpty()) {
        return out;
      }
      if (otherDigest != null) {
        throw broken(
            "signature",
            "a signature by builder key "
                + otherKey
                + " verifies, but signs "
                + Wire.oneLine(otherDigest, 80)
                + ", not "
                + digest,
            "sign this digest: the signature belongs to another image",
            null);
      }
      if (keys.isEmpty()) {
        throw broken(
            "signature",
            dev.cairn.core.Text.count(ev.signatures.size(), "signature")
                + " of "
                + name()
                + " found, and the trust root lists no builder key",
            "add the builder's public key to the trust root, or use the trust root the attested"
                + " builder's attestation service publishes",
            Fix.of("verify.no-builder-key"));
      }
      throw broken(
          "signature",
          dev.cairn.core.Text.count(bad, "signature")
              + " of "
              + name()
              + " found, none verifies under "
              + keysListed(),
          "check that the image was signed by a builder whose key the trust root lists, and that"
              + " the signature was not altered",
          null);
    }

    private String keysListed() {
      return keys.size() == 1
          ? "the builder key the trust root lists (" + keys.get(0).keyId() + ")"
          : "any of the " + keys.size() + " builder keys the trust root lists";
    }

    private String looked(int i) {
      // tags first (signature, attestation), then referrers (signature, attestation)
      List<String> l = ev.looked;
      return l.size() < 4 ? String.join(" or ", l) : l.get(i) + " or " + l.get(i + 2);
    }

    private List<Candidate> provenances() throws Broken {
      others.clear();
      if (ev.attestations.isEmpty()) {
        throw broken(
            "provenance",
            "no attestation of " + name() + " in " + looked(1),
            "attest the image's SLSA provenance and push it (the pipeline's sign step does)",
            null);
      }
      List<Candidate> out = new ArrayList<>();
      int unsigned = 0;
      Set<String> otherTypes = new LinkedHashSet<>();
      String otherSubject = null;
      String malformed = null;
      for (ImageEvidence.AttestationLayer a : ev.attestations) {
        Dsse.Envelope env;
        try {
          env = Dsse.parse(new String(a.envelope(), StandardCharsets.UTF_8));
        } catch (CairnException e) {
          malformed = "attestation layer " + a.digest() + " is " + e.getMessage();
          continue;
        }
        BuilderKey by = null;
        for (BuilderKey k : keys) {
          if (Dsse.verify(env, k.publicKey())) {
            by = k;
            break;
          }
        }
        if (by == null) {
          unsigned++;
          continue;
        }
        if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(env.payloadType())) {
          malformed =
              "an envelope by builder key "
                  + by.keyId()
                  + " has payload type "
                  + Wire.oneLine(env.payloadType(), 80)
                  + ", not "
                  + Dsse.IN_TOTO_PAYLOAD_TYPE;
          continue;
        }
        Map<String, Object> st;
        try {
          st = Wire.object(env.payload());
        } catch (IOException e) {
          malformed = "the statement signed by builder key " + by.keyId() + " is not JSON";
          continue;
        }
        String type = Wire.string(st.get("predicateType"));
        if (!type.equals(SLSA_PROVENANCE_V1)) {
          otherTypes.add(type.isEmpty() ? "none" : Wire.oneLine(type, 80));
          if (!type.isEmpty()
              && STATEMENT_TYPES.contains(Wire.string(st.get("_type")))
              && subjects(st).contains(digest.hex())
              && st.get("predicate") != null) {
            others.add(new Other(by, type, Json.canonical(st.get("predicate")), a.foundIn()));
          }
          continue;
        }
        String stType = Wire.string(st.get("_type"));
        if (!STATEMENT_TYPES.contains(stType)) {
          malformed =
              "the statement's _type is "
                  + Wire.oneLine(stType.isEmpty() ? "missing" : stType, 80)
                  + ", not "
                  + Cosign.STATEMENT_V1;
          continue;
        }
        List<String> subjects = subjects(st);
        if (!subjects.contains(digest.hex())) {
          otherSubject =
              subjects.isEmpty()
                  ? "no sha256 digest"
                  : subjects.stream().map(h -> "sha256:" + h).collect(Collectors.joining(", "));
          continue;
        }
        try {
          out.add(new Candidate(by, build(Wire.map(st.get("predicate"))), a.foundIn()));
        } catch (IOException e) {
          malformed = "the SLSA provenance is not well-formed: " + e.getMessage();
        }
      }
      if (!out.isEmpty()) {
        return out;
      }
      if (otherSubject != null) {
        throw broken(
            "provenance",
            "the provenance signed by a trusted builder key is about "
                + Wire.oneLine(otherSubject, 200)
                + ", not "
                + digest,
            "attest this digest: the provenance describes another image",
            null);
      }
      if (malformed != null) {
        throw broken(
            "provenance",
            malformed,
            "check the builder: it wrote provenance this verifier cannot read",
            null);
      }
      if (keys.isEmpty()) {
        throw broken(
            "provenance",
            "the trust root lists no builder key",
            "add the builder's public key to the trust root",
            Fix.of("verify.no-builder-key"));
      }
      List<String> why = new ArrayList<>();
      if (unsigned > 0) {
        why.add(unsigned + " signed by no builder key the trust root lists");
      }
      if (!otherTypes.isEmpty()) {
        why.add(
            (ev.attestations.size() - unsigned)
                + " of other predicate types ("
                + String.join(", ", otherTypes)
                + ")");
      }
      throw broken(
          "provenance",
          "no SLSA provenance v1 of "
              + name()
              + " signed by a builder key the trust root lists ("
              + dev.cairn.core.Text.count(ev.attestations.size(), "attestation")
              + " found: "
              + String.join(", ", why)
              + ")",
          "check that the image was attested by a builder whose key the trust root lists, and"
              + " that the envelope was not altered",
          null);
    }

    private ImageVerifyResult.Verified verified(Candidate c, List<SignedBy> sigs) throws Broken {
      Build b = c.read().build();
      Instant t = b.finishedOn();
      if (t.isAfter(now.plus(CLOCK_SKEW))) {
        throw broken(
            "provenance",
            "the provenance says the build finished at " + t + ", in the future (now " + now + ")",
            "check the builder's clock",
            null);
      }
      SignedBy sig = null;
      for (SignedBy s : sigs) {
        if (trust.trustedAt(s.key(), t)) {
          sig = s;
          break;
        }
      }
      if (sig == null) {
        BuilderKey k = sigs.get(0).key();
        throw broken(
            "signature",
            "the image is signed by builder key "
                + k.keyId()
                + ", which was trusted only "
                + windows(k)
                + "; the build finished at "
                + t,
            "rebuild and sign the image with a builder key trusted now: this one was retired, or"
                + " not yet trusted, when the build finished",
            Fix.of("verify.key-window", "key", k.keyId()));
      }
      if (!trust.trustedAt(c.key(), t)) {
        throw broken(
            "provenance",
            "the provenance is signed by builder key "
                + c.key().keyId()
                + ", which was trusted only "
                + windows(c.key())
                + "; the build finished at "
                + t,
            "rebuild the image with a builder key trusted now: this one was retired, or not yet"
                + " trusted, when the build finished",
            null);
      }
      boolean unattested = builder(c);
      List<String> links =
          new ArrayList<>(List.of(fetchLink, "signature", "provenance", "builder"));
      List<String> notChecked = new ArrayList<>();
      if (request.sourceRepository() != null || request.commit() != null) {
        source(c.read());
        links.add("source");
      }
      if (request.sourceRepository() == null) {
        notChecked.add("source repository");
      }
      if (request.commit() == null) {
        notChecked.add("commit");
      }
      // the image's other statements, by a builder key trusted when the build finished: what a
      // gate demands (an SBOM, a vulnerability gate's result) without recomputing it
      List<ImageVerifyResult.Attestation> attested = new ArrayList<>();
      for (Other o : others) {
        if (trust.trustedAt(o.key(), t)) {
          attested.add(
              new ImageVerifyResult.Attestation(
                  o.predicateType(), o.key().keyId(), o.foundIn(), o.predicate()));
        }
      }
      return new ImageVerifyResult.Verified(
          image,
          from,
          sig.key().keyId(),
          sig.foundIn(),
          c.key().keyId(),
          c.foundIn(),
          b,
          unattested,
          links,
          notChecked,
          null,
          backing == null ? null : backing.provider(),
          backing != null && backing.hardwareBacked(),
          attested,
          untrustedTypes(t));
    }

    /**
     * The predicate types of the envelopes that verify under no builder key trusted at {@code t}
     * (read without trusting them, only to word a refusal: "unsigned" rather than "missing").
     */
    private List<String> untrustedTypes(Instant t) {
      Set<String> out = new java.util.TreeSet<>();
      for (ImageEvidence.AttestationLayer a : ev.attestations) {
        try {
          Dsse.Envelope env = Dsse.parse(new String(a.envelope(), StandardCharsets.UTF_8));
          boolean trusted = false;
          for (BuilderKey k : keys) {
            if (trust.trustedAt(k, t) && Dsse.verify(env, k.publicKey())) {
              trusted = true;
              break;
            }
          }
          if (!trusted) {
            String type = Wire.string(Wire.object(env.payload()).get("predicateType"));
            if (!type.isEmpty()) {
              out.add(Wire.oneLine(type, 200));
            }
          }
        } catch (CairnException | IOException e) {
          // not an envelope, or no JSON: nothing to name
        }
      }
      return List.copyOf(out);
    }

    private String windows(TrustRoot.Item item) {
      return trust.windows(item).stream()
          .map(TrustRoot.Entry::window)
          .collect(Collectors.joining(" and "));
    }

    /** The builder link; true when it passed as an accepted unattested builder. */
    private boolean builder(Candidate c) throws Broken {
      Build b = c.read().build();
      String want = request.builderId();
      if (want != null && !want.equals(b.builderId())) {
        throw broken(
            "builder",
            "the provenance names builder " + Wire.oneLine(b.builderId(), 200) + ", not " + want,
            "check which builder built the image",
            Fix.of("verify.builder-id", "builder", want));
      }
      Digest m = b.measurement();
      if (m == null) {
        if (trust.acceptsUnattestedBuilders()) {
          return true;
        }
        throw broken(
            "builder",
            "builder "
                + Wire.oneLine(b.builderId(), 200)
                + " names no measurement (runDetails.builder.version[\""
                + MEASUREMENT_KEY
                + "\"]): it is unattested, its key held outside any TEE, and the trust root does"
                + " not accept unattested builders",
            "use the attested builder to build the image, or accept unattested builders in the"
                + " trust root if you trust whoever holds their keys",
            Fix.of("verify.unattested-builder"));
      }
      BuilderMeasurement bm = new BuilderMeasurement(m);
      if (trust.windows(bm).isEmpty()) {
        throw broken(
            "builder",
            "builder measurement " + m + " is not one the trust root approves",
            "check which builder built the image, and refresh the trust root from the attestation"
                + " service that approves the builder",
            null);
      }
      evidence(c, m, bm);
      return false;
    }

    /** The evidence that backed the builder's measurement, once {@link #evidence} held. */
    private @Nullable Evidence backing;

    /**
     * The evidence behind a claimed measurement {@code m}: without it, anyone holding a trusted
     * builder key could claim any measurement the trust root approves. Two pieces, each signed by a
     * trusted TEE platform: the signing builder's (bound to the image, the key that signed and the
     * run) and the build's (bound to the image, the run and the commit), both of {@code m}: one
     * measured builder built the image and signed it. Trust windows are judged at the times the
     * platform signed, not at the times the provenance claims.
     */
    private void evidence(Candidate c, Digest m, BuilderMeasurement bm) throws Broken {
      BuildRead read = c.read();
      String claim =
          "builder "
              + Wire.oneLine(read.build().builderId(), 200)
              + " claims measurement "
              + m
              + ", but ";
      String attested =
          "build the image with the attested builder, whose provenance carries the TEE evidence"
              + " of its measurement: a plain builder key cannot claim one";
      String run = read.invocationId();
      if (run == null) {
        throw broken(
            "builder",
            claim
                + "the provenance names no runDetails.metadata.invocationId, which its evidence"
                + " binds",
            attested,
            null);
      }
      Evidence signing =
          oneEvidence(
              read,
              m,
              bm,
              claim,
              "attestation evidence",
              BuilderEvidence.EVIDENCE_NAME,
              read.evidence(),
              BuilderEvidence.reportData(digest, Digest.parse(c.key().keyId()), run),
              "another image, builder key or run (its report data is not that of "
                  + digest
                  + ", builder key "
                  + c.key().keyId()
                  + " and run "
                  + Wire.oneLine(run, 80)
                  + ")",
              "evidence of another build was copied into it");
      String commit = read.build().commit() == null ? "" : read.build().commit();
      oneEvidence(
          read,
          m,
          bm,
          claim,
          "build evidence",
          BuilderEvidence.BUILD_EVIDENCE_NAME,
          read.buildEvidence(),
          BuilderEvidence.buildReportData(digest, run, commit),
          "another image, run or commit (its report data is not that of "
              + digest
              + ", run "
              + Wire.oneLine(run, 80)
              + " and commit "
              + (commit.isEmpty() ? "none" : commit)
              + ")",
          "the image was not built by this builder in this run, or its build evidence was copied"
              + " from another");
      backing = signing;
    }

    /** Checks the one byproduct named {@code name} ({@code found}) and returns its evidence. */
    private Evidence oneEvidence(
        BuildRead read,
        Digest m,
        BuilderMeasurement bm,
        String claim,
        String what,
        String name,
        List<Map<String, Object>> found,
        byte[] expected,
        String boundElsewhere,
        String boundHint)
        throws Broken {
      String attested =
          "build the image with the attested builder, whose provenance carries the TEE evidence"
              + " of its measurement: a plain builder key cannot claim one";
      if (found.isEmpty()) {
        throw broken(
            "builder",
            claim
                + "the provenance carries no "
                + what
                + " (no runDetails.byproducts entry named "
                + name
                + ")",
            attested,
            Fix.of("verify.builder-evidence"));
      }
      if (found.size() > 1) {
        throw broken(
            "builder",
            claim
                + "the provenance carries "
                + found.size()
                + " byproducts named "
                + name
                + ", not one",
            "check the builder: it wrote provenance this verifier cannot judge",
            null);
      }
      Map<String, Object> bp = found.get(0);
      String mediaType = Wire.string(bp.get("mediaType"));
      if (!BuilderEvidence.EVIDENCE_MEDIA_TYPE.equals(mediaType)) {
        throw broken(
            "builder",
            claim
                + "its "
                + what
                + " has media type "
                + (mediaType.isEmpty() ? "none" : Wire.oneLine(mediaType, 80))
                + ", not "
                + BuilderEvidence.EVIDENCE_MEDIA_TYPE,
            "check the builder: it wrote evidence this verifier cannot read",
            null);
      }
      byte[] json;
      try {
        json = Base64.getDecoder().decode(Wire.string(bp.get("content")));
      } catch (IllegalArgumentException e) {
        json = new byte[0];
      }
      if (json.length == 0) {
        throw broken(
            "builder",
            claim + "its " + what + " byproduct has no content (base64)",
            "check the builder: it wrote evidence this verifier cannot read",
            null);
      }
      String want = Wire.string(Wire.map(bp.get("digest")).get("sha256")).toLowerCase(Locale.ROOT);
      Digest is = Digest.sha256(json);
      if (!is.hex().equals(want)) {
        throw broken(
            "builder",
            claim
                + "its "
                + what
                + " is "
                + is
                + ", not the "
                + (want.isEmpty() ? "digest" : "sha256:" + Wire.oneLine(want, 80))
                + " the provenance names (altered?)",
            "check where the provenance came from: its evidence was altered or replaced",
            null);
      }
      Evidence e;
      try {
        e = Evidence.parse(new String(json, StandardCharsets.UTF_8));
      } catch (CairnException ex) {
        String msg = String.valueOf(ex.getMessage());
        throw broken(
            "builder",
            claim + "its " + msg.replace("attestation evidence", what),
            "check the builder: it wrote evidence this verifier cannot read",
            null);
      }
      PlatformKey platform = null;
      for (PlatformKey k : trust.items(PlatformKey.class)) {
        if (k.keyId().equals(e.platformKey())) {
          platform = k;
          break;
        }
      }
      if (platform == null) {
        throw broken(
            "builder",
            claim
                + "its "
                + what
                + " is signed by platform key "
                + Wire.oneLine(e.platformKey(), 80)
                + ", which the trust root does not list",
            "check which TEE platform ran the builder, and refresh the trust root from the"
                + " attestation service that trusts that platform",
            null);
      }
      try {
        // the platform key and the signature; measurement and report data are compared below,
        // with messages about the provenance rather than about a policy or a nonce
        Attestations.verify(
            e, Keys.ed25519Public(platform.key()), Set.of(e.measurement()), e.reportData());
      } catch (AttestationException | GeneralSecurityException ex) {
        throw broken(
            "builder",
            claim + "its " + String.valueOf(ex.getMessage()).replace("attestation evidence", what),
            "check where the provenance came from: its evidence was altered or replaced",
            null);
      }
      // from here on the platform vouches for issuedAt: the windows are judged at that time
      Instant at = e.issuedAt();
      if (!trust.trustedAt(platform, at)) {
        throw broken(
            "builder",
            claim
                + "its "
                + what
                + " is signed by platform key "
                + platform.keyId()
                + ", which was trusted only "
                + windows(platform)
                + "; the evidence was issued at "
                + at,
            "rebuild the image on a platform trusted now: this one was retired, or not yet"
                + " trusted, when the builder ran",
            null);
      }
      if (!e.measurement().equals(m)) {
        throw broken(
            "builder",
            claim + "its " + what + " is of measurement " + e.measurement(),
            "check the builder: the measurement it claims is not the one its TEE measured",
            null);
      }
      if (!trust.trustedAt(bm, at)) {
        throw broken(
            "builder",
            "the builder's "
                + what
                + " was issued at "
                + at
                + " on builder measurement "
                + m
                + ", which was approved only "
                + windows(bm),
            "rebuild the image with the builder approved now: this build was superseded or"
                + " retired when the image was built",
            null);
      }
      String tee = read.tee();
      if (tee != null && !tee.equals(e.provider())) {
        throw broken(
            "builder",
            claim
                + "it names TEE "
                + Wire.oneLine(tee, 80)
                + " while its "
                + what
                + " comes from "
                + Wire.oneLine(e.provider(), 80),
            "check the builder: its provenance and its evidence disagree",
            null);
      }
      if (!MessageDigest.isEqual(e.reportData(), expected)) {
        throw broken(
            "builder",
            claim + "its " + what + " is bound to " + boundElsewhere,
            "check where the provenance came from: " + boundHint,
            null);
      }
      return e;
    }

    private void source(BuildRead b) throws Broken {
      String repo = request.sourceRepository();
      String commit = request.commit();
      List<Dependency> deps = b.dependencies();
      List<Dependency> matching = deps;
      if (repo != null) {
        String want = normalize(repo);
        String external = b.external();
        if (external != null && !normalize(external).equals(want)) {
          throw broken(
              "source",
              "the image was built from " + Wire.oneLine(external, 200) + ", not " + repo,
              "check the repository the image was built from",
              Fix.of("verify.source-repo", "repository", repo));
        }
        matching = deps.stream().filter(d -> normalize(d.uri()).equals(want)).toList();
        if (matching.isEmpty()) {
          throw broken(
              "source",
              "the provenance resolves no dependency from "
                  + repo
                  + (deps.isEmpty()
                      ? " (it lists none)"
                      : " (it lists "
                          + Wire.oneLine(
                              deps.stream().map(Dependency::uri).collect(Collectors.joining(", ")),
                              200)
                          + ")"),
              "check the repository the image was built from",
              Fix.of("verify.source-repo", "repository", repo));
        }
      }
      if (commit != null) {
        List<String> commits =
            matching.stream().map(Dependency::commit).filter(c -> !c.isEmpty()).toList();
        if (!commits.contains(commit)) {
          throw broken(
              "source",
              commits.isEmpty()
                  ? "the provenance names no commit"
                      + (repo == null ? "" : " of " + repo)
                      + ", so it cannot be "
                      + commit
                  : "the image was built from commit "
                      + Wire.oneLine(String.join(", ", commits), 200)
                      + ", not "
                      + commit,
              "check the commit the image was built from",
              Fix.of("verify.commit-mismatch", "commit", commit));
        }
      }
    }
  }

  /**
   * A repository URI as compared: without a {@code git+} prefix, a trailing {@code @ref}, a
   * trailing {@code .git} or {@code /}; scheme and host in lower case.
   */
  static String normalize(String uri) {
    String u = uri.strip();
    if (u.startsWith("git+")) {
      u = u.substring(4);
    }
    int scheme0 = u.indexOf("://");
    int path = u.indexOf('/', scheme0 < 0 ? 0 : scheme0 + 3);
    int at = path < 0 ? -1 : u.indexOf('@', path);
    if (at > 0) {
      u = u.substring(0, at); // a ref (git+https://host/repo@refs/heads/main), not user info
    }
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    if (u.endsWith(".git")) {
      u = u.substring(0, u.length() - 4);
    }
    int scheme = u.indexOf("://");
    if (scheme > 0) {
      int end = u.indexOf('/', scheme + 3);
      String head = end < 0 ? u : u.substring(0, end);
      u = head.toLowerCase(Locale.ROOT) + (end < 0 ? "" : u.substring(end));
    }
    return u;
  }

  /** A resolved dependency: its uri and gitCommit ({@code ""} if none). */
  record Dependency(String uri, String commit) {}

  /**
   * A provenance as read: what the result reports, the resolved dependencies, {@code
   * externalParameters.repository} (null if absent), the byproducts named {@link
   * BuilderEvidence#EVIDENCE_NAME} and {@link BuilderEvidence#BUILD_EVIDENCE_NAME}, {@code
   * builder.version["cairn.dev/tee"]} and {@code metadata.invocationId} (or {@code invocationID},
   * as cosign writes it; null if absent or not strings).
   */
  record BuildRead(
      Build build,
      List<Dependency> dependencies,
      @Nullable String external,
      List<Map<String, Object>> evidence,
      List<Map<String, Object>> buildEvidence,
      @Nullable String tee,
      @Nullable String invocationId) {
    BuildRead {
      dependencies = List.copyOf(dependencies);
      evidence = List.copyOf(evidence);
      buildEvidence = List.copyOf(buildEvidence);
    }
  }

  /** The sha256 digests of a Statement's subjects. */
  private static List<String> subjects(Map<String, Object> statement) {
    List<String> out = new ArrayList<>();
    for (Object s : Wire.list(statement.get("subject"))) {
      String h = Wire.string(Wire.map(Wire.map(s).get("digest")).get("sha256"));
      if (!h.isEmpty()) {
        out.add(h.toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** Reads the SLSA v1 predicate; throws naming the first field that is wrong. */
  static BuildRead build(Map<String, Object> p) throws IOException {
    Map<String, Object> def = object(p, "buildDefinition", "predicate.buildDefinition");
    String buildType = text(def, "buildType", "predicate.buildDefinition.buildType");
    Map<String, Object> external =
        object(def, "externalParameters", "predicate.buildDefinition.externalParameters");
    List<Dependency> deps = new ArrayList<>();
    Object rd = def.get("resolvedDependencies");
    if (rd != null) {
      if (!(rd instanceof List<?> l)) {
        throw new IOException("predicate.buildDefinition.resolvedDependencies is not a list");
      }
      for (int i = 0; i < l.size(); i++) {
        String at = "predicate.buildDefinition.resolvedDependencies[" + i + "]";
        if (!(l.get(i) instanceof Map<?, ?>)) {
          throw new IOException(at + " is not an object");
        }
        Map<String, Object> d = Wire.map(l.get(i));
        Object uri = d.get("uri");
        if (uri != null && !(uri instanceof String)) {
          throw new IOException(at + ".uri is not a string");
        }
        Object dg = d.get("digest");
        if (dg != null && !(dg instanceof Map<?, ?>)) {
          throw new IOException(at + ".digest is not an object");
        }
        Object gc = Wire.map(dg).get("gitCommit");
        if (gc != null && !(gc instanceof String)) {
          throw new IOException(at + ".digest.gitCommit is not a string");
        }
        deps.add(new Dependency(Wire.string(uri), Wire.string(gc).toLowerCase(Locale.ROOT)));
      }
    }
    Map<String, Object> run = object(p, "runDetails", "predicate.runDetails");
    Map<String, Object> builder = object(run, "builder", "predicate.runDetails.builder");
    String id = text(builder, "id", "predicate.runDetails.builder.id");
    Digest measurement = null;
    String tee = null;
    Object version = builder.get("version");
    if (version != null) {
      if (!(version instanceof Map<?, ?>)) {
        throw new IOException("predicate.runDetails.builder.version is not an object");
      }
      tee = Wire.map(version).get(BuilderEvidence.TEE_KEY) instanceof String s ? s : null;
      Object m = Wire.map(version).get(MEASUREMENT_KEY);
      if (m != null) {
        String s = m instanceof String str ? str : "";
        try {
          if (!s.startsWith("sha256:")) {
            throw new IllegalArgumentException(s);
          }
          measurement = Digest.parse(s);
        } catch (IllegalArgumentException e) {
          throw new IOException(
              "predicate.runDetails.builder.version[\""
                  + MEASUREMENT_KEY
                  + "\"] is "
                  + Wire.oneLine(String.valueOf(m), 80)
                  + ", not sha256:<64 hex digits>");
        }
      }
    }
    List<Map<String, Object>> evidence = new ArrayList<>();
    List<Map<String, Object>> buildEvidence = new ArrayList<>();
    Object byproducts = run.get("byproducts");
    if (byproducts != null) {
      if (!(byproducts instanceof List<?> l)) {
        throw new IOException("predicate.runDetails.byproducts is not a list");
      }
      for (int i = 0; i < l.size(); i++) {
        if (!(l.get(i) instanceof Map<?, ?>)) {
          throw new IOException("predicate.runDetails.byproducts[" + i + "] is not an object");
        }
        Map<String, Object> bp = Wire.map(l.get(i));
        if (BuilderEvidence.EVIDENCE_NAME.equals(bp.get("name"))) {
          evidence.add(bp);
        } else if (BuilderEvidence.BUILD_EVIDENCE_NAME.equals(bp.get("name"))) {
          buildEvidence.add(bp);
        }
      }
    }
    Map<String, Object> meta = object(run, "metadata", "predicate.runDetails.metadata");
    // SLSA v1 spells it invocationId; in-toto-golang (and so cosign attest) writes invocationID
    String invocationId =
        meta.get("invocationId") instanceof String s
            ? s
            : meta.get("invocationID") instanceof String s2 ? s2 : null;
    Instant finished = instant(meta, "finishedOn", true);
    Instant started = instant(meta, "startedOn", false);
    String externalRepo = external.get("repository") instanceof String s ? s : null;
    String ref = external.get("ref") instanceof String s ? s : null;
    String repository = externalRepo;
    if (repository == null && !deps.isEmpty() && !deps.get(0).uri().isEmpty()) {
      repository = deps.get(0).uri();
    }
    String commit = null;
    for (Dependency d : deps) {
      if (!d.commit().isEmpty()
          && (repository == null || normalize(d.uri()).equals(normalize(repository)))) {
        commit = d.commit();
        break;
      }
    }
    return new BuildRead(
        new Build(
            id,
            measurement,
            buildType,
            repository,
            ref,
            commit,
            started,
            java.util.Objects.requireNonNull(finished)),
        deps,
        externalRepo,
        evidence,
        buildEvidence,
        tee,
        invocationId);
  }

  private static Map<String, Object> object(Map<String, Object> m, String key, String at)
      throws IOException {
    if (!(m.get(key) instanceof Map<?, ?>)) {
      throw new IOException(at + " is missing or not an object");
    }
    return Wire.map(m.get(key));
  }

  private static String text(Map<String, Object> m, String key, String at) throws IOException {
    if (!(m.get(key) instanceof String s) || s.isEmpty()) {
      throw new IOException(at + " is missing or not a string");
    }
    return s;
  }

  private static @Nullable Instant instant(Map<String, Object> m, String key, boolean required)
      throws IOException {
    Object v = m.get(key);
    String at = "predicate.runDetails.metadata." + key;
    if (v == null) {
      if (required) {
        throw new IOException(
            at
                + " is missing: without the build's time, whether its keys were trusted then"
                + " cannot be judged");
      }
      return null;
    }
    try {
      return Instant.parse(Wire.string(v));
    } catch (DateTimeException e) {
      throw new IOException(
          at
              + " is not a time (RFC 3339, e.g. 2026-01-31T12:00:00Z): "
              + Wire.oneLine(String.valueOf(v), 80));
    }
  }

  private static boolean ecdsaVerify(BuilderKey key, byte[] data, byte[] sig) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key.publicKey());
      s.update(data);
      return s.verify(sig);
    } catch (GeneralSecurityException e) {
      return false; // a malformed signature is a failed one
    }
  }
}
