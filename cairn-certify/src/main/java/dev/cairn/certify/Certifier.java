package dev.cairn.certify;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.MeasuredJvm;
import dev.cairn.attest.PublishedTrust;
import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.certify.internal.CertifyWorkload;
import dev.cairn.certify.internal.EmbeddedAttestation;
import dev.cairn.certify.internal.Protocol;
import dev.cairn.certify.internal.TrustStore;
import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Dsse;
import dev.cairn.core.Keys;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.LedgerReceipt;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.RegistryView;
import dev.cairn.ledger.TransparencyLog;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.Framework;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Certifies clusters: runs the scanner as a measured workload in a TEE, attests it to the
 * attestation service (the embedded one in Cairn's home, or a team's), and when every check passes
 * records the certificate it signed on the ledger, grows the trust root and writes the certificate.
 * Thread-safe; each call is independent.
 */
public final class Certifier {
  private final CairnHome home;
  private final Clock clock;
  private final List<Path> workloadClassPath;
  private final Map<String, String> workloadEnvironment;

  private Certifier(
      CairnHome home,
      Clock clock,
      List<Path> workloadClassPath,
      Map<String, String> workloadEnvironment) {
    this.home = home;
    this.clock = clock;
    this.workloadClassPath = List.copyOf(workloadClassPath);
    this.workloadEnvironment = Map.copyOf(workloadEnvironment);
  }

  /**
   * A certifier keeping its state in {@code home}; the workload runs on this process's class path.
   */
  public static Certifier create(CairnHome home, Clock clock) {
    return new Certifier(home, clock, MeasuredJvm.currentClassPath(), Map.of());
  }

  /**
   * This certifier with the workload on {@code classPath} (another build of Cairn is another
   * measurement).
   */
  public Certifier withWorkloadClassPath(List<Path> classPath) {
    return new Certifier(home, clock, classPath, workloadEnvironment);
  }

  /**
   * This certifier passing {@code env} to the workload (e.g. {@code CAIRN_TRACE}); never secrets.
   */
  public Certifier withWorkloadEnvironment(Map<String, String> env) {
    return new Certifier(home, clock, workloadClassPath, env);
  }

  public CairnHome home() {
    return home;
  }

  /** The TEE the workload runs in. */
  public TeeProvider tee() {
    return Tees.simulation(home, clock);
  }

  /** What the TEE measures for this certifier's workload. */
  public Digest measurement() throws CertifyException {
    try {
      return tee().measure(spec());
    } catch (AttestationException e) {
      throw new CertifyException(
          CertifyException.Reason.WORKLOAD,
          String.valueOf(e.getMessage()),
          e.hint().orElse(null),
          e);
    }
  }

  private dev.cairn.attest.LaunchSpec spec() {
    return MeasuredJvm.spec(
        workloadClassPath, Checks.builtinPackDigest(), EmbeddedAttestation.WORKLOAD_COMMAND);
  }

  /**
   * What the embedded attestation service publishes for this certifier's workload, approving its
   * measurement first if needed (a new policy version, reported to {@code listener}).
   */
  public PublishedTrust embeddedTrust(CertifyListener listener) throws CertifyException {
    return published(openEmbedded(tee(), measurement(), listener));
  }

  /** Certifies {@code request}'s target. */
  public CertifyResult certify(CertifyRequest request, CertifyListener listener)
      throws CertifyException {
    long t0 = System.nanoTime();
    checkInputs(request);
    // a team's service is asked first: its policy bounds the lifetime, before anything is scanned
    URI service = request.attestationService();
    PublishedTrust remote = service == null ? null : remote(service);
    checkLifetime(request, remote);
    checkPinnedLog(request);
    listener.on(new CertifyEvent.Phase("checked the request"));
    Path certFile = request.certificateFile();
    Path outDir =
        Objects.requireNonNull(
            (certFile != null ? certFile : Path.of("x")).toAbsolutePath().getParent());
    Path reportTmp;
    try {
      Files.createDirectories(outDir);
      reportTmp = Files.createTempFile(outDir, ".cairn-report", ".tmp");
    } catch (IOException e) {
      throw new CertifyException(
          CertifyException.Reason.INPUT,
          "cannot write to " + outDir + ": " + e.getMessage(),
          "choose another place for the certificate",
          e);
    }
    try {
      return certify(request, remote, listener, reportTmp, t0);
    } finally {
      try {
        Files.deleteIfExists(reportTmp);
      } catch (IOException e) {
        // a stray temp file only
      }
    }
  }

  /**
   * What can be checked before anything is created in Cairn's home (attestation state, an approved
   * measurement, a report): that the snapshot is one, that the kubeconfig exists.
   */
  private static void checkInputs(CertifyRequest r) throws CertifyException {
    if (r.target() instanceof Target.Snapshot s && !Files.isRegularFile(s.file())) {
      throw new CertifyException(
          CertifyException.Reason.INPUT, "no snapshot " + s.file(), "check the path");
    }
    if (r.target() instanceof Target.Snapshot s) {
      try {
        dev.cairn.scanner.Snapshots.read(s.file());
      } catch (dev.cairn.core.CairnException e) {
        throw new CertifyException(
            CertifyException.Reason.INPUT,
            String.valueOf(e.getMessage()),
            e.hint().orElse(null),
            e);
      }
    }
    if (r.target() instanceof Target.Live l && !Files.isRegularFile(l.kubeconfig())) {
      throw new CertifyException(
          CertifyException.Reason.INPUT, "no kubeconfig " + l.kubeconfig(), "check the path");
    }
  }

  /**
   * The lifetime asked for must be within the attestation policy's maximum ({@link
   * dev.cairn.attest.Policy#maxLifetime}): checked here before anything is scanned or approved, and
   * again by the measured workload, which signs nothing beyond it.
   */
  private void checkLifetime(CertifyRequest request, @Nullable PublishedTrust remote)
      throws CertifyException {
    Duration max;
    String whose;
    if (remote != null) {
      max = remote.maxValidity();
      whose = "attestation policy " + remote.session() + " v" + remote.policyVersion();
    } else {
      try {
        java.util.Optional<dev.cairn.attest.Policy> installed =
            AttestationService.installedPolicy(home.attestation(), EmbeddedAttestation.SESSION);
        max = EmbeddedAttestation.maxLifetime(home);
        whose =
            installed
                .map(p -> "attestation policy " + p.name() + " v" + p.version())
                .orElse("the embedded attestation policy");
      } catch (AttestationException e) {
        throw attestationError(e);
      }
    }
    if (request.validity().compareTo(max) > 0) {
      throw new CertifyException(
          CertifyException.Reason.INPUT,
          "a certificate lifetime of "
              + lifetime(request.validity())
              + " is beyond the maximum of "
              + lifetime(max)
              + " that "
              + whose
              + " allows",
          "ask for " + lifetime(max) + " or less, or raise maxValidityDays in the policy",
          dev.cairn.core.Fix.of("certify.max-validity", "days", Long.toString(max.toDays())),
          null);
    }
  }

  private static String lifetime(Duration d) {
    if (d.toSeconds() % 86_400 == 0) {
      return d.toDays() + (d.toDays() == 1 ? " day" : " days");
    }
    return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
  }

  /**
   * The embedded log the trust root pins must be there: a removed log would start again from
   * nothing, with the revocations it held gone.
   */
  private void checkPinnedLog(CertifyRequest request) throws CertifyException {
    if (!Ledgers.isEmbedded(request.ledger()) || Files.isDirectory(home.ledger())) {
      return;
    }
    TrustRoot trust;
    try {
      trust = TrustStore.read(home.trustRoot()).orElse(null);
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.STATE, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
    }
    if (trust != null && !trust.checkpoints().isEmpty()) {
      dev.cairn.ledger.Checkpoint pin = trust.checkpoints().get(0);
      throw new CertifyException(
          CertifyException.Reason.LEDGER,
          "there is no embedded log in "
              + home.ledger()
              + ", but the trust root pins its checkpoint at size "
              + pin.size()
              + ": it was removed; nothing was scanned",
          "restore the log directory from a backup");
    }
  }

  private CertifyResult certify(
      CertifyRequest request,
      @Nullable PublishedTrust remote,
      CertifyListener listener,
      Path reportTmp,
      long t0)
      throws CertifyException {
    Path certFile = request.certificateFile();
    String locator =
        certFile == null ? "" : Objects.requireNonNull(certFile.getFileName()).toString();
    List<String> frameworks = request.frameworks().stream().map(Framework::id).sorted().toList();
    boolean snapshot = request.target() instanceof Target.Snapshot;
    Protocol.Task task =
        new Protocol.Task(
            home.root().toString(),
            snapshot ? "snapshot" : "live",
            switch (request.target()) {
              case Target.Snapshot s -> s.file().toString();
              case Target.Live l -> l.kubeconfig().toString();
            },
            frameworks,
            request.pssVersion().toString(),
            request.validity().toSeconds(),
            reportTmp.toString(),
            request.ledger().toString(),
            request.confirmations(),
            locator);
    Set<String> passEnv = new HashSet<>(ledgerEnvironment(request));
    Map<String, String> env = new HashMap<>(workloadEnvironment);
    env.put("CAIRN_HOME", home.root().toString());
    TeeProvider tee = tee();
    MeasuredJvm.Launch launch =
        new MeasuredJvm.Launch(
            spec(),
            CertifyWorkload.class.getName(),
            List.of(Protocol.encode(task)),
            passEnv,
            env,
            home.simulation().resolve("cds"));
    Protocol.Outcome outcome;
    PublishedTrust published;
    Instant publishedAt;
    String issuer;
    MeasuredJvm.Running workload = start(tee, launch);
    try (workload) {
      Digest measurement = workload.measurement();
      listener.on(new CertifyEvent.Phase("measured and launched the workload"));
      AttestationService cas = null;
      if (request.attestationService() == null) {
        cas = openEmbedded(tee, measurement, listener);
        published = published(cas);
      } else {
        published = Objects.requireNonNull(remote);
      }
      // the service publishes these keys from now on: what it signs from here is covered
      publishedAt = clock.instant();
      listener.on(new CertifyEvent.Phase("opened the attestation service"));
      issuer = checkLedger(request, published);
      try (AttestationHttp http = cas == null ? null : serve(cas)) {
        String attest =
            http == null
                ? Objects.requireNonNull(request.attestationService()).toString()
                : http.uri().toString();
        send(
            workload,
            new Protocol.Instructions(
                attest,
                EmbeddedAttestation.SESSION,
                EmbeddedAttestation.SERVICE,
                published.policy(),
                java.util.Base64.getEncoder().encodeToString(published.signingKey())));
        listener.on(new CertifyEvent.Phase("serving; told the workload where to attest"));
        outcome = read(workload.process());
        listener.on(new CertifyEvent.Phase("workload done"));
      }
      workload.finish(!(outcome instanceof Protocol.Error));
      if (!tee.hardwareBacked()) {
        listener.on(new CertifyEvent.Simulation(tee.name(), measurement));
      }
    }
    return switch (outcome) {
      case Protocol.Error e ->
          throw new CertifyException(
              CertifyException.Reason.SCAN,
              "the measured scanner failed: " + e.message(),
              "scan the same target without certifying to see why",
              dev.cairn.core.Fix.of("certify.scan-alone"),
              null);
      case Protocol.Failed f -> refused(request, f, reportTmp);
      case Protocol.NothingJudged n -> throw nothingJudged(request, n);
      case Protocol.Issued i ->
          issued(request, i, published, publishedAt, issuer, reportTmp, locator, t0, listener);
    };
  }

  private static CertifyException nothingJudged(CertifyRequest request, Protocol.NothingJudged n) {
    String target =
        switch (request.target()) {
          case Target.Snapshot s -> "snapshot " + s.file();
          case Target.Live l -> "the cluster";
        };
    String checks = n.checks() + (n.checks() == 1 ? " chosen check" : " chosen checks");
    return new CertifyException(
        CertifyException.Reason.NOTHING_JUDGED,
        "nothing to certify: "
            + (n.objects() == 0
                ? target + " holds no objects, so none of the " + checks + " applies"
                : "none of the "
                    + n.objects()
                    + (n.objects() == 1 ? " object" : " objects")
                    + " in "
                    + target
                    + " is of a kind the "
                    + checks
                    + " judge (every check was not applicable)"),
        "certify a snapshot or cluster that holds its workloads, or choose frameworks whose checks"
            + " judge what it holds",
        dev.cairn.core.Fix.of("certify.nothing-judged"),
        null);
  }

  private Set<String> ledgerEnvironment(CertifyRequest request) throws CertifyException {
    try {
      return Ledgers.environment(request.ledger());
    } catch (LedgerException e) {
      throw ledgerError(e);
    }
  }

  private static MeasuredJvm.Running start(TeeProvider tee, MeasuredJvm.Launch launch)
      throws CertifyException {
    try {
      return MeasuredJvm.start(tee, launch);
    } catch (AttestationException e) {
      throw new CertifyException(
          CertifyException.Reason.WORKLOAD,
          String.valueOf(e.getMessage()),
          e.hint().orElse(null),
          e);
    }
  }

  private AttestationService openEmbedded(
      TeeProvider tee, Digest measurement, CertifyListener listener) throws CertifyException {
    try {
      return EmbeddedAttestation.open(
          home,
          tee,
          clock,
          measurement,
          v -> listener.on(new CertifyEvent.MeasurementApproved(measurement, v)));
    } catch (AttestationException e) {
      throw attestationError(e);
    }
  }

  private static PublishedTrust published(AttestationService cas) throws CertifyException {
    try {
      return cas.published(
          EmbeddedAttestation.SESSION,
          EmbeddedAttestation.SERVICE,
          EmbeddedAttestation.SIGNING_SECRET,
          EmbeddedAttestation.LEDGER_SECRET);
    } catch (AttestationException e) {
      throw attestationError(e);
    }
  }

  private static PublishedTrust remote(java.net.URI service) throws CertifyException {
    try {
      return new AttestationHttp.Client(service)
          .trust(
              EmbeddedAttestation.SESSION,
              EmbeddedAttestation.SERVICE,
              EmbeddedAttestation.SIGNING_SECRET,
              EmbeddedAttestation.LEDGER_SECRET);
    } catch (AttestationException e) {
      throw attestationError(e);
    }
  }

  private static AttestationHttp serve(AttestationService cas) throws CertifyException {
    try {
      return AttestationHttp.serve(cas, "127.0.0.1", 0);
    } catch (IOException e) {
      throw new CertifyException(
          CertifyException.Reason.ATTESTATION,
          "cannot serve the embedded attestation service on 127.0.0.1: " + e.getMessage(),
          null,
          e);
    }
  }

  /**
   * Before the workload is told where to attest: a ledger that the workload records on must accept
   * the key the attestation service will release to it. Returns that key's name on the ledger.
   */
  private String checkLedger(CertifyRequest request, PublishedTrust published)
      throws CertifyException {
    try {
      if (!Ledgers.needsSigner(request.ledger())) {
        return ""; // the certify process records it, with the ledger's own key
      }
    } catch (LedgerException e) {
      throw ledgerError(e);
    }
    try (Ledger ledger = Ledgers.open(request.ledger(), LedgerOptions.reading(home))) {
      if (published.ledgerKey().length == 0) {
        throw new CertifyException(
            CertifyException.Reason.ATTESTATION,
            "the attestation service releases no "
                + ledger.issuerSecret()
                + " to the scanner, so it cannot record on "
                + ledger.describe(),
            "add a secp256k1 secret named "
                + ledger.issuerSecret()
                + " for the scanner to the attestation policy");
      }
      return ledger.checkIssuer(published.ledgerKey());
    } catch (LedgerException e) {
      throw ledgerError(e);
    }
  }

  private static void send(MeasuredJvm.Running workload, Protocol.Instructions i)
      throws CertifyException {
    try {
      OutputStream to = workload.process().getOutputStream();
      to.write((Protocol.encode(i) + "\n").getBytes(StandardCharsets.UTF_8));
      to.flush();
      to.close();
    } catch (IOException e) {
      // it is gone: say how it ended rather than that a pipe closed
      Process p = workload.process();
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      throw new CertifyException(
          CertifyException.Reason.WORKLOAD,
          "the measured workload ended before it attested"
              + (p.isAlive() ? "" : " (exit " + p.exitValue() + ")")
              + "; its own error is above",
          "trace the run to see how far it got",
          dev.cairn.core.Fix.of("workload.trace"),
          e);
    }
  }

  /** The workload's one result line (it exits by itself right after). */
  private static Protocol.Outcome read(Process p) throws CertifyException {
    try {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("{")) {
          return Protocol.decodeOutcome(line);
        }
      }
      p.waitFor();
      return new Protocol.Error("the workload ended without a result (exit " + p.exitValue() + ")");
    } catch (IOException | IllegalArgumentException e) {
      throw new CertifyException(
          CertifyException.Reason.WORKLOAD,
          "cannot read the measured workload's result: " + e.getMessage(),
          null,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CertifyException(CertifyException.Reason.WORKLOAD, "interrupted", null, e);
    }
  }

  private static Path reportFileFor(Path cert) {
    String n = Objects.requireNonNull(cert.getFileName()).toString();
    String base = n.endsWith(".cert.json") ? n.substring(0, n.length() - ".cert.json".length()) : n;
    return cert.resolveSibling(base + ".report.json");
  }

  private static Path defaultCertificateFile(Digest clusterId) {
    return Path.of("cluster-" + clusterId.hex().substring(0, 12) + ".cert.json");
  }

  private static Path keepReport(Path tmp, Path reportFile) throws CertifyException {
    try {
      Files.move(
          tmp,
          reportFile.toAbsolutePath(),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return reportFile;
    } catch (IOException e) {
      throw new CertifyException(
          CertifyException.Reason.STATE,
          "cannot write the report " + reportFile + ": " + e.getMessage(),
          null,
          e);
    }
  }

  private static CertifyResult refused(CertifyRequest request, Protocol.Failed f, Path tmp)
      throws CertifyException {
    Path cert =
        request.certificateFile() != null
            ? Objects.requireNonNull(request.certificateFile())
            : defaultCertificateFile(f.clusterId());
    Path report = keepReport(tmp, reportFileFor(cert));
    List<CertifyResult.FailedCheck> failed = new ArrayList<>();
    for (Protocol.FailedCheck c : f.failing()) {
      failed.add(new CertifyResult.FailedCheck(c.id(), c.message(), c.objects()));
    }
    return new CertifyResult.Refused(f.clusterId(), report, failed);
  }

  private CertifyResult issued(
      CertifyRequest request,
      Protocol.Issued i,
      PublishedTrust published,
      Instant publishedAt,
      String issuer,
      Path tmp,
      String locatorGiven,
      long t0,
      CertifyListener listener)
      throws CertifyException {
    Path file =
        request.certificateFile() != null
            ? Objects.requireNonNull(request.certificateFile())
            : defaultCertificateFile(i.clusterId());
    String locator =
        locatorGiven.isEmpty()
            ? Objects.requireNonNull(file.getFileName()).toString()
            : locatorGiven;
    Dsse.Envelope env;
    try {
      env = Dsse.parse(i.envelope());
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.INTEGRITY, "the workload's certificate is malformed", null, e);
    }
    // never record a certificate that does not verify with the service's published key
    boolean signed;
    try {
      signed = Dsse.verify(env, Keys.ed25519Public(published.signingKey()));
    } catch (java.security.GeneralSecurityException e) {
      signed = false;
    }
    if (!signed) {
      throw new CertifyException(
          CertifyException.Reason.INTEGRITY,
          "the measured scanner's certificate does not verify with the attestation service's"
              + " published certificate key; nothing was recorded",
          "check the attestation service's policy secrets: it released a key that is not the one"
              + " it publishes");
    }
    Path reportFile = keepReport(tmp, reportFileFor(file));
    CertificateBundle bundle;
    LedgerReceipt receipt;
    String where;
    @Nullable String logKey;
    ChainReceipt chain = i.chain();
    int added;
    try (Ledger ledger = Ledgers.open(request.ledger(), LedgerOptions.writing(home))) {
      TrustRoot trust = TrustStore.read(home.trustRoot()).orElse(null);
      if (chain != null) {
        // the workload recorded it itself, with the key released only to it
        if (!issuer.isEmpty() && !issuer.equalsIgnoreCase(chain.issuer())) {
          throw new CertifyException(
              CertifyException.Reason.INTEGRITY,
              "the certificate was recorded by "
                  + chain.issuer()
                  + ", not by the scanner's key "
                  + issuer,
              null);
        }
        receipt = chain;
      } else {
        if (trust != null) {
          // never append to a log rolled back behind what the trust root has seen of it
          trust.requireConsistent(ledger);
        }
        receipt =
            ledger.issue(
                new LedgerEntry.Issued(
                    i.clusterId(),
                    env.digest(),
                    i.issuedAt(),
                    i.expiresAt(),
                    locator,
                    env.toJson().getBytes(StandardCharsets.UTF_8)));
      }
      bundle = CertificateBundle.of(env, published.signingKey(), receipt, locator, i.issuedAt());
      if (ledger instanceof TransparencyLog log) {
        // the proof, against the checkpoint that covers the certificate (which the trust root
        // pins next), that it is not revoked: so it verifies where the log is not
        bundle = bundle.withRevocationProof(log.revocationProof(env.digest(), -1));
      }
      where = ledger.describe();
      logKey = ledger.checkpointKey().orElse(null);
      if (logKey == null) {
        // the trust root also covers the embedded log, where revocations of this home are kept
        try (Ledger log = Ledgers.open(Ledgers.EMBEDDED, LedgerOptions.writing(home))) {
          logKey = log.checkpointKey().orElse("");
        }
      }
      // grown while the ledger is held: two certifications of one home do not lose an update,
      // and the pin moves to the checkpoint that now covers the certificate
      added =
          TrustStore.grow(
              home,
              published,
              logKey,
              chain,
              // the registry's contract version, as its code says: the pin names it
              ledger instanceof RegistryView r ? r.contractVersion() : 1,
              chain == null ? ledger : null,
              publishedAt);
    } catch (LedgerException e) {
      throw ledgerError(e);
    } catch (CertifyException e) {
      throw e;
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.STATE, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
    }
    if (added > 0) {
      listener.on(new CertifyEvent.TrustRootGrew(home.trustRoot(), added));
    }
    try {
      AtomicFiles.write(file, bundle.toJson());
    } catch (IOException e) {
      throw new CertifyException(
          CertifyException.Reason.STATE,
          "recorded on " + where + " but cannot write " + file + ": " + e.getMessage(),
          "free space, then read it back from the ledger",
          e);
    }
    listener.on(new CertifyEvent.Phase("recorded on the ledger and wrote the certificate"));
    return new CertifyResult.Issued(
        i.clusterId(),
        reportFile,
        bundle,
        file,
        receipt,
        where,
        home.trustRoot(),
        i.expiresAt(),
        Duration.ofNanos(System.nanoTime() - t0));
  }

  static CertifyException ledgerError(LedgerException e) {
    return new CertifyException(
        CertifyException.Reason.LEDGER, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
  }

  static CertifyException attestationError(AttestationException e) {
    return new CertifyException(
        CertifyException.Reason.ATTESTATION,
        String.valueOf(e.getMessage()),
        e.hint().orElse(null),
        e);
  }
}
