package dev.cairn.supplychain;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Digest;
import dev.cairn.core.Fix;
import dev.cairn.supplychain.internal.OciJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An {@link OciClient} over an OCI image layout directory ({@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/<hex>}): one repository, whatever the reference's registry and repository
 * say. Tags are the {@code org.opencontainers.image.ref.name} annotations of {@code index.json};
 * referrers are the manifests it lists whose {@code subject} is the image. Every read is checked
 * against its digest. Nothing here touches the network: it is how an air-gapped verification reads
 * its bundle ({@code docs/image-verify.md}).
 */
final class LayoutOciClient implements OciClient {
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";

  private final Path dir;
  private final boolean writable;

  LayoutOciClient(Path dir, boolean writable) {
    this.dir = dir;
    this.writable = writable;
  }

  private String where() {
    return "bundle " + dir;
  }

  private RegistryException error(String op, String message, @Nullable Throwable cause) {
    return new RegistryException(
        where(),
        op,
        0,
        message,
        "give the directory cairn verify --save-bundle wrote, unchanged",
        Fix.of("bundle.unreadable", "dir", dir.toString()),
        cause);
  }

  private Path blob(Digest d) {
    return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
  }

  /** The descriptors of {@code index.json} (none in a fresh writable directory). */
  private synchronized List<Descriptor> index() throws RegistryException {
    Path index = dir.resolve("index.json");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(index);
    } catch (NoSuchFileException e) {
      if (writable) {
        return List.of();
      }
      throw error(
          "read index.json",
          Files.isDirectory(dir)
              ? "bundle " + dir + " has no index.json: it is not an OCI image layout"
              : "there is no bundle directory " + dir,
          e);
    } catch (IOException e) {
      throw error("read index.json", "cannot read " + index + ": " + e.getMessage(), e);
    }
    try {
      return OciJson.indexManifests(bytes);
    } catch (IOException e) {
      throw error("read index.json", index + " is not an OCI index: " + e.getMessage(), e);
    }
  }

  private synchronized void writeIndex(List<Descriptor> manifests) throws RegistryException {
    requireWritable("write index.json");
    try {
      Files.createDirectories(dir);
      if (!Files.exists(dir.resolve("oci-layout"))) {
        AtomicFiles.write(dir.resolve("oci-layout"), LAYOUT);
      }
      AtomicFiles.write(
          dir.resolve("index.json"), new String(OciJson.index(manifests), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw error("write index.json", "cannot write " + dir + ": " + e.getMessage(), e);
    }
  }

  private void requireWritable(String op) throws RegistryException {
    if (!writable) {
      throw error(op, "bundle " + dir + " is opened for reading only", null);
    }
  }

  private Optional<Descriptor> lookup(ImageRef ref) throws RegistryException {
    Digest d = ref.digest();
    String tag = ref.tag();
    for (Descriptor m : index()) {
      if (d != null
          ? m.digest().equals(d)
          : tag != null && tag.equals(m.annotations().get(REF_NAME))) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<Descriptor> headManifest(ImageRef ref) throws RegistryException {
    return lookup(ref).map(m -> new Descriptor(m.mediaType(), m.digest(), m.size()));
  }

  @Override
  public Manifest getManifest(ImageRef ref) throws RegistryException {
    Optional<Manifest> m = findManifest(ref);
    if (m.isEmpty()) {
      throw new RegistryException(
          where(),
          "get manifest " + ref.reference(),
          404,
          "bundle " + dir + " holds no manifest " + ref.reference(),
          "save the bundle again with cairn verify --save-bundle",
          null,
          null);
    }
    return m.get();
  }

  @Override
  public Optional<Manifest> findManifest(ImageRef ref) throws RegistryException {
    Optional<Descriptor> d = lookup(ref);
    if (d.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Manifest(d.get().mediaType(), read(d.get().digest()), d.get().digest()));
  }

  @Override
  public synchronized Descriptor putManifest(ImageRef ref, Manifest manifest)
      throws RegistryException {
    write(manifest.digest(), manifest.bytes());
    String tag = ref.tag();
    Map<String, String> ann = new LinkedHashMap<>();
    if (tag != null) {
      ann.put(REF_NAME, tag);
    }
    String artifactType = null;
    try {
      artifactType = OciJson.imageManifest(manifest.bytes()).effectiveArtifactType();
    } catch (IOException e) {
      // an index or another kind of manifest: no artifact type
    }
    Descriptor entry =
        new Descriptor(
            manifest.mediaType(), manifest.digest(), manifest.bytes().length, artifactType, ann);
    List<Descriptor> out = new ArrayList<>();
    boolean present = false;
    for (Descriptor m : index()) {
      String name = m.annotations().get(REF_NAME);
      if (tag != null && tag.equals(name)) {
        continue; // the tag moves
      }
      if (tag == null && name == null && m.digest().equals(manifest.digest())) {
        present = true;
      }
      out.add(m);
    }
    if (!present) {
      out.add(entry);
    }
    writeIndex(out);
    return manifest.descriptor();
  }

  @Override
  public boolean blobExists(ImageRef repository, Digest digest) {
    return Files.isRegularFile(blob(digest));
  }

  @Override
  public Descriptor pushBlob(ImageRef repository, String mediaType, byte[] data)
      throws RegistryException {
    Digest d = Digest.sha256(data);
    write(d, data);
    return new Descriptor(mediaType, d, data.length);
  }

  @Override
  public byte[] getBlob(ImageRef repository, Digest digest) throws RegistryException {
    return read(digest);
  }

  @Override
  public Referrers referrers(ImageRef subject, @Nullable String artifactType)
      throws RegistryException {
    Digest d = subject.requireDigest();
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor m : index()) {
      if (m.digest().equals(d) || m.annotations().containsKey(REF_NAME)) {
        continue;
      }
      OciJson.ImageManifest im;
      try {
        im = OciJson.imageManifest(read(m.digest()));
      } catch (IOException e) {
        continue; // not an image manifest: no referrer
      }
      Descriptor s = im.subject();
      if (s == null || !s.digest().equals(d)) {
        continue;
      }
      String type = im.effectiveArtifactType();
      if (artifactType == null || artifactType.equals(type)) {
        out.add(new Descriptor(m.mediaType(), m.digest(), m.size(), type, im.annotations()));
      }
    }
    return new Referrers(out, false);
  }

  private byte[] read(Digest d) throws RegistryException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(blob(d));
    } catch (NoSuchFileException e) {
      throw error("read blob " + d, "bundle " + dir + " lacks blob " + d, e);
    } catch (IOException e) {
      throw error("read blob " + d, "cannot read blob " + d + ": " + e.getMessage(), e);
    }
    if (!Digest.sha256(bytes).equals(d)) {
      throw error(
          "read blob " + d,
          "blob " + d + " in bundle " + dir + " does not match its digest (altered?)",
          null);
    }
    return bytes;
  }

  private void write(Digest d, byte[] data) throws RegistryException {
    requireWritable("write blob " + d);
    Path p = blob(d);
    if (Files.isRegularFile(p)) {
      return;
    }
    try {
      Files.createDirectories(p.getParent());
      AtomicFiles.write(p, data, false);
    } catch (IOException e) {
      throw error("write blob " + d, "cannot write " + p + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "LayoutOciClient[" + dir + "]";
  }
}
