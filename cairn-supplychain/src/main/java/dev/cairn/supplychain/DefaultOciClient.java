package dev.cairn.supplychain;

import dev.cairn.core.Digest;
import dev.cairn.core.Fix;
import dev.cairn.supplychain.internal.OciJson;
import dev.cairn.supplychain.internal.RegistryTransport;
import dev.cairn.supplychain.internal.RegistryTransport.Request;
import dev.cairn.supplychain.internal.RegistryTransport.Response;
import dev.cairn.supplychain.internal.Wire;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The {@link OciClient} over the JDK's HTTP client, one {@link RegistryTransport} per registry. */
final class DefaultOciClient implements OciClient {
  static final long MAX_MANIFEST = 4L * 1024 * 1024;
  static final long MAX_BLOB = 64L * 1024 * 1024;
  private static final String ACCEPT =
      String.join(
          ", ",
          MediaTypes.OCI_MANIFEST,
          MediaTypes.OCI_INDEX,
          MediaTypes.DOCKER_MANIFEST,
          MediaTypes.DOCKER_MANIFEST_LIST);

  interface TransportFactory {
    RegistryTransport create(String registry) throws RegistryException;
  }

  private final TransportFactory factory;
  private final Map<String, RegistryTransport> transports = new HashMap<>();

  DefaultOciClient(TransportFactory factory) {
    this.factory = factory;
  }

  private synchronized RegistryTransport transport(String registry) throws RegistryException {
    RegistryTransport t = transports.get(registry);
    if (t == null) {
      t = factory.create(registry);
      transports.put(registry, t);
    }
    return t;
  }

  private static String pull(ImageRef r) {
    return "repository:" + r.repository() + ":pull";
  }

  private static String push(ImageRef r) {
    return "repository:" + r.repository() + ":pull,push";
  }

  private static Request req(
      String method,
      String path,
      Map<String, String> headers,
      byte @Nullable [] body,
      String scope,
      String op,
      Set<Integer> ok,
      long max) {
    return new Request(method, path, headers, body, scope, op, ok, max);
  }

  @Override
  public Optional<Descriptor> headManifest(ImageRef ref) throws RegistryException {
    RegistryTransport t = transport(ref.registry());
    String op = "check manifest " + ref.reference() + " of " + ref.repository();
    Response r =
        t.send(
            req(
                "HEAD",
                "/v2/" + ref.repository() + "/manifests/" + ref.reference(),
                Map.of("Accept", ACCEPT),
                null,
                pull(ref),
                op,
                Set.of(200, 404),
                0));
    if (r.status() == 404) {
      return Optional.empty();
    }
    String digest = r.header("Docker-Content-Digest").orElse(null);
    Digest d;
    if (digest != null) {
      d = parseDigest(t, op, digest);
      if (ref.digest() != null && !ref.digest().equals(d)) {
        throw mismatch(t, op, "manifest", d, ref.digest());
      }
    } else if (ref.digest() != null) {
      d = ref.digest();
    } else {
      return findManifest(ref).map(Manifest::descriptor);
    }
    long size = r.header("Content-Length").map(Long::parseLong).orElse(0L);
    return Optional.of(
        new Descriptor(
            r.header("Content-Type").orElse(MediaTypes.OCI_MANIFEST).split(";")[0].strip(),
            d,
            size));
  }

  @Override
  public Manifest getManifest(ImageRef ref) throws RegistryException {
    Optional<Manifest> m = fetchManifest(ref, Set.of(200));
    return m.orElseThrow();
  }

  @Override
  public Optional<Manifest> findManifest(ImageRef ref) throws RegistryException {
    return fetchManifest(ref, Set.of(200, 404));
  }

  private Optional<Manifest> fetchManifest(ImageRef ref, Set<Integer> ok) throws RegistryException {
    RegistryTransport t = transport(ref.registry());
    String op = "get manifest " + ref.reference() + " of " + ref.repository();
    Response r =
        t.send(
            req(
                "GET",
                "/v2/" + ref.repository() + "/manifests/" + ref.reference(),
                Map.of("Accept", ACCEPT),
                null,
                pull(ref),
                op,
                ok,
                MAX_MANIFEST));
    if (r.status() == 404) {
      return Optional.empty();
    }
    Digest got = Digest.sha256(r.body());
    if (ref.digest() != null && !ref.digest().equals(got)) {
      throw mismatch(t, op, "manifest", got, ref.digest());
    }
    Optional<String> header = r.header("Docker-Content-Digest");
    if (header.isPresent() && header.get().startsWith("sha256:")) {
      Digest said = parseDigest(t, op, header.get());
      if (!said.equals(got)) {
        throw mismatch(t, op, "manifest", got, said);
      }
    }
    String mt = r.header("Content-Type").orElse("").split(";")[0].strip();
    if (mt.isEmpty() || mt.equals("application/json")) {
      mt = mediaTypeOf(r.body());
    }
    return Optional.of(new Manifest(mt, r.body(), got));
  }

  private static String mediaTypeOf(byte[] body) {
    try {
      String mt = Wire.string(Wire.object(body).get("mediaType"));
      return mt.isEmpty() ? MediaTypes.OCI_MANIFEST : mt;
    } catch (IOException e) {
      return MediaTypes.OCI_MANIFEST;
    }
  }

  @Override
  public Descriptor putManifest(ImageRef ref, Manifest manifest) throws RegistryException {
    if (ref.digest() != null && !ref.digest().equals(manifest.digest())) {
      throw new IllegalArgumentException(
          "manifest " + manifest.digest() + " put at another digest, " + ref.digest());
    }
    RegistryTransport t = transport(ref.registry());
    String target = ref.tag() != null ? ref.tag() : manifest.digest().toString();
    String op = "push manifest " + target + " to " + ref.repository();
    Response r =
        t.send(
            req(
                "PUT",
                "/v2/" + ref.repository() + "/manifests/" + target,
                Map.of("Content-Type", manifest.mediaType()),
                manifest.bytes(),
                push(ref),
                op,
                Set.of(200, 201),
                MAX_MANIFEST));
    Optional<String> said = r.header("Docker-Content-Digest");
    if (said.isPresent() && said.get().startsWith("sha256:")) {
      Digest d = parseDigest(t, op, said.get());
      if (!d.equals(manifest.digest())) {
        throw mismatch(t, op, "stored manifest", d, manifest.digest());
      }
    }
    Optional<Descriptor> subject = OciJson.subjectOf(manifest.bytes());
    if (subject.isPresent() && r.header("OCI-Subject").isEmpty()) {
      addToTagSchemaIndex(ref, subject.get().digest(), referrerDescriptor(manifest));
    }
    return manifest.descriptor();
  }

  private static Descriptor referrerDescriptor(Manifest m) {
    try {
      OciJson.ImageManifest im = OciJson.imageManifest(m.bytes());
      return new Descriptor(
          m.mediaType(),
          m.digest(),
          m.bytes().length,
          im.effectiveArtifactType(),
          im.annotations());
    } catch (IOException e) {
      return m.descriptor();
    }
  }

  /**
   * The referrers tag schema: the index at {@code sha256-<hex>} lists the subject's referrers.
   * Read, add, write: two writers at once can lose one entry, as the spec notes; the registry
   * offers no conditional put to prevent it.
   */
  private void addToTagSchemaIndex(ImageRef repo, Digest subject, Descriptor referrer)
      throws RegistryException {
    ImageRef tagRef = repo.withTag(OciJson.fallbackTag(subject));
    List<Descriptor> list = new ArrayList<>();
    Optional<Manifest> existing = findManifest(tagRef);
    if (existing.isPresent()) {
      try {
        list.addAll(OciJson.indexManifests(existing.get().bytes()));
      } catch (IOException e) {
        throw malformed(transport(repo.registry()), "read referrers index " + tagRef.tag(), e);
      }
    }
    if (list.stream().anyMatch(d -> d.digest().equals(referrer.digest()))) {
      return;
    }
    list.add(referrer);
    putManifest(tagRef, Manifest.of(MediaTypes.OCI_INDEX, OciJson.index(list)));
  }

  @Override
  public boolean blobExists(ImageRef repository, Digest digest) throws RegistryException {
    RegistryTransport t = transport(repository.registry());
    Response r =
        t.send(
            req(
                "HEAD",
                "/v2/" + repository.repository() + "/blobs/" + digest,
                Map.of(),
                null,
                pull(repository),
                "check blob " + digest + " in " + repository.repository(),
                Set.of(200, 404),
                0));
    return r.status() == 200;
  }

  @Override
  public Descriptor pushBlob(ImageRef repository, String mediaType, byte[] data)
      throws RegistryException {
    Descriptor desc = new Descriptor(mediaType, Digest.sha256(data), data.length);
    return upload(repository, desc, data, null);
  }

  @Override
  public Descriptor pushBlob(ImageRef repository, String mediaType, java.nio.file.Path file)
      throws RegistryException {
    Digest d;
    long size;
    try {
      d = sha256(file);
      size = java.nio.file.Files.size(file);
    } catch (java.io.IOException e) {
      throw new RegistryException(
          repository.registry(),
          "push blob " + file,
          0,
          "cannot read " + file + ": " + e.getMessage(),
          "check that the file is still there",
          null,
          e);
    }
    return upload(repository, new Descriptor(mediaType, d, size), null, file);
  }

  private static Digest sha256(java.nio.file.Path file) throws java.io.IOException {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      return Digest.sha256(in);
    }
  }

  /** The monolithic upload of {@code desc}'s blob from {@code data} or {@code file}. */
  private Descriptor upload(
      ImageRef repository,
      Descriptor desc,
      byte @Nullable [] data,
      java.nio.file.@Nullable Path file)
      throws RegistryException {
    Digest d = desc.digest();
    if (blobExists(repository, d)) {
      return desc;
    }
    RegistryTransport t = transport(repository.registry());
    String op = "push blob " + d + " to " + repository.repository();
    Response start =
        t.send(
            req(
                "POST",
                "/v2/" + repository.repository() + "/blobs/uploads/",
                Map.of(),
                new byte[0],
                push(repository),
                op,
                Set.of(202),
                MAX_MANIFEST));
    String location =
        start
            .header("Location")
            .orElseThrow(
                () ->
                    new RegistryException(
                        t.registry(),
                        op,
                        202,
                        "registry " + t.registry() + " started an upload with no Location",
                        "check that the registry implements the OCI distribution API",
                        null,
                        null));
    String url = start.uri().resolve(location).toString();
    url +=
        (url.contains("?") ? "&" : "?")
            + "digest="
            + URLEncoder.encode(d.toString(), StandardCharsets.UTF_8);
    Response done =
        t.send(
            new Request(
                "PUT",
                url,
                Map.of("Content-Type", "application/octet-stream"),
                data,
                file,
                push(repository),
                op,
                Set.of(201),
                MAX_MANIFEST,
                null));
    Optional<String> said = done.header("Docker-Content-Digest");
    if (said.isPresent() && !parseDigest(t, op, said.get()).equals(d)) {
      throw mismatch(t, op, "stored blob", parseDigest(t, op, said.get()), d);
    }
    return desc;
  }

  @Override
  public byte[] getBlob(ImageRef repository, Digest digest) throws RegistryException {
    RegistryTransport t = transport(repository.registry());
    String op = "get blob " + digest + " of " + repository.repository();
    Response r =
        t.send(
            req(
                "GET",
                "/v2/" + repository.repository() + "/blobs/" + digest,
                Map.of(),
                null,
                pull(repository),
                op,
                Set.of(200),
                MAX_BLOB));
    Digest got = Digest.sha256(r.body());
    if (!got.equals(digest)) {
      throw mismatch(t, op, "blob", got, digest);
    }
    return r.body();
  }

  @Override
  public void getBlob(ImageRef repository, Digest digest, java.nio.file.Path out)
      throws RegistryException {
    RegistryTransport t = transport(repository.registry());
    String op = "get blob " + digest + " of " + repository.repository();
    t.send(
        req(
                "GET",
                "/v2/" + repository.repository() + "/blobs/" + digest,
                Map.of(),
                null,
                pull(repository),
                op,
                Set.of(200),
                MAX_BLOB)
            .toFile(out));
    Digest got;
    try {
      got = sha256(out);
    } catch (java.io.IOException e) {
      throw new RegistryException(
          t.registry(), op, 0, "cannot read " + out + ": " + e.getMessage(), null, null, e);
    }
    if (!got.equals(digest)) {
      try {
        java.nio.file.Files.deleteIfExists(out);
      } catch (java.io.IOException e) {
        // the mismatch is the error that matters
      }
      throw mismatch(t, op, "blob", got, digest);
    }
  }

  @Override
  public Referrers referrers(ImageRef subject, @Nullable String artifactType)
      throws RegistryException {
    Digest d = subject.requireDigest();
    RegistryTransport t = transport(subject.registry());
    String op = "list referrers of " + d + " in " + subject.repository();
    String path = "/v2/" + subject.repository() + "/referrers/" + d;
    if (artifactType != null) {
      path += "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
    }
    Response r =
        t.send(
            req(
                "GET",
                path,
                Map.of("Accept", MediaTypes.OCI_INDEX),
                null,
                pull(subject),
                op,
                Set.of(200, 404),
                MAX_MANIFEST));
    List<Descriptor> all;
    boolean fallback = r.status() == 404;
    try {
      if (!fallback) {
        all = OciJson.indexManifests(r.body());
      } else {
        Optional<Manifest> idx = findManifest(subject.withTag(OciJson.fallbackTag(d)));
        all = idx.isPresent() ? OciJson.indexManifests(idx.get().bytes()) : List.of();
      }
    } catch (IOException e) {
      throw malformed(t, op, e);
    }
    boolean filtered =
        !fallback
            && artifactType != null
            && r.header("OCI-Filters-Applied").map(h -> h.contains("artifactType")).orElse(false);
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor listed : all) {
      Descriptor x = listed;
      if (!fallback && MediaTypes.OCI_EMPTY.equals(x.artifactType())) {
        // the empty config's type is never an artifact type (image-spec: a manifest with an
        // empty config names its artifactType); a registry that lists it anyway
        // (go-containerregistry's) reported the config's type: read the manifest's own
        Manifest m = getManifest(subject.atDigest(x.digest()));
        try {
          String own = OciJson.imageManifest(m.bytes()).effectiveArtifactType();
          x = new Descriptor(x.mediaType(), x.digest(), x.size(), own, x.annotations());
        } catch (IOException e) {
          throw malformed(t, op, e);
        }
      }
      if (artifactType == null || filtered || artifactType.equals(x.artifactType())) {
        out.add(x);
      }
    }
    return new Referrers(out, fallback);
  }

  private static Digest parseDigest(RegistryTransport t, String op, String s)
      throws RegistryException {
    try {
      return Digest.parse(s.strip());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          t.registry(),
          op,
          200,
          "registry " + t.registry() + " sent digest '" + Wire.oneLine(s, 80) + "', not sha256",
          "check that the registry implements the OCI distribution API",
          null,
          e);
    }
  }

  private static RegistryException mismatch(
      RegistryTransport t, String op, String what, Digest got, Digest want) {
    return new RegistryException(
        t.registry(),
        op,
        200,
        "registry "
            + t.registry()
            + " sent a "
            + what
            + " whose digest is "
            + got
            + ", not "
            + want
            + " (while trying to "
            + op
            + ")",
        "do not trust this registry's answer; check the registry and what sits between it and"
            + " you",
        Fix.of("registry.digest-mismatch", "registry", t.registry()),
        null);
  }

  private static RegistryException malformed(RegistryTransport t, String op, IOException e) {
    return new RegistryException(
        t.registry(),
        op,
        200,
        "registry "
            + t.registry()
            + " sent malformed JSON while trying to "
            + op
            + ": "
            + Wire.oneLine(String.valueOf(e.getMessage()), 160),
        "check that the registry implements the OCI distribution API",
        null,
        e);
  }
}
