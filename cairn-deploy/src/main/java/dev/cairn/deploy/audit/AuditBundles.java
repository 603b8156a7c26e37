package dev.cairn.deploy.audit;

import dev.cairn.certify.CertifyException;
import dev.cairn.certify.Records;
import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.certify.VerifyResult;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.Targets;
import dev.cairn.deploy.rollout.DeployHistory;
import dev.cairn.deploy.rollout.Revision;
import dev.cairn.deploy.rollout.Rollouts;
import dev.cairn.ledger.Certificate;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.NoteSigner;
import dev.cairn.ledger.RevocationProof;
import dev.cairn.ledger.TransparencyLog;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.ImageVerifyRequest;
import dev.cairn.supplychain.ImageVerifyResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Writes and verifies audit bundles ({@code docs/audit.md}). Export reads Cairn's home (trust root,
 * embedded log, deploy targets and history) and the images' registry; verification reads only the
 * bundle (and, if given, the verifier's own trust root), and checks certificates with
 * cairn-certify's {@link Verifier} and images with cairn-supplychain's {@link ImageVerifier}: no
 * second implementation of either.
 */
public final class AuditBundles {
  /** The manifest's media type. */
  public static final String MEDIA_TYPE = "application/vnd.cairn.audit-bundle+json;version=1";

  /** The manifest's file name, at the bundle's root: how a bundle is recognised. */
  public static final String MANIFEST = "manifest.json";

  static final String TRUST = "trust.json";
  static final String CHECKPOINT = "ledger/checkpoint";
  static final String SUMMARY = "index.html";

  private final Clock clock;

  private AuditBundles(Clock clock) {
    this.clock = clock;
  }

  public static AuditBundles create(Clock clock) {
    return new AuditBundles(clock);
  }

  /** Whether {@code path} looks like an audit bundle: a directory with a {@value #MANIFEST}. */
  public static boolean isBundle(Path path) {
    return Files.isDirectory(path) && Files.isRegularFile(path.resolve(MANIFEST));
  }

  // ---------------------------------------------------------------------------------- export

  /**
   * Writes the bundle: into a temporary sibling directory, every file synced, then renamed to
   * {@code request.out()} in one step, so that a crash leaves no bundle or a whole one.
   *
   * @param progress told what is being done, a sentence at a time
   * @throws CairnException when the home has no trust root or log, the cluster is not on it, or the
   *     bundle cannot be written
   */
  public Exported export(ExportRequest request, Consumer<String> progress) throws CairnException {
    CairnHome home = request.home();
    Path out = request.out().toAbsolutePath().normalize();
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      throw new CairnException(
          "cannot write the audit bundle " + out + ": it exists",
          "name a new directory with -o, or remove the old bundle");
    }
    Path parent = Objects.requireNonNull(out.getParent());
    if (!Files.isDirectory(parent)) {
      throw new CairnException(
          "cannot write the audit bundle " + out + ": there is no directory " + parent,
          "create it first");
    }
    if (!Files.isRegularFile(home.trustRoot())) {
      throw new CairnException(
          "there is no trust root " + home.trustRoot() + " to put in the audit bundle",
          "export from the home that certified the cluster (--home or CAIRN_HOME)");
    }
    Instant now = clock.instant();
    progress.accept("reading the ledger history of cluster " + request.cluster());
    Records records = Records.create(home, clock);
    Records.History history;
    try {
      history = records.history(request.cluster(), Ledgers.EMBEDDED);
    } catch (CertifyException e) {
      throw new CairnException(
          "cannot read the cluster's certificates from the embedded log: " + e.getMessage(),
          e.hint().orElse("export from the home that certified the cluster"),
          e);
    }
    Digest cluster = history.cluster();
    Map<Digest, Records.Entry> recorded = new LinkedHashMap<>();
    for (Records.Entry e : history.entries()) {
      if (e.expiresAt().isAfter(request.since())) {
        recorded.put(e.certificate(), e);
      }
    }
    List<String> warnings = new ArrayList<>();
    Path tmp;
    try {
      tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".tmp-");
    } catch (IOException e) {
      throw new CairnException(
          "cannot write the audit bundle in " + parent + ": " + e.getMessage(),
          "check that the directory is writable",
          e);
    }
    boolean done = false;
    try {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mediaType", MEDIA_TYPE);
      m.put("cluster", cluster.toString());
      m.put("server", "");
      m.put("since", request.since().toString());
      m.put("exportedAt", now.toString());
      byte[] trustBytes = Files.readAllBytes(home.trustRoot());
      write(tmp.resolve(TRUST), trustBytes);
      m.put("trustRoot", ordered("file", TRUST, "digest", Digest.sha256(trustBytes).toString()));

      // certificates: the files the ledger records for the cluster, each with a fresh proof that
      // it is not revoked (or that it is) as of the log's current checkpoint
      Map<Digest, Path> files = findCertificates(home, request, recorded.keySet());
      List<Object> certs = new ArrayList<>();
      Checkpoint checkpoint = null;
      Instant latest = Instant.MIN;
      for (Map.Entry<Digest, Records.Entry> re : recorded.entrySet()) {
        Path src = files.get(re.getKey());
        if (src == null) {
          continue;
        }
        progress.accept("adding certificate " + re.getKey() + " from " + src);
        CertificateBundle b = CertificateBundle.parse(Files.readString(src), src.toString());
        Records.Proven p;
        try {
          p = records.prove(b, null);
        } catch (CertifyException e) {
          throw new CairnException(
              "cannot prove the revocation status of " + src + ": " + e.getMessage(),
              e.hint().orElse(null),
              e);
        }
        checkpoint = p.checkpoint();
        String base = "certificates/" + re.getKey().hex().substring(0, 16);
        write(
            tmp.resolve(base + ".cert.json"), p.bundle().toJson().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> ce = new LinkedHashMap<>();
        ce.put("certificate", re.getKey().toString());
        ce.put("file", base + ".cert.json");
        Path report = reportFor(src);
        if (Files.isRegularFile(report)) {
          write(tmp.resolve(base + ".report.json"), Files.readAllBytes(report));
          ce.put("report", base + ".report.json");
        } else {
          warnings.add("certificate " + re.getKey() + ": no scan report beside " + src);
        }
        ce.put("revoked", p.revoked());
        certs.add(ce);
        Certificate c = Certificate.parse(b.envelope().payload());
        if (c.issuedAt().isAfter(latest)) {
          latest = c.issuedAt();
          m.put("server", c.server());
        }
      }
      List<Object> notFound = new ArrayList<>();
      for (Map.Entry<Digest, Records.Entry> re : recorded.entrySet()) {
        if (!files.containsKey(re.getKey())) {
          warnings.add(
              "certificate "
                  + re.getKey()
                  + " ("
                  + re.getValue().locator()
                  + ") is on the ledger, and no file of it was found");
          notFound.add(
              ordered("certificate", re.getKey().toString(), "locator", re.getValue().locator()));
        }
      }
      if (checkpoint == null) {
        checkpoint = currentCheckpoint(home);
      }
      if (checkpoint != null) {
        write(tmp.resolve(CHECKPOINT), checkpoint.signedNote().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> cp = new LinkedHashMap<>();
        cp.put("file", CHECKPOINT);
        cp.put("origin", checkpoint.origin());
        cp.put("size", checkpoint.size());
        m.put("checkpoint", cp);
      }
      m.put("certificates", certs);
      m.put("notFound", notFound);

      // deployments: every target whose certificate is this cluster's, its revisions since then
      progress.accept("reading the deploy history");
      List<Object> deployments = new ArrayList<>();
      Set<String> images = new TreeSet<>();
      int revisions = 0;
      DeployHistory dh = Rollouts.fileHistory(home);
      for (TargetConfig t : targetsOf(home, cluster, recorded.keySet())) {
        List<Revision> revs = new ArrayList<>();
        for (Revision r : dh.revisions(t.name())) {
          if (!r.time().isBefore(request.since())) {
            revs.add(r);
          }
        }
        if (revs.isEmpty()) {
          continue;
        }
        String dir = "deployments/" + t.name() + "/";
        write(
            tmp.resolve(dir + "target.json"),
            Json.pretty(targetDocument(t)).getBytes(StandardCharsets.UTF_8));
        List<Object> rows = new ArrayList<>();
        for (Revision r : revs) {
          Map<String, Object> row = revisionDocument(r);
          List<Map<String, Object>> manifests;
          try {
            manifests = dh.manifests(t.name(), r.rev());
          } catch (IOException e) {
            manifests = null;
            warnings.add("target " + t.name() + " rev " + r.rev() + ": no manifests recorded");
          }
          if (manifests != null) {
            String f = dir + "rev-" + r.rev() + ".json";
            write(tmp.resolve(f), Json.pretty(manifests).getBytes(StandardCharsets.UTF_8));
            row.put("manifests", f);
          }
          rows.add(row);
          images.addAll(r.images());
        }
        write(
            tmp.resolve(dir + "history.json"), Json.pretty(rows).getBytes(StandardCharsets.UTF_8));
        deployments.add(ordered("target", dir + "target.json", "history", dir + "history.json"));
        revisions += revs.size();
      }
      m.put("deployments", deployments);

      // images: their signatures, provenance and attestations, verified against the trust root
      // and saved as read (an OCI layout that cosign and skopeo read too)
      TrustRoot trust = TrustRoot.parse(new String(trustBytes, StandardCharsets.UTF_8));
      List<Object> imgs = new ArrayList<>();
      int saved = 0;
      for (String image : images) {
        Map<String, Object> ie = new LinkedHashMap<>();
        ie.put("image", image);
        ImageRef ref;
        try {
          ref = ImageRef.parse(image);
        } catch (CairnException e) {
          ie.put("bundle", null);
          ie.put("exportFailure", "not an image reference: " + e.getMessage());
          imgs.add(ie);
          continue;
        }
        String bdir = "images/" + ref.requireDigest().hex().substring(0, 16);
        if (request.registry() == null) {
          ie.put("bundle", null);
          ie.put("exportFailure", "no registry was read at export");
          warnings.add("image " + image + ": no registry was read, so its provenance is not in");
          imgs.add(ie);
          continue;
        }
        progress.accept("reading the signature and provenance of " + image);
        ImageVerifyResult r =
            ImageVerifier.create(clock)
                .verify(
                    ImageVerifyRequest.of(
                            ref,
                            trust,
                            new ImageVerifyRequest.Source.Registry(
                                Objects.requireNonNull(request.registry())))
                        .withSaveBundle(tmp.resolve(bdir)));
        switch (r) {
          case ImageVerifyResult.Verified v -> {
            ImageVerifyResult.Build b = v.build();
            ie.put("bundle", bdir);
            ie.put("repository", b.repository());
            ie.put("commit", b.commit());
            ie.put("ref", b.ref());
            ie.put("builderId", b.builderId());
            ie.put("measurement", b.measurement() == null ? null : b.measurement().toString());
            ie.put("finishedOn", b.finishedOn().toString());
            saved++;
          }
          case ImageVerifyResult.NotVerified n -> {
            ie.put("bundle", null);
            ie.put("exportFailure", n.link() + ": " + n.message());
            warnings.add("image " + image + " did not verify: " + n.link() + ": " + n.message());
          }
        }
        imgs.add(ie);
      }
      m.put("images", imgs);

      progress.accept("writing the summary and the manifest");
      write(tmp.resolve(SUMMARY), Summary.render(tmp, m).getBytes(StandardCharsets.UTF_8));
      m.put("files", digests(tmp));
      byte[] manifest = Json.pretty(m).getBytes(StandardCharsets.UTF_8);
      write(tmp.resolve(MANIFEST), manifest);
      syncTree(tmp);
      try {
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new CairnException(
            "cannot rename " + tmp + " to " + out + " in one step: " + e.getMessage(),
            "write the bundle on a local file system",
            e);
      }
      syncDir(parent);
      done = true;
      return new Exported(
          out, cluster, Digest.sha256(manifest), certs.size(), revisions, saved, warnings);
    } catch (IOException e) {
      throw new CairnException(
          "cannot write the audit bundle " + out + ": " + e.getMessage(),
          "check that the directory is writable and has room",
          e);
    } finally {
      if (!done) {
        deleteTree(tmp);
      }
    }
  }

  private static Map<Digest, Path> findCertificates(
      CairnHome home, ExportRequest request, Set<Digest> wanted) throws IOException {
    List<Path> candidates = new ArrayList<>();
    for (Path p : request.certificateSources()) {
      if (Files.isDirectory(p)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, "*.cert.json")) {
          List<Path> sorted = new ArrayList<>();
          ds.forEach(sorted::add);
          sorted.sort(null);
          candidates.addAll(sorted);
        }
      } else if (Files.isRegularFile(p)) {
        candidates.add(p);
      }
    }
    for (String t : targetNames(home)) {
      try {
        Targets.load(home, t).map(TargetConfig::certificate).ifPresent(candidates::add);
      } catch (CairnException e) {
        // an unreadable target is reported where its deployments are read
      }
    }
    Map<Digest, Path> found = new LinkedHashMap<>();
    for (Path p : candidates) {
      if (!Files.isRegularFile(p)) {
        continue;
      }
      try {
        CertificateBundle b = CertificateBundle.parse(Files.readString(p), p.toString());
        Digest d = b.envelope().digest();
        if (wanted.contains(d)) {
          found.putIfAbsent(d, p.toAbsolutePath().normalize());
        }
      } catch (CairnException e) {
        // not a certificate file: not this cluster's evidence
      }
    }
    return found;
  }

  private static Path reportFor(Path cert) {
    String n = Objects.requireNonNull(cert.getFileName()).toString();
    String base = n.endsWith(".cert.json") ? n.substring(0, n.length() - 10) : n;
    return cert.resolveSibling(base + ".report.json");
  }

  private static @Nullable Checkpoint currentCheckpoint(CairnHome home) throws CairnException {
    try {
      if (!Ledgers.exists(Ledgers.EMBEDDED, LedgerOptions.reading(home))) {
        return null;
      }
      try (Ledger l = Ledgers.open(Ledgers.EMBEDDED, LedgerOptions.reading(home))) {
        return l instanceof TransparencyLog t ? t.checkpoint() : null;
      }
    } catch (LedgerException e) {
      throw new CairnException(
          "cannot read the embedded log: " + e.getMessage(), e.hint().orElse(null), e);
    }
  }

  private static List<String> targetNames(CairnHome home) throws IOException {
    Path dir = home.dir("deploy").resolve("targets");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory)
          .map(p -> Objects.requireNonNull(p.getFileName()).toString())
          .filter(TargetConfig::validName)
          .sorted()
          .toList();
    }
  }

  /** The targets whose certificate is one of the cluster's (the cluster they deploy to). */
  private static List<TargetConfig> targetsOf(
      CairnHome home, Digest cluster, Set<Digest> certificates) throws IOException {
    List<TargetConfig> out = new ArrayList<>();
    for (String name : targetNames(home)) {
      TargetConfig t;
      try {
        t = Targets.load(home, name).orElse(null);
      } catch (CairnException e) {
        continue;
      }
      if (t == null || t.certificate() == null) {
        continue;
      }
      Path f = Objects.requireNonNull(t.certificate());
      if (!Files.isRegularFile(f)) {
        continue;
      }
      try {
        CertificateBundle b = CertificateBundle.parse(Files.readString(f), f.toString());
        if (certificates.contains(b.envelope().digest())
            || Certificate.parse(b.envelope().payload()).clusterId().equals(cluster)) {
          out.add(t);
        }
      } catch (CairnException e) {
        // a target whose certificate cannot be read deploys to no cluster we can name
      }
    }
    return out;
  }

  private static Map<String, Object> targetDocument(TargetConfig t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", t.name());
    m.put("namespace", t.namespace());
    m.put("frameworks", t.frameworks());
    m.put("allowedRepositories", t.allowedRepositories());
    m.put("allowedBranches", t.allowedBranches());
    m.put("requireCertificate", t.requireCertificate());
    return m;
  }

  private static Map<String, Object> revisionDocument(Revision r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rev", r.rev());
    m.put("kind", r.kind());
    m.put("commit", r.commit());
    m.put("images", r.images());
    m.put("time", r.time().toString());
    m.put("who", r.who());
    m.put("gate", r.gate());
    m.put("outcome", r.outcome().wire());
    m.put("reason", r.reason());
    m.put("restored", r.restored());
    return m;
  }

  // ---------------------------------------------------------------------------------- verify

  /**
   * Verifies the bundle offline, as of {@code at}, against its own trust root; see {@link
   * #verify(Path, Instant, Path)}.
   */
  public AuditVerification verify(Path bundle, Instant at) {
    return verify(bundle, at, null);
  }

  /**
   * Verifies the bundle offline: every file against the manifest (none missing, none extra), the
   * trust root, the checkpoint's signature, each certificate (cairn-certify's verification, with
   * its revocation judged from its proof against the bundle's checkpoint; one that expired before
   * {@code at} is judged at its last valid instant and reported as expired), each report's digest
   * against its certificate, each image's signature and provenance (cairn-supplychain's
   * verification of the saved OCI layout), that every deployed image has them, and that the summary
   * says what the files say. Fails closed: anything unreadable is a failure, never a pass.
   *
   * @param trustRoot the verifier's own trust root (null: the bundle's {@code trust.json})
   */
  public AuditVerification verify(Path bundle, Instant at, @Nullable Path trustRoot) {
    Check c = new Check(bundle, at, trustRoot);
    c.run();
    return c.result();
  }

  /** One verification's state. */
  private static final class Check {
    final Path dir;
    final Instant at;
    final @Nullable Path givenTrust;
    final List<AuditVerification.Failure> failures = new ArrayList<>();
    final List<AuditVerification.CertificateStanding> certs = new ArrayList<>();
    final List<AuditVerification.ImageStanding> images = new ArrayList<>();
    @Nullable String cluster;
    @Nullable String manifestDigest;
    @Nullable String trustDigest;
    @Nullable String checkpointName;
    int revisions;

    Check(Path dir, Instant at, @Nullable Path givenTrust) {
      this.dir = dir.toAbsolutePath().normalize();
      this.at = at;
      this.givenTrust = givenTrust;
    }

    AuditVerification result() {
      return new AuditVerification(
          dir,
          cluster,
          manifestDigest,
          trustDigest,
          givenTrust == null ? "bundle" : "given",
          checkpointName,
          certs,
          revisions,
          images,
          failures);
    }

    void fail(String link, String subject, String message) {
      failures.add(new AuditVerification.Failure(link, subject, message));
    }

    void run() {
      Path mf = dir.resolve(MANIFEST);
      if (!Files.isDirectory(dir)) {
        fail("missing file", dir.toString(), "there is no bundle directory " + dir);
        return;
      }
      if (!Files.isRegularFile(mf, LinkOption.NOFOLLOW_LINKS)) {
        fail("missing file", MANIFEST, "the bundle has no manifest " + mf);
        return;
      }
      Map<String, Object> m;
      try {
        byte[] raw = Files.readAllBytes(mf);
        manifestDigest = Digest.sha256(raw).toString();
        m = Json.parseObject(new String(raw, StandardCharsets.UTF_8));
      } catch (IOException e) {
        fail("manifest", MANIFEST, "cannot be read: " + e.getMessage());
        return;
      }
      if (!MEDIA_TYPE.equals(m.get("mediaType"))) {
        fail(
            "manifest",
            MANIFEST,
            "mediaType is " + m.get("mediaType") + ", not " + MEDIA_TYPE + " (another version?)");
        return;
      }
      cluster = m.get("cluster") instanceof String s ? s : null;
      if (!checkFiles(m)) {
        // the file list itself is unreadable: nothing it names can be trusted
        return;
      }
      TrustRoot trust = trustRoot(m);
      Checkpoint checkpoint = checkpoint(m, trust);
      certificates(m, trust, checkpoint);
      Set<String> withProvenance = images(m, trust);
      deployments(m, withProvenance);
      summary(m);
    }

    /** Every listed file there with its digest, nothing unlisted. False if the list is unusable. */
    boolean checkFiles(Map<String, Object> m) {
      if (!(m.get("files") instanceof Map<?, ?> files)) {
        fail("manifest", MANIFEST, "has no files list");
        return false;
      }
      Map<String, String> listed = new TreeMap<>();
      for (Map.Entry<?, ?> e : files.entrySet()) {
        String name = String.valueOf(e.getKey());
        if (!safe(name) || !(e.getValue() instanceof String d)) {
          fail("manifest", MANIFEST, "lists " + name + ", which is not a file inside the bundle");
          return false;
        }
        listed.put(name, d);
      }
      Set<String> present = new TreeSet<>();
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          if (p.equals(dir) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            continue;
          }
          String rel = dir.relativize(p).toString().replace('\\', '/');
          if (rel.equals(MANIFEST)) {
            continue;
          }
          if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            fail(
                "unexpected file",
                rel,
                "is not a regular file (a link?), and the manifest lists none");
            continue;
          }
          present.add(rel);
        }
      } catch (IOException e) {
        fail("manifest", dir.toString(), "cannot list the bundle: " + e.getMessage());
        return false;
      }
      for (Map.Entry<String, String> e : listed.entrySet()) {
        if (!present.contains(e.getKey())) {
          fail(
              "missing file", e.getKey(), "the manifest lists it, and the bundle does not hold it");
          continue;
        }
        try (var in = Files.newInputStream(dir.resolve(e.getKey()))) {
          String d = Digest.sha256(in).toString();
          if (!d.equals(e.getValue())) {
            fail(
                "manifest digest",
                e.getKey(),
                "its SHA-256 is " + d + ", and the manifest lists " + e.getValue() + " (altered?)");
          }
        } catch (IOException ex) {
          fail("manifest digest", e.getKey(), "cannot be read: " + ex.getMessage());
        }
      }
      for (String p : present) {
        if (!listed.containsKey(p)) {
          fail("unexpected file", p, "the bundle holds it, and the manifest does not list it");
        }
      }
      return true;
    }

    @Nullable TrustRoot trustRoot(Map<String, Object> m) {
      Path bundled = dir.resolve(TRUST);
      try {
        Map<?, ?> tr = Summary.map(m.get("trustRoot"));
        byte[] own = Files.readAllBytes(bundled);
        if (!Digest.sha256(own).toString().equals(tr.get("digest"))) {
          fail(
              "trust root",
              TRUST,
              "is not the trust root the manifest names (" + tr.get("digest") + ")");
        }
        Path use = givenTrust != null ? givenTrust : bundled;
        byte[] raw = givenTrust != null ? Files.readAllBytes(givenTrust) : own;
        trustDigest = Digest.sha256(raw).toString();
        TrustRoot t = TrustRoot.parse(new String(raw, StandardCharsets.UTF_8));
        trustFile = use;
        return t;
      } catch (IOException e) {
        fail("trust root", TRUST, "cannot be read: " + e.getMessage());
      } catch (CairnException e) {
        fail(
            "trust root",
            givenTrust != null ? givenTrust.toString() : TRUST,
            String.valueOf(e.getMessage()));
      }
      return null;
    }

    @Nullable Path trustFile;

    @Nullable Checkpoint checkpoint(Map<String, Object> m, @Nullable TrustRoot trust) {
      if (!(m.get("checkpoint") instanceof Map<?, ?> cp)) {
        return null;
      }
      String file = String.valueOf(cp.get("file"));
      if (!safe(file)) {
        fail("manifest", MANIFEST, "names checkpoint " + file + ", which is not inside the bundle");
        return null;
      }
      try {
        String note = Files.readString(dir.resolve(file));
        Checkpoint c = Checkpoint.parse(note);
        checkpointName = c.origin() + "@" + c.size();
        if (!c.origin().equals(cp.get("origin"))
            || !(cp.get("size") instanceof Number n)
            || n.longValue() != c.size()) {
          fail(
              "checkpoint",
              file,
              "is of "
                  + checkpointName
                  + ", and the manifest says "
                  + cp.get("origin")
                  + "@"
                  + cp.get("size"));
        }
        if (trust != null) {
          List<String> tried = new ArrayList<>();
          boolean signed = false;
          for (TrustRoot.LogKey k : trust.trustedAt(TrustRoot.LogKey.class, at)) {
            try {
              NoteSigner.verify(note, k.verifierKey());
              signed = true;
              break;
            } catch (LedgerException e) {
              tried.add(k.verifierKey());
            }
          }
          if (!signed) {
            fail(
                "checkpoint signature",
                file,
                "is not signed by a log key the trust root trusts at "
                    + at
                    + (tried.isEmpty()
                        ? " (it lists none)"
                        : " (" + String.join(", ", tried) + ")"));
          }
        }
        return c;
      } catch (IOException e) {
        fail("checkpoint", file, "cannot be read: " + e.getMessage());
      } catch (LedgerException e) {
        fail("checkpoint", file, "is not a checkpoint: " + e.getMessage());
      }
      return null;
    }

    void certificates(Map<String, Object> m, @Nullable TrustRoot trust, @Nullable Checkpoint cp) {
      List<?> list;
      try {
        list = Summary.list(m.get("certificates"));
      } catch (CairnException e) {
        fail("manifest", MANIFEST, "certificates: " + e.getMessage());
        return;
      }
      Path empty = null;
      try {
        empty = Files.createTempDirectory("cairn-audit-verify-");
        for (Object o : list) {
          certificate(o, trust, cp, CairnHome.of(empty));
        }
      } catch (IOException e) {
        fail("certificate", MANIFEST, "cannot verify: " + e.getMessage());
      } finally {
        if (empty != null) {
          deleteTree(empty);
        }
      }
    }

    void certificate(Object o, @Nullable TrustRoot trust, @Nullable Checkpoint cp, CairnHome none) {
      String file = "?";
      try {
        Map<?, ?> e = Summary.map(o);
        file = String.valueOf(e.get("file"));
        String name = String.valueOf(e.get("certificate"));
        if (!safe(file)) {
          fail(
              "manifest",
              MANIFEST,
              "names certificate " + file + ", which is not inside the bundle");
          return;
        }
        CertificateBundle b;
        Certificate c;
        try {
          b = CertificateBundle.parse(Files.readString(dir.resolve(file)), file);
          c = Certificate.parse(b.envelope().payload());
        } catch (IOException | CairnException ex) {
          fail("certificate", file, "cannot be read: " + ex.getMessage());
          certs.add(
              new AuditVerification.CertificateStanding(
                  name, file, "broken", "unreadable", List.of()));
          return;
        }
        if (!b.envelope().digest().toString().equals(name)) {
          fail(
              "certificate",
              file,
              "is certificate " + b.envelope().digest() + ", and the manifest names " + name);
        }
        if (cluster != null && !c.clusterId().toString().equals(cluster)) {
          fail(
              "certificate",
              file,
              "is for cluster " + c.clusterId() + ", not the bundle's " + cluster);
        }
        // its scan report, by the digest the signed statement names
        if (e.get("report") != null) {
          String rf = String.valueOf(e.get("report"));
          if (safe(rf) && Files.isRegularFile(dir.resolve(rf))) {
            Digest d = Digest.sha256(Files.readAllBytes(dir.resolve(rf)));
            if (!d.equals(c.reportDigest())) {
              fail(
                  "report",
                  rf,
                  "its digest is "
                      + d
                      + ", and the certificate names the report "
                      + c.reportDigest());
            }
          } else {
            fail("report", rf, "the manifest names it, and the bundle does not hold it");
          }
        }
        // revocation as of the bundle's checkpoint
        RevocationProof rp = b.revocationProof();
        if (b.chain() == null) {
          if (rp == null) {
            fail(
                "revocation",
                file,
                "carries no revocation proof, so its revocation cannot be judged offline");
          } else if (cp != null) {
            try {
              Checkpoint pc = Checkpoint.parse(rp.checkpoint());
              if (pc.size() != cp.size() || !pc.origin().equals(cp.origin())) {
                fail(
                    "revocation",
                    file,
                    "its revocation proof is against "
                        + pc.origin()
                        + "@"
                        + pc.size()
                        + ", not the bundle's checkpoint "
                        + cp.origin()
                        + "@"
                        + cp.size());
              }
            } catch (LedgerException ex) {
              fail(
                  "revocation",
                  file,
                  "its revocation proof's checkpoint is unreadable: " + ex.getMessage());
            }
          }
        }
        if (trust == null || trustFile == null) {
          certs.add(
              new AuditVerification.CertificateStanding(
                  name, file, "broken", "no trust root", List.of()));
          return;
        }
        boolean expired = !at.isBefore(c.expiresAt());
        Instant when = expired ? c.expiresAt().minus(Duration.ofSeconds(1)) : at;
        VerifyResult r;
        try {
          r =
              Verifier.create(none, Clock.fixed(when, ZoneOffset.UTC))
                  .verify(
                      VerifyRequest.of(b)
                          .withTrustRoot(trustFile)
                          .withLedger(new VerifyRequest.LedgerChoice.Offline()));
        } catch (CertifyException ex) {
          fail("certificate", file, String.valueOf(ex.getMessage()));
          certs.add(
              new AuditVerification.CertificateStanding(
                  name, file, "broken", String.valueOf(ex.getMessage()), List.of()));
          return;
        }
        boolean manifestRevoked = Boolean.TRUE.equals(e.get("revoked"));
        switch (r) {
          case VerifyResult.Verified v -> {
            if (manifestRevoked) {
              fail(
                  "revocation",
                  file,
                  "the manifest says revoked, and its revocation proof says not");
            }
            certs.add(
                new AuditVerification.CertificateStanding(
                    name,
                    file,
                    expired ? "expired" : "valid",
                    expired ? "valid until " + c.expiresAt() : "valid until " + c.expiresAt(),
                    v.links()));
          }
          case VerifyResult.NotVerified n -> {
            if (n.link().equals("revocation") && n.message().startsWith("revoked at ")) {
              if (!manifestRevoked) {
                fail(
                    "revocation",
                    file,
                    "the manifest says not revoked, and its proof says " + n.message());
              }
              certs.add(
                  new AuditVerification.CertificateStanding(
                      name, file, "revoked", n.message(), List.of()));
            } else if (n.link().equals("ledger record") && b.chain() != null) {
              fail(
                  "ledger record",
                  file,
                  "recorded on "
                      + b.ledger()
                      + ": a chain record is verified on the chain,"
                      + " which an offline bundle does not hold (cairn verify the certificate with"
                      + " --ledger)");
              certs.add(
                  new AuditVerification.CertificateStanding(
                      name, file, "broken", n.message(), List.of()));
            } else {
              fail(n.link(), file, n.message());
              certs.add(
                  new AuditVerification.CertificateStanding(
                      name, file, "broken", n.link() + ": " + n.message(), List.of()));
            }
          }
        }
      } catch (IOException | CairnException ex) {
        fail("certificate", file, "cannot be verified: " + ex.getMessage());
      }
    }

    /** Verifies each image's saved evidence; returns the images whose provenance verified. */
    Set<String> images(Map<String, Object> m, @Nullable TrustRoot trust) {
      Set<String> ok = new LinkedHashSet<>();
      List<?> list;
      try {
        list = Summary.list(m.get("images"));
      } catch (CairnException e) {
        fail("manifest", MANIFEST, "images: " + e.getMessage());
        return ok;
      }
      for (Object o : list) {
        String image = "?";
        try {
          Map<?, ?> e = Summary.map(o);
          image = String.valueOf(e.get("image"));
          Object bd = e.get("bundle");
          if (bd == null) {
            fail(
                "provenance",
                image,
                "the bundle holds no signature or provenance of it: " + e.get("exportFailure"));
            images.add(new AuditVerification.ImageStanding(image, false, null, null));
            continue;
          }
          String bdir = String.valueOf(bd);
          if (!safe(bdir)) {
            fail(
                "manifest",
                MANIFEST,
                "names image bundle " + bdir + ", which is not inside the bundle");
            continue;
          }
          if (trust == null) {
            images.add(new AuditVerification.ImageStanding(image, false, null, null));
            continue;
          }
          ImageVerifyResult r =
              ImageVerifier.create(Clock.fixed(at, ZoneOffset.UTC))
                  .verify(
                      ImageVerifyRequest.of(
                          ImageRef.parse(image),
                          trust,
                          new ImageVerifyRequest.Source.Bundle(dir.resolve(bdir))));
          switch (r) {
            case ImageVerifyResult.Verified v -> {
              ImageVerifyResult.Build b = v.build();
              List<String> differ = new ArrayList<>();
              same(differ, "repository", e.get("repository"), b.repository());
              same(differ, "commit", e.get("commit"), b.commit());
              same(differ, "ref", e.get("ref"), b.ref());
              same(differ, "builderId", e.get("builderId"), b.builderId());
              same(
                  differ,
                  "measurement",
                  e.get("measurement"),
                  b.measurement() == null ? null : b.measurement().toString());
              same(differ, "finishedOn", e.get("finishedOn"), b.finishedOn().toString());
              if (!differ.isEmpty()) {
                fail(
                    "provenance",
                    bdir,
                    "the manifest says another build than the signed provenance: "
                        + String.join("; ", differ));
              }
              ok.add(image);
              images.add(
                  new AuditVerification.ImageStanding(image, true, b.repository(), b.commit()));
            }
            case ImageVerifyResult.NotVerified n -> {
              fail(n.link(), bdir, n.message());
              images.add(new AuditVerification.ImageStanding(image, false, null, null));
            }
          }
        } catch (CairnException ex) {
          fail("provenance", image, "cannot be verified: " + ex.getMessage());
        }
      }
      return ok;
    }

    private static void same(
        List<String> differ, String what, @Nullable Object manifest, @Nullable String signed) {
      String a = manifest == null ? null : String.valueOf(manifest);
      if (!Objects.equals(a, signed)) {
        differ.add(what + " " + a + " in the manifest, " + signed + " signed");
      }
    }

    void deployments(Map<String, Object> m, Set<String> withProvenance) {
      try {
        for (Object o : Summary.list(m.get("deployments"))) {
          Map<?, ?> d = Summary.map(o);
          String hf = String.valueOf(d.get("history"));
          String tf = String.valueOf(d.get("target"));
          if (!safe(hf) || !safe(tf)) {
            fail("manifest", MANIFEST, "names deployments outside the bundle: " + hf + ", " + tf);
            continue;
          }
          List<?> revs;
          try {
            Json.parseObject(Files.readString(dir.resolve(tf)));
            revs = Summary.list(Json.parse(Files.readString(dir.resolve(hf))));
          } catch (IOException | CairnException e) {
            fail("deployments", hf, "cannot be read: " + e.getMessage());
            continue;
          }
          for (Object ro : revs) {
            Map<?, ?> r = Summary.map(ro);
            revisions++;
            for (Object img : Summary.list(r.get("images"))) {
              String image = String.valueOf(img);
              if (!withProvenance.contains(image)) {
                fail(
                    "provenance",
                    image,
                    "deployed in rev "
                        + r.get("rev")
                        + " ("
                        + hf
                        + "), and the bundle holds no verified provenance of it");
              }
            }
          }
        }
      } catch (CairnException e) {
        fail("manifest", MANIFEST, "deployments: " + e.getMessage());
      }
    }

    void summary(Map<String, Object> m) {
      Map<String, Object> content = new LinkedHashMap<>(m);
      content.remove("files");
      try {
        String expected = Summary.render(dir, content);
        String actual = Files.readString(dir.resolve(SUMMARY));
        if (!expected.equals(actual)) {
          fail(
              "summary",
              SUMMARY,
              "does not say what the bundle's files say (altered, or written from other files)");
        }
      } catch (IOException | CairnException e) {
        fail("summary", SUMMARY, "cannot be checked against the files: " + e.getMessage());
      }
    }
  }

  /** A relative path that stays inside the bundle. */
  static boolean safe(String rel) {
    if (rel.isEmpty() || rel.startsWith("/") || rel.contains("\\") || rel.contains("\0")) {
      return false;
    }
    for (String part : rel.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static void write(Path file, byte[] data) throws IOException {
    Files.createDirectories(Objects.requireNonNull(file.getParent()));
    Files.write(file, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  /** {@code path -> sha256:…} of every file under {@code dir}, sorted by path. */
  private static Map<String, Object> digests(Path dir) throws IOException {
    Map<String, Object> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          String rel = dir.relativize(p).toString().replace('\\', '/');
          try (var in = Files.newInputStream(p)) {
            out.put(rel, Digest.sha256(in).toString());
          }
        }
      }
    }
    return out;
  }

  private static void syncTree(Path dir) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = s.toList();
    }
    for (Path p : all.reversed()) {
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.WRITE)) {
          c.force(true);
        }
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        syncDir(p);
      }
    }
  }

  private static void syncDir(Path dir) {
    try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory; the rename is still atomic
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a temporary directory left behind is named as one
    }
  }
}
