package dev.cairn.cli;

import dev.cairn.attest.Tees;
import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.certify.VerifyResult;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.core.Text;
import dev.cairn.deploy.audit.AuditBundles;
import dev.cairn.ledger.Certificate;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.ImageVerifyRequest;
import dev.cairn.supplychain.ImageVerifyResult;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.RegistryAuth;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify")
final class VerifyCommand extends Sub {
  @Parameters(paramLabel = "CERT|IMAGE@DIGEST", descriptionKey = "verify-target")
  @SuppressWarnings("NullAway.Init")
  String target;

  @Option(names = "--trust", paramLabel = "FILE")
  @Nullable Path trust;

  @Option(names = "--ledger", paramLabel = "LEDGER")
  @Nullable String ledger;

  @Option(names = "--kubeconfig", paramLabel = "FILE")
  @Nullable Path kubeconfig;

  @Option(names = "--allow-snapshot")
  boolean allowSnapshot;

  @Option(names = "--require-live-identity")
  boolean requireLiveIdentity;

  @Option(names = "--bundle", paramLabel = "DIR")
  @Nullable Path bundle;

  @Option(names = "--save-bundle", paramLabel = "DIR")
  @Nullable Path saveBundle;

  @Option(names = "--source-repo", paramLabel = "URL")
  @Nullable String sourceRepo;

  @Option(names = "--commit", paramLabel = "SHA")
  @Nullable String commit;

  @Option(names = "--builder-id", paramLabel = "URI")
  @Nullable String builderId;

  @Option(names = "--plain-http")
  boolean plainHttp;

  @Option(names = "--registry-ca", paramLabel = "FILE")
  @Nullable Path registryCa;

  @Option(names = "--registry-user", paramLabel = "NAME")
  @Nullable String registryUser;

  @Option(names = "--registry-password-env", paramLabel = "VAR")
  @Nullable String registryPasswordEnv;

  @Option(names = "--at", paramLabel = "TIME")
  @Nullable String at;

  @Mixin Options.JsonOutput output = new Options.JsonOutput();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = out();
    boolean json = output.json();
    Path cert = Path.of(target);
    if (AuditBundles.isBundle(cert)) {
      return auditBundle(cert, out, json);
    }
    if (at != null) {
      throw ExitException.usage(
          "--at is for an audit bundle, not a certificate or image",
          "leave it out: a certificate or image is verified as of now");
    }
    if (!Files.exists(cert) && target.contains("@sha256:")) {
      return image(out, json);
    }
    String imageOnly =
        bundle != null
            ? "--bundle"
            : saveBundle != null
                ? "--save-bundle"
                : sourceRepo != null
                    ? "--source-repo"
                    : commit != null
                        ? "--commit"
                        : builderId != null
                            ? "--builder-id"
                            : plainHttp
                                ? "--plain-http"
                                : registryCa != null
                                    ? "--registry-ca"
                                    : registryUser != null ? "--registry-user" : null;
    if (imageOnly != null) {
      throw ExitException.usage(
          imageOnly + " is for an image (IMAGE@DIGEST), not a certificate",
          "pass the image as registry/repository@sha256:<digest>");
    }
    CertificateBundle bundle = CertificateBundle.parse(read(cert, "certificate"), cert.toString());
    if (trust != null) {
      read(trust, "trust anchors");
    }
    VerifyRequest.LedgerChoice choice =
        ledger == null
            ? new VerifyRequest.LedgerChoice.Default()
            : ledger.equals("none")
                ? new VerifyRequest.LedgerChoice.Offline()
                : new VerifyRequest.LedgerChoice.Named(Options.parse(ledger));
    VerifyResult r =
        Verifier.create(home(), Clock.systemUTC())
            .verify(
                VerifyRequest.of(bundle)
                    .withTrustRoot(trust)
                    .withLedger(choice)
                    .withKubeconfig(kubeconfig)
                    .withSnapshotAllowed(allowSnapshot)
                    .withLiveIdentityRequired(requireLiveIdentity));
    if (json) {
      out.print(
          Json.pretty(
              r.document(
                  r instanceof VerifyResult.NotVerified n
                      ? Hints.wording(n.fix(), n.hint())
                      : null)));
    } else {
      text(r, out);
    }
    out.flush();
    return r instanceof VerifyResult.Verified ? Main.OK : Main.FINDINGS;
  }

  /** {@code cairn verify BUNDLE}: an audit bundle ({@code cairn audit export}), offline. */
  private int auditBundle(Path dir, PrintWriter out, boolean json) throws ExitException {
    String other =
        ledger != null
            ? "--ledger"
            : kubeconfig != null
                ? "--kubeconfig"
                : allowSnapshot
                    ? "--allow-snapshot"
                    : requireLiveIdentity
                        ? "--require-live-identity"
                        : bundle != null
                            ? "--bundle"
                            : saveBundle != null
                                ? "--save-bundle"
                                : sourceRepo != null
                                    ? "--source-repo"
                                    : commit != null
                                        ? "--commit"
                                        : builderId != null
                                            ? "--builder-id"
                                            : plainHttp
                                                ? "--plain-http"
                                                : registryCa != null
                                                    ? "--registry-ca"
                                                    : registryUser != null
                                                        ? "--registry-user"
                                                        : null;
    if (other != null) {
      throw ExitException.usage(
          other + " is not for an audit bundle, which is verified offline from what it holds",
          "leave it out; --trust FILE and --at TIME are what a bundle's verification takes");
    }
    if (trust != null) {
      read(trust, "trust root");
    }
    return AuditCommand.verify(dir, trust, at, json, out);
  }

  /** {@code cairn verify IMAGE@DIGEST}: the image's signature and provenance. */
  private int image(PrintWriter out, boolean json) throws Exception {
    String certOnly =
        ledger != null
            ? "--ledger"
            : kubeconfig != null
                ? "--kubeconfig"
                : allowSnapshot
                    ? "--allow-snapshot"
                    : requireLiveIdentity ? "--require-live-identity" : null;
    if (certOnly != null) {
      throw ExitException.usage(
          certOnly + " is for a certificate, not an image", "leave it out for an image");
    }
    if (bundle != null && saveBundle != null) {
      throw ExitException.usage(
          "--save-bundle saves what was read from the registry; with --bundle nothing is",
          "pass one of --bundle and --save-bundle");
    }
    ImageRef image = ImageVerifyRequest.image(target);
    Path trustFile = trust != null ? trust : home().trustRoot();
    if (!Files.exists(trustFile)) {
      throw ExitException.usage(
          "there is no trust root " + trustFile,
          "add the builder's key with cairn trust add-builder-key PUBKEY.pem, or pass --trust"
              + " FILE");
    }
    TrustRoot root = TrustRoot.parse(read(trustFile, "trust root"));
    ImageVerifyRequest.Source from =
        bundle != null
            ? new ImageVerifyRequest.Source.Bundle(bundle)
            : new ImageVerifyRequest.Source.Registry(registry(image));
    ImageVerifyResult r =
        ImageVerifier.create(Clock.systemUTC())
            .verify(
                ImageVerifyRequest.of(image, root, from)
                    .withSourceRepository(sourceRepo)
                    .withCommit(commit == null ? null : ImageVerifyRequest.commit(commit))
                    .withBuilderId(builderId)
                    .withSaveBundle(saveBundle));
    if (json) {
      out.print(
          Json.pretty(
              r.document(
                  r instanceof ImageVerifyResult.NotVerified n
                      ? Hints.wording(n.fix(), n.hint())
                      : null)));
    } else {
      text(r, out);
    }
    out.flush();
    return r instanceof ImageVerifyResult.Verified ? Main.OK : Main.FINDINGS;
  }

  private OciClient registry(ImageRef image) throws ExitException {
    Registries.Builder b = Registries.builder();
    if (plainHttp) {
      b.allowPlainHttp(image.registry());
    }
    if (registryCa != null) {
      b.caCertificate(image.registry(), registryCa);
    }
    if (registryUser != null) {
      String password = registryPasswordEnv == null ? null : env().get(registryPasswordEnv);
      if (password == null || password.isEmpty()) {
        throw ExitException.usage(
            "--registry-user needs a password: "
                + (registryPasswordEnv == null
                    ? "no --registry-password-env"
                    : "no password in " + registryPasswordEnv),
            "pass --registry-password-env VAR with the password (or token) in VAR");
      }
      try {
        b.auth(image.registry(), RegistryAuth.basic(registryUser, Secret.ofUtf8(password)));
      } catch (IllegalArgumentException e) {
        throw ExitException.usage(
            "--registry-user "
                + Text.escape(registryUser)
                + " is not a user name (empty, or with"
                + " ':')",
            "pass the registry account's name");
      }
    }
    return b.build();
  }

  /** The text a person reads about an image. */
  static void text(ImageVerifyResult result, PrintWriter out) {
    switch (result) {
      case ImageVerifyResult.Verified v -> {
        ImageVerifyResult.Build b = v.build();
        out.printf(
            "VERIFIED image %s@%s (from %s)%n",
            v.image().name(), v.image().digest(), Text.escape(v.from()));
        out.printf(
            "  signature by builder key %s (%s)%n",
            v.signatureKey(), String.join(", ", v.signatureFoundIn()));
        out.printf(
            "  provenance %s by builder key %s (%s), build finished %s%n",
            Text.escape(b.buildType()),
            v.provenanceKey(),
            String.join(", ", v.provenanceFoundIn()),
            b.finishedOn());
        out.printf(
            "  builder %s, %s%n",
            Text.escape(b.builderId()),
            b.measurement() != null
                ? "measurement "
                    + b.measurement()
                    + " in TEE "
                    + Text.escape(String.valueOf(v.tee()))
                    + (v.hardwareBacked() ? "" : " (" + Tees.SIMULATION_WARNING + ")")
                : "unattested (no measurement; accepted by the trust root)");
        out.printf(
            "  source %s at commit %s%s%n",
            b.repository() == null ? "(none named)" : Text.escape(b.repository()),
            b.commit() == null ? "(none named)" : Text.escape(b.commit()),
            b.ref() == null ? "" : " (" + Text.escape(b.ref()) + ")");
        out.println("  links checked: " + String.join(", ", v.links()));
        if (!v.notChecked().isEmpty()) {
          out.println(
              "  not checked: "
                  + String.join(" and ", v.notChecked())
                  + " (none asked: --source-repo, --commit)");
        }
        if (v.savedBundle() != null) {
          out.println("  saved the bundle in " + v.savedBundle());
        }
      }
      case ImageVerifyResult.NotVerified n -> {
        out.println("NOT VERIFIED: " + n.link() + ": " + Text.escape(n.message()));
        String hint = Hints.wording(n.fix(), n.hint());
        if (hint != null) {
          out.println("  perhaps you should " + Text.escape(hint));
        }
      }
    }
  }

  /** The text a person reads. */
  static void text(VerifyResult result, PrintWriter out) {
    switch (result) {
      case VerifyResult.Verified v -> {
        Certificate c = v.certificate();
        // what the certificate says came from a cluster or a snapshot: escaped, as an API server
        // name or a snapshot's identity could hold terminal control sequences
        out.printf(
            "VERIFIED certificate %s%n  cluster %s (%s, %s)%n",
            v.certificateDigest(), c.clusterId(), Text.escape(c.server()), Text.escape(c.source()));
        if (v.snapshot() != null) {
          out.println(
              "  snapshot: the cluster's identity is only claimed (accepted by "
                  + (v.snapshot() == VerifyResult.SnapshotAcceptance.TRUST_ROOT
                      ? "the trust root"
                      : "--allow-snapshot")
                  + ")");
        }
        out.printf(
            "  frameworks %s%n  scanner %s in TEE %s%s%n  expires %s%n  links checked: %s%n",
            Text.escape(c.frameworks() + ", " + c.summary()),
            c.measurement(),
            c.tee(),
            c.hardwareBacked() ? "" : " (" + Tees.SIMULATION_WARNING + ")",
            c.expiresAt(),
            String.join(", ", v.links()));
        if (v.notChecked().contains("revocation")) {
          out.println("  revocation not checked (no ledger)");
        }
        if (v.recordedOn() != null) {
          out.println("  recorded on " + Text.escape(String.valueOf(v.recordedOn())));
        }
        if (v.notChecked().contains("cluster identity")) {
          out.println("  live cluster identity not checked (no --kubeconfig)");
        }
      }
      case VerifyResult.NotVerified n -> {
        out.println("NOT VERIFIED: " + n.link() + ": " + Text.escape(n.message()));
        String hint = Hints.wording(n.fix(), n.hint());
        if (hint != null) {
          out.println("  perhaps you should " + Text.escape(hint));
        }
      }
    }
  }

  private static String read(Path p, String what) throws ExitException {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw ExitException.usage(
          "cannot read " + what + " " + p + ": " + e.getMessage(), "check the path");
    }
  }
}
