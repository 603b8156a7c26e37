package dev.cairn.supplychain.internal;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.Descriptor;
import dev.cairn.supplychain.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * OCI manifests, indexes and descriptors as JSON, and the referrers tag schema of the distribution
 * spec 1.1 ({@code <alg>-<hex>} tags holding an index of a subject's referrers).
 */
public final class OciJson {
  private OciJson() {}

  /** The tag the referrers tag schema uses for {@code subject}: {@code sha256-<hex>}. */
  public static String fallbackTag(Digest subject) {
    return subject.algorithm() + "-" + subject.hex();
  }

  /** cosign's tag for the signatures of {@code image}: {@code sha256-<hex>.sig}. */
  public static String signatureTag(Digest image) {
    return fallbackTag(image) + ".sig";
  }

  /** cosign's tag for the attestations of {@code image}: {@code sha256-<hex>.att}. */
  public static String attestationTag(Digest image) {
    return fallbackTag(image) + ".att";
  }

  public static Map<String, Object> descriptorJson(Descriptor d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mediaType", d.mediaType());
    m.put("digest", d.digest().toString());
    m.put("size", d.size());
    if (d.artifactType() != null) {
      m.put("artifactType", d.artifactType());
    }
    if (!d.annotations().isEmpty()) {
      m.put("annotations", d.annotations());
    }
    return m;
  }

  /** A descriptor from JSON; throws when a required field is missing or malformed. */
  public static Descriptor descriptor(Map<String, Object> m) throws IOException {
    String mt = Wire.string(m.get("mediaType"));
    String dg = Wire.string(m.get("digest"));
    long size = Wire.number(m.get("size"), -1);
    if (mt.isEmpty() || dg.isEmpty() || size < 0) {
      throw new IOException("a descriptor needs mediaType, digest and size");
    }
    Digest d;
    try {
      d = Digest.parse(dg);
    } catch (IllegalArgumentException e) {
      throw new IOException("descriptor digest " + Wire.oneLine(dg, 80) + " is not sha256");
    }
    Map<String, String> ann = new LinkedHashMap<>();
    Wire.map(m.get("annotations")).forEach((k, v) -> ann.put(k, Wire.string(v)));
    String at = Wire.string(m.get("artifactType"));
    return new Descriptor(mt, d, size, at.isEmpty() ? null : at, ann);
  }

  /** The parsed parts of an image manifest Cairn uses. */
  public record ImageManifest(
      String mediaType,
      @Nullable String artifactType,
      Descriptor config,
      List<Descriptor> layers,
      @Nullable Descriptor subject,
      Map<String, String> annotations) {
    public ImageManifest {
      layers = List.copyOf(layers);
      annotations = Map.copyOf(annotations);
    }

    public Optional<Descriptor> subjectIfAny() {
      return Optional.ofNullable(subject);
    }

    /** The artifact type a referrers list shows: {@code artifactType}, else the config's type. */
    public String effectiveArtifactType() {
      return artifactType != null ? artifactType : config.mediaType();
    }

    public byte[] toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("schemaVersion", 2);
      m.put("mediaType", mediaType);
      if (artifactType != null) {
        m.put("artifactType", artifactType);
      }
      m.put("config", descriptorJson(config));
      List<Object> ls = new ArrayList<>();
      layers.forEach(l -> ls.add(descriptorJson(l)));
      m.put("layers", ls);
      if (subject != null) {
        m.put("subject", descriptorJson(subject));
      }
      if (!annotations.isEmpty()) {
        m.put("annotations", annotations);
      }
      return Json.canonical(m).getBytes(StandardCharsets.UTF_8);
    }
  }

  public static ImageManifest imageManifest(byte[] json) throws IOException {
    Map<String, Object> m = Wire.object(json);
    String mt = Wire.string(m.get("mediaType"));
    if (!mt.isEmpty()
        && !mt.equals(MediaTypes.OCI_MANIFEST)
        && !mt.equals(MediaTypes.DOCKER_MANIFEST)) {
      throw new IOException("not an image manifest but " + Wire.oneLine(mt, 80));
    }
    if (!(m.get("config") instanceof Map<?, ?>)) {
      throw new IOException("an image manifest needs a config");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (Object o : Wire.list(m.get("layers"))) {
      layers.add(descriptor(Wire.map(o)));
    }
    Descriptor subject =
        m.get("subject") instanceof Map<?, ?> ? descriptor(Wire.map(m.get("subject"))) : null;
    Map<String, String> ann = new LinkedHashMap<>();
    Wire.map(m.get("annotations")).forEach((k, v) -> ann.put(k, Wire.string(v)));
    String at = Wire.string(m.get("artifactType"));
    return new ImageManifest(
        mt.isEmpty() ? MediaTypes.OCI_MANIFEST : mt,
        at.isEmpty() ? null : at,
        descriptor(Wire.map(m.get("config"))),
        layers,
        subject,
        ann);
  }

  /** The descriptors of an image index (a referrers list is one). */
  public static List<Descriptor> indexManifests(byte[] json) throws IOException {
    Map<String, Object> m = Wire.object(json);
    List<Descriptor> out = new ArrayList<>();
    for (Object o : Wire.list(m.get("manifests"))) {
      out.add(descriptor(Wire.map(o)));
    }
    return out;
  }

  public static byte[] index(List<Descriptor> manifests) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_INDEX);
    List<Object> ms = new ArrayList<>();
    manifests.forEach(d -> ms.add(descriptorJson(d)));
    m.put("manifests", ms);
    return Json.canonical(m).getBytes(StandardCharsets.UTF_8);
  }

  /** The subject descriptor of a manifest, if it is an image manifest with one. */
  public static Optional<Descriptor> subjectOf(byte[] manifest) {
    try {
      return imageManifest(manifest).subjectIfAny();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
