package dev.cairn.supplychain;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Json;
import dev.cairn.supplychain.internal.OciJson;
import dev.cairn.supplychain.internal.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Image signatures and attestations stored as cosign stores them, and verified as cosign verifies
 * them.
 *
 * <ul>
 *   <li>A signature is an ECDSA P-256 signature of cosign's "simple signing" payload, which names
 *       the image's manifest digest. It is a layer ({@value MediaTypes#COSIGN_SIMPLE_SIGNING}) of
 *       the manifest tagged {@code sha256-<hex>.sig}, the signature in its annotation {@value
 *       #SIGNATURE_ANNOTATION}.
 *   <li>An attestation is a DSSE envelope of an in-toto Statement whose subject is the image; a
 *       layer ({@value MediaTypes#DSSE_ENVELOPE}, annotation {@code predicateType}) of the manifest
 *       tagged {@code sha256-<hex>.att}.
 *   <li>Both can also be written as OCI 1.1 referrers of the image (a manifest whose {@code
 *       subject} is the image), as cosign v2 does with {@code --registry-referrers-mode=oci-1-1}:
 *       artifact type {@value MediaTypes#COSIGN_SIGNATURE_ARTIFACT} for signatures, {@value
 *       MediaTypes#IN_TOTO} for attestations.
 * </ul>
 */
public final class Cosign {
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  public static final String PREDICATE_TYPE_ANNOTATION = "predicateType";
  public static final String SIMPLE_SIGNING_TYPE = "cosign container image signature";
  public static final String CREATED_ANNOTATION = "org.opencontainers.image.created";
  public static final String STATEMENT_V1 = "https://in-toto.io/Statement/v1";

  /** Where signatures and attestations go, and where verification reads them. */
  public enum Storage {
    /** cosign's tags, {@code sha256-<hex>.sig} and {@code .att}. */
    TAG,
    /** OCI 1.1 referrers (the referrers API, or its tag schema on registries without it). */
    REFERRER,
    /** Both: what a registry's older and newer readers find. */
    BOTH
  }

  /** A signature that verified: what it signs and where it was found. */
  public record VerifiedSignature(
      Digest image, String dockerReference, Digest manifest, Storage foundIn) {}

  /** An attestation that verified: its in-toto Statement (JSON) and where it was found. */
  public record VerifiedAttestation(
      Digest image, String predicateType, byte[] statement, Digest manifest, Storage foundIn) {
    public VerifiedAttestation {
      statement = statement.clone();
    }

    @Override
    public byte[] statement() {
      return statement.clone();
    }
  }

  private final OciClient oci;
  private final Clock clock;

  private Cosign(OciClient oci, Clock clock) {
    this.oci = oci;
    this.clock = clock;
  }

  public static Cosign using(OciClient oci) {
    return new Cosign(oci, Clock.systemUTC());
  }

  public static Cosign using(OciClient oci, Clock clock) {
    return new Cosign(oci, clock);
  }

  /**
   * cosign's simple-signing payload for {@code image}: {@code {"critical":{"identity":
   * {"docker-reference":R},"image":{"docker-manifest-digest":D},"type":"cosign container image
   * signature"},"optional":null}}, compact, keys in that order.
   */
  public static byte[] simpleSigningPayload(ImageRef image) {
    Map<String, Object> critical = new LinkedHashMap<>();
    critical.put("identity", Map.of("docker-reference", image.name()));
    critical.put("image", Map.of("docker-manifest-digest", image.requireDigest().toString()));
    critical.put("type", SIMPLE_SIGNING_TYPE);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("critical", critical);
    p.put("optional", null);
    return Json.canonical(p).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Signs {@code image} (which must carry its digest) with an ECDSA key and stores the signature.
   *
   * @return the manifests written: the {@code .sig} manifest and/or the referrer
   */
  public List<Descriptor> sign(ImageRef image, PrivateKey key, Storage storage)
      throws CairnException {
    byte[] payload = simpleSigningPayload(image);
    return storeSignature(image, ecdsa(key, payload), storage);
  }

  /**
   * Stores a signature made elsewhere (by an attested builder, whose key never leaves it) of {@code
   * image}'s {@link #simpleSigningPayload}, as {@link #sign} stores its own.
   *
   * @param signature the ASN.1 DER ECDSA signature over the payload
   * @return the manifests written: the {@code .sig} manifest and/or the referrer
   */
  public List<Descriptor> storeSignature(ImageRef image, byte[] signature, Storage storage)
      throws CairnException {
    Descriptor subject = subject(image);
    byte[] payload = simpleSigningPayload(image);
    String sig = Base64.getEncoder().encodeToString(signature);
    Descriptor blob = oci.pushBlob(image, MediaTypes.COSIGN_SIMPLE_SIGNING, payload);
    Descriptor layer = blob.withAnnotations(Map.of(SIGNATURE_ANNOTATION, sig));
    List<Descriptor> written = new ArrayList<>();
    if (storage != Storage.REFERRER) {
      written.add(appendToTag(image, OciJson.signatureTag(subject.digest()), layer));
    }
    if (storage != Storage.TAG) {
      Descriptor config = pushConfig(image, List.of(layer), MediaTypes.COSIGN_SIGNATURE_ARTIFACT);
      written.add(
          putReferrer(
              image, MediaTypes.COSIGN_SIGNATURE_ARTIFACT, config, layer, subject, Map.of()));
    }
    return written;
  }

  /**
   * Signs an in-toto Statement about {@code image} in a DSSE envelope and stores it. The Statement
   * must name the image's digest among its subjects.
   *
   * @return the manifests written: the {@code .att} manifest and/or the referrer
   */
  public List<Descriptor> attest(ImageRef image, byte[] statement, PrivateKey key, Storage storage)
      throws CairnException {
    return storeAttestation(
        image, Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, key, ""), storage);
  }

  /**
   * Stores a DSSE envelope signed elsewhere (by an attested builder, whose key never leaves it), as
   * {@link #attest} stores its own. Its payload must be an in-toto Statement about {@code image}.
   *
   * @return the manifests written: the {@code .att} manifest and/or the referrer
   */
  public List<Descriptor> storeAttestation(ImageRef image, Dsse.Envelope env, Storage storage)
      throws CairnException {
    Descriptor subject = subject(image);
    if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(env.payloadType())) {
      throw new CairnException(
          "the envelope to store has payload type "
              + Wire.oneLine(env.payloadType(), 80)
              + ", not an in-toto Statement",
          "sign an in-toto Statement (" + Dsse.IN_TOTO_PAYLOAD_TYPE + ")");
    }
    String predicateType = checkStatement(env.payload(), subject.digest());
    byte[] envJson = env.toJson().getBytes(StandardCharsets.UTF_8);
    Descriptor blob = oci.pushBlob(image, MediaTypes.DSSE_ENVELOPE, envJson);
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(SIGNATURE_ANNOTATION, "");
    ann.put(PREDICATE_TYPE_ANNOTATION, predicateType);
    Descriptor layer = blob.withAnnotations(ann);
    List<Descriptor> written = new ArrayList<>();
    if (storage != Storage.REFERRER) {
      written.add(appendToTag(image, OciJson.attestationTag(subject.digest()), layer));
    }
    if (storage != Storage.TAG) {
      Descriptor empty =
          oci.pushBlob(image, MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
      written.add(
          putReferrer(
              image,
              MediaTypes.IN_TOTO,
              empty,
              layer,
              subject,
              Map.of(
                  CREATED_ANNOTATION,
                  DateTimeFormatter.ISO_INSTANT.format(
                      clock.instant().truncatedTo(ChronoUnit.SECONDS)))));
    }
    return written;
  }

  /**
   * Finds a signature of {@code image} in {@code from} that verifies under {@code key} and signs
   * exactly the image's digest.
   *
   * @throws SignatureVerificationException naming the link that broke
   */
  public VerifiedSignature verifySignature(ImageRef image, PublicKey key, Storage from)
      throws CairnException {
    Digest digest = image.requireDigest();
    String keyId = CosignKeys.keyId(key).toString();
    List<Found> layers = layers(image, from, MediaTypes.COSIGN_SIMPLE_SIGNING, "signature");
    String otherDigest = null;
    int badSignatures = 0;
    for (Found f : layers) {
      byte[] payload = oci.getBlob(image, f.layer().digest());
      byte[] sig;
      try {
        sig =
            Base64.getDecoder()
                .decode(f.layer().annotations().getOrDefault(SIGNATURE_ANNOTATION, ""));
      } catch (IllegalArgumentException e) {
        badSignatures++;
        continue;
      }
      if (sig.length == 0 || !ecdsaVerify(key, payload, sig)) {
        badSignatures++;
        continue;
      }
      Map<String, Object> p;
      try {
        p = Wire.object(payload);
      } catch (IOException e) {
        otherDigest = "an unreadable payload";
        continue;
      }
      Map<String, Object> critical = Wire.map(p.get("critical"));
      String signed = Wire.string(Wire.map(critical.get("image")).get("docker-manifest-digest"));
      if (!SIMPLE_SIGNING_TYPE.equals(Wire.string(critical.get("type")))
          || !digest.toString().equals(signed)) {
        otherDigest = signed.isEmpty() ? "no digest" : signed;
        continue;
      }
      return new VerifiedSignature(
          digest,
          Wire.string(Wire.map(critical.get("identity")).get("docker-reference")),
          f.manifest(),
          f.foundIn());
    }
    if (otherDigest != null) {
      throw new SignatureVerificationException(
          "signature.digest",
          "a signature of "
              + image.name()
              + " verifies under key "
              + keyId
              + " but signs "
              + Wire.oneLine(otherDigest, 80)
              + ", not "
              + digest,
          "the signature belongs to another image; sign this digest");
    }
    throw new SignatureVerificationException(
        "signature.invalid",
        Text.count(badSignatures, "signature")
            + " of "
            + image.name()
            + "@"
            + digest
            + " found, none verifies under key "
            + keyId,
        "check that the image was signed with the private key of this public key, and that the"
            + " signature was not altered");
  }

  /**
   * Finds an attestation of {@code image} in {@code from}: a DSSE envelope that verifies under
   * {@code key}, of an in-toto Statement of {@code predicateType} whose subject is the image's
   * digest.
   *
   * @throws SignatureVerificationException naming the link that broke
   */
  public VerifiedAttestation verifyAttestation(
      ImageRef image, PublicKey key, String predicateType, Storage from) throws CairnException {
    Digest digest = image.requireDigest();
    String keyId = CosignKeys.keyId(key).toString();
    List<Found> layers = layers(image, from, MediaTypes.DSSE_ENVELOPE, "attestation");
    int bad = 0;
    List<String> otherTypes = new ArrayList<>();
    boolean otherSubject = false;
    for (Found f : layers) {
      byte[] blob = oci.getBlob(image, f.layer().digest());
      Dsse.Envelope env;
      try {
        env = Dsse.parse(new String(blob, StandardCharsets.UTF_8));
      } catch (CairnException e) {
        bad++;
        continue;
      }
      if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(env.payloadType()) || !Dsse.verify(env, key)) {
        bad++;
        continue;
      }
      Map<String, Object> st;
      try {
        st = Wire.object(env.payload());
      } catch (IOException e) {
        bad++;
        continue;
      }
      String type = Wire.string(st.get("predicateType"));
      if (!type.equals(predicateType)) {
        otherTypes.add(type);
        continue;
      }
      if (!namesDigest(st, digest)) {
        otherSubject = true;
        continue;
      }
      return new VerifiedAttestation(digest, type, env.payload(), f.manifest(), f.foundIn());
    }
    if (otherSubject) {
      throw new SignatureVerificationException(
          "attestation.subject",
          "an attestation of type "
              + predicateType
              + " verifies under key "
              + keyId
              + " but its subject is not "
              + digest,
          "the attestation describes another image; attest this digest");
    }
    if (!otherTypes.isEmpty()) {
      throw new SignatureVerificationException(
          "attestation.predicateType",
          "no attestation of "
              + image.name()
              + "@"
              + digest
              + " has predicate type "
              + predicateType
              + " (verified ones have "
              + Wire.oneLine(String.join(", ", otherTypes), 200)
              + ")",
          "ask for the predicate type the builder writes");
    }
    throw new SignatureVerificationException(
        "attestation.invalid",
        Text.count(bad, "attestation")
            + " of "
            + image.name()
            + "@"
            + digest
            + " found, none verifies under key "
            + keyId,
        "check that the image was attested with the private key of this public key, and that the"
            + " envelope was not altered");
  }

  /** A layer and the manifest it was found in. */
  private record Found(Descriptor layer, Digest manifest, Storage foundIn) {}

  private List<Found> layers(ImageRef image, Storage from, String mediaType, String what)
      throws CairnException {
    Digest digest = image.requireDigest();
    List<Found> out = new ArrayList<>();
    List<String> looked = new ArrayList<>();
    if (from != Storage.REFERRER) {
      String tag =
          what.equals("signature") ? OciJson.signatureTag(digest) : OciJson.attestationTag(digest);
      looked.add("tag " + tag);
      Optional<Manifest> m = oci.findManifest(image.withTag(tag));
      if (m.isPresent()) {
        for (Descriptor l : parse(image, m.get()).layers()) {
          if (l.mediaType().equals(mediaType)) {
            out.add(new Found(l, m.get().digest(), Storage.TAG));
          }
        }
      }
    }
    if (from != Storage.TAG) {
      String type =
          what.equals("signature") ? MediaTypes.COSIGN_SIGNATURE_ARTIFACT : MediaTypes.IN_TOTO;
      looked.add("referrers of type " + type);
      for (Descriptor r : oci.referrers(image.atDigest(digest), type).descriptors()) {
        Manifest m = oci.getManifest(image.atDigest(r.digest()));
        OciJson.ImageManifest im = parse(image, m);
        if (im.subject() == null || !im.subject().digest().equals(digest)) {
          continue; // a tag-schema index can list what is no referrer of this image
        }
        for (Descriptor l : im.layers()) {
          if (l.mediaType().equals(mediaType)) {
            out.add(new Found(l, m.digest(), Storage.REFERRER));
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new SignatureVerificationException(
          what + ".missing",
          "no "
              + what
              + " of "
              + image.name()
              + "@"
              + digest
              + " in "
              + String.join(" or ", looked),
          "sign the image (and push its " + what + ") before verifying it");
    }
    return out;
  }

  private static OciJson.ImageManifest parse(ImageRef image, Manifest m) throws CairnException {
    try {
      return OciJson.imageManifest(m.bytes());
    } catch (IOException e) {
      throw new SignatureVerificationException(
          "manifest",
          "manifest " + m.digest() + " in " + image.name() + " is malformed: " + e.getMessage(),
          "re-sign the image");
    }
  }

  private Descriptor subject(ImageRef image) throws CairnException {
    Digest d = image.requireDigest();
    return oci.headManifest(image.atDigest(d))
        .orElseThrow(
            () ->
                new CairnException(
                    "image " + image.name() + "@" + d + " is not in its registry",
                    "push the image before signing it"));
  }

  /** Adds {@code layer} to the manifest at {@code tag} (made if missing), as cosign appends. */
  private Descriptor appendToTag(ImageRef image, String tag, Descriptor layer)
      throws CairnException {
    ImageRef at = image.withTag(tag);
    List<Descriptor> layers = new ArrayList<>();
    Optional<Manifest> existing = oci.findManifest(at);
    if (existing.isPresent()) {
      layers.addAll(parse(image, existing.get()).layers());
    }
    if (!layers.contains(layer)) {
      layers.add(layer);
    }
    Descriptor config = pushConfig(image, layers, MediaTypes.OCI_CONFIG);
    OciJson.ImageManifest m =
        new OciJson.ImageManifest(MediaTypes.OCI_MANIFEST, null, config, layers, null, Map.of());
    return oci.putManifest(at, Manifest.of(MediaTypes.OCI_MANIFEST, m.toJson()));
  }

  /** cosign's config for a signature image: empty platform, one diff id per (plain) layer. */
  private Descriptor pushConfig(ImageRef image, List<Descriptor> layers, String mediaType)
      throws CairnException {
    Map<String, Object> rootfs = new LinkedHashMap<>();
    rootfs.put("type", "layers");
    rootfs.put("diff_ids", layers.stream().map(l -> l.digest().toString()).toList());
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architecture", "");
    c.put("config", Map.of());
    c.put("created", "0001-01-01T00:00:00Z");
    c.put("history", List.of(Map.of("created", "0001-01-01T00:00:00Z")));
    c.put("os", "");
    c.put("rootfs", rootfs);
    return oci.pushBlob(image, mediaType, Json.canonical(c).getBytes(StandardCharsets.UTF_8));
  }

  private Descriptor putReferrer(
      ImageRef image,
      String artifactType,
      Descriptor config,
      Descriptor layer,
      Descriptor subject,
      Map<String, String> annotations)
      throws CairnException {
    OciJson.ImageManifest m =
        new OciJson.ImageManifest(
            MediaTypes.OCI_MANIFEST,
            artifactType,
            config,
            List.of(layer),
            new Descriptor(subject.mediaType(), subject.digest(), subject.size()),
            annotations);
    Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, m.toJson());
    return oci.putManifest(image.atDigest(manifest.digest()), manifest);
  }

  /** The Statement's predicate type; throws unless it is a Statement about {@code digest}. */
  private static String checkStatement(byte[] statement, Digest digest) throws CairnException {
    Map<String, Object> st;
    try {
      st = Wire.object(statement);
    } catch (IOException e) {
      throw new CairnException(
          "the statement to attest is not JSON: " + e.getMessage(), "give an in-toto Statement");
    }
    String type = Wire.string(st.get("_type"));
    String pt = Wire.string(st.get("predicateType"));
    if (!type.startsWith("https://in-toto.io/Statement/") || pt.isEmpty()) {
      throw new CairnException(
          "the statement to attest is not an in-toto Statement (_type "
              + Wire.oneLine(type, 80)
              + ", predicateType "
              + Wire.oneLine(pt, 80)
              + ")",
          "give an in-toto Statement with _type " + STATEMENT_V1 + " and a predicateType");
    }
    if (!namesDigest(st, digest)) {
      throw new CairnException(
          "the statement to attest does not name image digest " + digest + " among its subjects",
          "make the image's digest a subject of the Statement");
    }
    return pt;
  }

  private static boolean namesDigest(Map<String, Object> statement, Digest digest) {
    for (Object s : Wire.list(statement.get("subject"))) {
      if (digest.hex().equals(Wire.string(Wire.map(Wire.map(s).get("digest")).get("sha256")))) {
        return true;
      }
    }
    return false;
  }

  /**
   * An in-toto Statement v1 about {@code image}: subject {@code image.name()} with its sha256
   * digest, the given predicate type and predicate.
   */
  public static byte[] statement(ImageRef image, String predicateType, Map<String, ?> predicate) {
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("_type", STATEMENT_V1);
    st.put(
        "subject",
        List.of(
            Map.of("name", image.name(), "digest", Map.of("sha256", image.requireDigest().hex()))));
    st.put("predicateType", predicateType);
    st.put("predicate", predicate);
    return Json.canonical(st).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ecdsa(PrivateKey key, byte[] data) {
    if (!"EC".equals(key.getAlgorithm())) {
      throw new IllegalArgumentException(
          "cosign signatures use ECDSA keys, not " + key.getAlgorithm());
    }
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
    }
  }

  private static boolean ecdsaVerify(PublicKey key, byte[] data, byte[] sig) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(data);
      return s.verify(sig);
    } catch (GeneralSecurityException e) {
      return false; // a malformed signature is a failed one
    }
  }

  /** Counts for messages. */
  private static final class Text {
    static String count(int n, String noun) {
      return dev.cairn.core.Text.count(n, noun);
    }
  }
}
