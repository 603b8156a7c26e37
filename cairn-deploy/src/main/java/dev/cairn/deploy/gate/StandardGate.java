package dev.cairn.deploy.gate;

import dev.cairn.certify.CertifyException;
import dev.cairn.certify.Verifier;
import dev.cairn.certify.VerifyRequest;
import dev.cairn.certify.VerifyResult;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.VulnPolicy;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.scanner.CheckResult;
import dev.cairn.scanner.Checks;
import dev.cairn.scanner.Finding;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.Notice;
import dev.cairn.scanner.ObjectSource;
import dev.cairn.scanner.ScanException;
import dev.cairn.scanner.ScanOptions;
import dev.cairn.scanner.ScanReport;
import dev.cairn.scanner.Scanners;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.ImageVerifier;
import dev.cairn.supplychain.ImageVerifyRequest;
import dev.cairn.supplychain.ImageVerifyResult;
import dev.cairn.supplychain.OciClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The three demands, each judged on its own so that every reason to refuse is named: the images'
 * signatures and provenance (from an allowed repository and branch) and, under the target's {@link
 * VulnPolicy}, their attested vulnerability-gate results, the manifests against the target's
 * frameworks, and the cluster's compliance certificate.
 */
final class StandardGate implements DeployGate {
  private static final String VULNERABILITIES = "vulnerabilities.";

  private final CairnHome home;
  private final OciClient oci;
  private final Clock clock;

  StandardGate(CairnHome home, OciClient oci, Clock clock) {
    this.home = home;
    this.oci = oci;
    this.clock = clock;
  }

  @Override
  public GateDecision decide(TargetConfig target, List<KubeObject> objects, List<ImageRef> images) {
    List<String> passed = new ArrayList<>();
    List<GateDecision.Refusal> refusals = new ArrayList<>();
    int before = refusals.size();
    images(target, images, refusals);
    List<GateDecision.Refusal> ofImages = List.copyOf(refusals.subList(before, refusals.size()));
    if (ofImages.stream().allMatch(r -> r.reason().startsWith(VULNERABILITIES))) {
      passed.add("signature");
      passed.add("provenance");
      if (!target.allowedRepositories().isEmpty()) {
        passed.add("repository");
      }
      if (!target.allowedBranches().isEmpty()) {
        passed.add("branch");
      }
      if (target.vulnerabilities() != null && !images.isEmpty() && ofImages.isEmpty()) {
        passed.add("vulnerabilities");
      }
    }
    if (!target.frameworks().isEmpty()) {
      before = refusals.size();
      frameworks(target, objects, refusals);
      if (refusals.size() == before) {
        passed.add("frameworks");
      }
    }
    if (target.requireCertificate()) {
      before = refusals.size();
      certificate(target, refusals);
      if (refusals.size() == before) {
        passed.add("certificate");
      }
    }
    return new GateDecision(passed, refusals);
  }

  // ------------------------------------------------------------------ (a) images

  private void images(TargetConfig t, List<ImageRef> images, List<GateDecision.Refusal> out) {
    if (images.isEmpty()) {
      return;
    }
    TrustRoot root;
    try {
      Path f = home.trustRoot();
      if (!Files.exists(f)) {
        out.add(
            new GateDecision.Refusal(
                "trust-root",
                f.toString(),
                "there is no trust root, so no image can verify",
                "initialise Cairn's home and add the attested builder to its trust root"));
        return;
      }
      root = TrustRoot.parse(Files.readString(f));
    } catch (IOException | CairnException e) {
      out.add(
          new GateDecision.Refusal(
              "trust-root", home.trustRoot().toString(), String.valueOf(e.getMessage()), null));
      return;
    }
    ImageVerifier verifier = ImageVerifier.create(clock);
    for (ImageRef image : images) {
      ImageVerifyResult r;
      try {
        r =
            verifier.verify(
                ImageVerifyRequest.of(image, root, new ImageVerifyRequest.Source.Registry(oci)));
      } catch (CairnException e) {
        out.add(
            new GateDecision.Refusal(
                "registry", image.toString(), String.valueOf(e.getMessage()), null));
        continue;
      }
      switch (r) {
        case ImageVerifyResult.NotVerified n ->
            out.add(
                new GateDecision.Refusal(
                    GateDecision.reasonName(n.link()), image.toString(), n.message(), n.hint()));
        case ImageVerifyResult.Verified v -> {
          VulnPolicy policy = t.vulnerabilities();
          if (policy != null) {
            for (VulnPolicy.Breach x : policy.judge(v, clock.instant())) {
              out.add(
                  new GateDecision.Refusal(x.reason(), image.toString(), x.message(), x.hint()));
            }
          }
          ImageVerifyResult.Build b = v.build();
          if (!t.allowedRepositories().isEmpty()
              && (b.repository() == null
                  || t.allowedRepositories().stream()
                      .noneMatch(a -> normalize(a).equals(normalize(b.repository()))))) {
            out.add(
                new GateDecision.Refusal(
                    "repository",
                    image.toString(),
                    "built from "
                        + (b.repository() == null ? "no named repository" : b.repository())
                        + ", and target "
                        + t.name()
                        + " takes images built from "
                        + String.join(", ", t.allowedRepositories())
                        + " only",
                    "build it from an allowed repository, or allow that repository for the"
                        + " target"));
          }
          if (!t.allowedBranches().isEmpty()
              && (b.ref() == null
                  || t.allowedBranches().stream().noneMatch(a -> sameBranch(a, b.ref())))) {
            out.add(
                new GateDecision.Refusal(
                    "branch",
                    image.toString(),
                    "built from "
                        + (b.ref() == null ? "no named branch" : b.ref())
                        + ", and target "
                        + t.name()
                        + " takes images built from branch "
                        + String.join(", ", t.allowedBranches())
                        + " only",
                    "merge the change into an allowed branch and deploy its build"));
          }
        }
      }
    }
  }

  static String normalize(String repo) {
    String r = repo.strip().toLowerCase(Locale.ROOT);
    if (r.startsWith("git+")) {
      r = r.substring(4);
    }
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    if (r.endsWith(".git")) {
      r = r.substring(0, r.length() - 4);
    }
    return r;
  }

  static boolean sameBranch(String allowed, String ref) {
    String a = allowed.startsWith("refs/") ? allowed : "refs/heads/" + allowed;
    String b = ref.startsWith("refs/") ? ref : "refs/heads/" + ref;
    return a.equals(b);
  }

  // ------------------------------------------------------------------ (b) frameworks

  private static void frameworks(
      TargetConfig t, List<KubeObject> objects, List<GateDecision.Refusal> out) {
    Set<Framework> fws = EnumSet.noneOf(Framework.class);
    boolean all = false;
    for (String f : t.frameworks()) {
      if (f.equalsIgnoreCase("all")) {
        all = true;
        continue;
      }
      Framework fw = Framework.parse(f).orElse(null);
      if (fw == null) {
        out.add(
            new GateDecision.Refusal(
                "frameworks",
                "target " + t.name(),
                "names framework '" + f + "', which Cairn does not know",
                "name pss-baseline, pss-restricted, nsa-cisa, mitre, cis, best-practice or all"));
        return;
      }
      fws.add(fw);
    }
    Set<Framework> selected = all ? Set.of() : fws;
    ScanReport report;
    try {
      ObjectSource source =
          new ObjectSource() {
            @Override
            public String describe() {
              return "manifests to deploy to " + t.name();
            }

            @Override
            public void read(Sink sink) {
              for (KubeObject o : objects) {
                sink.object(o);
              }
            }
          };
      report =
          Scanners.create(
                  ScanOptions.defaults()
                      .withChecks(Checks.builtin().select(selected))
                      .withFrameworks(selected))
              .scan(List.of(source));
    } catch (ScanException e) {
      out.add(
          new GateDecision.Refusal(
              "frameworks", "manifests", String.valueOf(e.getMessage()), e.hint().orElse(null)));
      return;
    }
    for (Notice n : report.notices()) {
      if (n.level() == Notice.Level.ERROR) {
        out.add(new GateDecision.Refusal("frameworks", "manifests", n.toString(), null));
      }
    }
    for (CheckResult r : report.results()) {
      for (Finding f : r.findings()) {
        if (f.state() == Finding.State.WAIVED) {
          continue;
        }
        out.add(
            new GateDecision.Refusal(
                "frameworks",
                f.where(),
                r.check().id()
                    + " ("
                    + r.check().severity().name().toLowerCase(Locale.ROOT)
                    + "): "
                    + f.message(),
                "fix the manifest, or waive the check with a reason"));
      }
    }
  }

  // ------------------------------------------------------------------ (c) certificate

  private void certificate(TargetConfig t, List<GateDecision.Refusal> out) {
    String cluster = "cluster of target " + t.name();
    @Nullable Path file = t.certificate();
    if (file == null) {
      out.add(
          new GateDecision.Refusal(
              "certificate.missing",
              cluster,
              "target " + t.name() + " names no compliance certificate",
              "certify the cluster and name its certificate in the target"));
      return;
    }
    CertificateBundle bundle;
    try {
      bundle = CertificateBundle.parse(Files.readString(file), file.toString());
    } catch (IOException | CairnException e) {
      out.add(
          new GateDecision.Refusal(
              "certificate.unreadable",
              cluster,
              "cannot read certificate " + file + ": " + e.getMessage(),
              "certify the cluster again"));
      return;
    }
    VerifyResult r;
    try {
      r =
          Verifier.create(home, clock)
              .verify(
                  VerifyRequest.of(bundle)
                      .withKubeconfig(t.kubeconfig())
                      .withLiveIdentityRequired(true)
                      .withSnapshotAllowed(false));
    } catch (CertifyException e) {
      out.add(
          new GateDecision.Refusal(
              "certificate.unverifiable",
              cluster,
              String.valueOf(e.getMessage()),
              e.hint().orElse(null)));
      return;
    }
    switch (r) {
      case VerifyResult.NotVerified n ->
          out.add(
              new GateDecision.Refusal(
                  certificateReason(n.link()), cluster, n.link() + ": " + n.message(), n.hint()));
      case VerifyResult.Verified v -> {
        if (v.snapshot() != null) {
          out.add(
              new GateDecision.Refusal(
                  "certificate.snapshot",
                  cluster,
                  "certificate "
                      + v.certificateDigest()
                      + " was made from a snapshot: its cluster identity is only claimed, and a"
                      + " deploy needs a certificate of the live cluster",
                  "certify the live cluster"));
        } else if (v.notChecked().contains("cluster identity")) {
          out.add(
              new GateDecision.Refusal(
                  "certificate.cluster-identity",
                  cluster,
                  "the live cluster's identity was not checked against certificate "
                      + v.certificateDigest(),
                  "give the target's kubeconfig read access to the kube-system namespace"));
        }
      }
    }
  }

  /**
   * The refusal reason for a broken link of the certificate's verification: {@code
   * certificate.expired}, {@code certificate.revoked}, {@code certificate.cluster-identity} (issued
   * for another cluster), {@code certificate.snapshot} (made from a snapshot), else {@code
   * certificate.} and the link's name ({@code certificate.signature}, {@code
   * certificate.ledger-record}, …).
   */
  static String certificateReason(String link) {
    return switch (link) {
      case "expiry" -> "certificate.expired";
      case "revocation" -> "certificate.revoked";
      case "source" -> "certificate.snapshot";
      default -> "certificate." + GateDecision.reasonName(link);
    };
  }
}
