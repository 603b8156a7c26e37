package dev.cairn.supplychain;

import dev.cairn.core.Digest;
import dev.cairn.supplychain.internal.OciJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a registry or a bundle holds about one image: its manifest, the layers of its cosign
 * signatures ({@code .sig} tag and signature referrers) and of its attestations ({@code .att} tag
 * and in-toto referrers), and every manifest and blob read, so that they can be saved as a bundle.
 * Reading is all the network a verification does; judging it ({@link ImageVerifier}) does none.
 */
final class ImageEvidence {
  /** A signature layer: the simple-signing payload and the signature in its annotation. */
  record SignatureLayer(byte[] payload, String signature, List<String> foundIn) {}

  /** An attestation layer: a DSSE envelope. */
  record AttestationLayer(Digest digest, byte[] envelope, List<String> foundIn) {}

  /** A manifest as found: at a tag, or by digest (the image, a referrer). */
  record Stored(@Nullable String tag, Manifest manifest) {}

  record Blob(String mediaType, byte[] bytes) {}

  final ImageRef image;
  final @Nullable Manifest imageManifest;
  final List<SignatureLayer> signatures = new ArrayList<>();
  final List<AttestationLayer> attestations = new ArrayList<>();
  final List<String> looked = new ArrayList<>();
  int malformedManifests;
  private final List<Stored> manifests = new ArrayList<>();
  private final Map<Digest, Blob> blobs = new LinkedHashMap<>();

  private ImageEvidence(ImageRef image, @Nullable Manifest imageManifest) {
    this.image = image;
    this.imageManifest = imageManifest;
  }

  /**
   * Reads everything about {@code image} (which has a digest) from {@code oci}.
   *
   * @param keepConfigs also read the config blobs of signature manifests (for a complete bundle)
   */
  static ImageEvidence read(OciClient oci, ImageRef image, boolean keepConfigs)
      throws RegistryException {
    Digest d = image.requireDigest();
    Optional<Manifest> img = oci.findManifest(image.atDigest(d));
    ImageEvidence ev = new ImageEvidence(image, img.orElse(null));
    if (img.isEmpty()) {
      return ev;
    }
    ev.manifests.add(new Stored(null, img.get()));
    for (String tag : List.of(OciJson.signatureTag(d), OciJson.attestationTag(d))) {
      ev.looked.add("tag " + tag);
      Optional<Manifest> m = oci.findManifest(image.withTag(tag));
      if (m.isPresent()) {
        ev.manifests.add(new Stored(tag, m.get()));
        ev.collect(oci, m.get(), "tag", keepConfigs);
      }
    }
    for (String type : List.of(MediaTypes.COSIGN_SIGNATURE_ARTIFACT, MediaTypes.IN_TOTO)) {
      ev.looked.add("referrers of type " + type);
      for (Descriptor r : oci.referrers(image.atDigest(d), type).descriptors()) {
        Manifest m = oci.getManifest(image.atDigest(r.digest()));
        OciJson.ImageManifest im;
        try {
          im = OciJson.imageManifest(m.bytes());
        } catch (IOException e) {
          ev.malformedManifests++;
          continue;
        }
        if (im.subject() == null || !im.subject().digest().equals(d)) {
          continue; // a tag-schema index can list what is no referrer of this image
        }
        ev.manifests.add(new Stored(null, m));
        ev.collect(oci, m, "referrer", keepConfigs);
      }
    }
    return ev;
  }

  private void collect(OciClient oci, Manifest m, String foundIn, boolean keepConfigs)
      throws RegistryException {
    OciJson.ImageManifest im;
    try {
      im = OciJson.imageManifest(m.bytes());
    } catch (IOException e) {
      malformedManifests++;
      return;
    }
    if (keepConfigs) {
      blob(oci, im.config());
    }
    for (Descriptor l : im.layers()) {
      if (l.mediaType().equals(MediaTypes.COSIGN_SIMPLE_SIGNING)) {
        byte[] payload = blob(oci, l);
        String sig = l.annotations().getOrDefault(Cosign.SIGNATURE_ANNOTATION, "");
        addSignature(payload, sig, foundIn);
      } else if (l.mediaType().equals(MediaTypes.DSSE_ENVELOPE)) {
        byte[] env = blob(oci, l);
        addAttestation(l.digest(), env, foundIn);
      }
    }
  }

  private byte[] blob(OciClient oci, Descriptor l) throws RegistryException {
    Blob b = blobs.get(l.digest());
    if (b == null) {
      b = new Blob(l.mediaType(), oci.getBlob(image, l.digest()));
      blobs.put(l.digest(), b);
    }
    return b.bytes();
  }

  /** The same layer in a tag and a referrer is one signature, found in both. */
  private void addSignature(byte[] payload, String sig, String foundIn) {
    for (int i = 0; i < signatures.size(); i++) {
      SignatureLayer s = signatures.get(i);
      if (s.signature().equals(sig) && java.util.Arrays.equals(s.payload(), payload)) {
        signatures.set(i, new SignatureLayer(payload, sig, with(s.foundIn(), foundIn)));
        return;
      }
    }
    signatures.add(new SignatureLayer(payload, sig, List.of(foundIn)));
  }

  private void addAttestation(Digest digest, byte[] env, String foundIn) {
    for (int i = 0; i < attestations.size(); i++) {
      AttestationLayer a = attestations.get(i);
      if (a.digest().equals(digest)) {
        attestations.set(i, new AttestationLayer(digest, env, with(a.foundIn(), foundIn)));
        return;
      }
    }
    attestations.add(new AttestationLayer(digest, env, List.of(foundIn)));
  }

  private static List<String> with(List<String> l, String s) {
    if (l.contains(s)) {
      return l;
    }
    List<String> out = new ArrayList<>(l);
    out.add(s);
    return List.copyOf(out);
  }

  /** Writes what was read into {@code layout}: blobs first, then the manifests that name them. */
  void save(OciClient layout) throws RegistryException {
    for (Blob b : blobs.values()) {
      layout.pushBlob(image, b.mediaType(), b.bytes());
    }
    for (Stored s : manifests) {
      String tag = s.tag();
      layout.putManifest(
          tag != null ? image.withTag(tag) : image.atDigest(s.manifest().digest()), s.manifest());
    }
  }
}
