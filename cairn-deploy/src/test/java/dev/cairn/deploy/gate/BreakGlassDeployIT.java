package dev.cairn.deploy.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.certify.Certifier;
import dev.cairn.certify.CertifyListener;
import dev.cairn.certify.CertifyRequest;
import dev.cairn.certify.CertifyResult;
import dev.cairn.certify.Target;
import dev.cairn.core.CairnHome;
import dev.cairn.deploy.Deploys;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.admission.SignedImages;
import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.duties.BreakGlass;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.deploy.duties.Identities;
import dev.cairn.deploy.duties.IdentityKey;
import dev.cairn.deploy.duties.OverrideRequest;
import dev.cairn.deploy.duties.Roster;
import dev.cairn.deploy.rollout.DeployException;
import dev.cairn.deploy.rollout.DeployRequest;
import dev.cairn.deploy.rollout.DeployResult;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.scanner.Framework;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.RealCluster;
import dev.cairn.testing.RealClusterTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Break-glass through the deploy path, on the live test cluster: a signed image whose cluster
 * certificate (real, of this cluster) has expired is refused by the gate; it deploys only with an
 * override for that target and image digest, lifting {@code certificate.expired}, signed by an Ops
 * and a different Sec identity, each with its own key; each use leaves an audit record.
 */
@RealClusterTest
class BreakGlassDeployIT {
  @TempDir static Path tmp;

  static CairnHome home;
  static OciClient oci;
  static ImageRef image;
  static TargetConfig target;
  static IdentityKey olga;
  static IdentityKey sam;
  static Roster roster;

  /** A year on: the certificate has expired, nothing else has changed. */
  static final Clock LATER = Clock.offset(Clock.systemUTC(), Duration.ofDays(400));

  @BeforeAll
  static void setUp(RealCluster cluster) throws Exception {
    home = CairnHome.of(tmp.resolve("home"));
    String ns = cluster.newNamespace("break-glass");
    // a workload for the certification to judge
    cluster
        .client()
        .resource(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: judged, namespace: %s}
            spec:
              securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
              containers:
                - name: web
                  image: registry.test/team/web@sha256:%s
                  securityContext:
                    allowPrivilegeEscalation: false
                    capabilities: {drop: [ALL]}
            """
                .formatted(ns, "cd".repeat(32)))
        .create();
    CertifyResult r =
        Certifier.create(home, Clock.systemUTC())
            .certify(
                CertifyRequest.of(new Target.Live(cluster.kubeconfig()))
                    .withFrameworks(Set.of(Framework.parse("pss-baseline").orElseThrow()))
                    .withCertificateFile(tmp.resolve("prod.cert.json")),
                CertifyListener.NONE);
    assertThat(r).as("%s", r).isInstanceOf(CertifyResult.Issued.class);
    Path cert = ((CertifyResult.Issued) r).certificateFile();

    KeyPair builder = CosignKeys.generate();
    TrustRoot trust =
        TrustRoot.parse(Files.readString(home.trustRoot()))
            .withTrusted(
                new TrustRoot.BuilderKey(builder.getPublic().getEncoded()),
                Instant.now().minusSeconds(3600))
            .withUnattestedBuildersAccepted(true);
    Files.writeString(home.trustRoot(), trust.toJson());
    oci = Registries.layout(tmp.resolve("layout"));
    image = SignedImages.signed(oci, ImageRef.parse("registry.test/team/web:v1"), builder, "bg");
    target =
        TargetConfig.of("prod", cluster.kubeconfig(), ns)
            .withGate(List.of(), List.of(), List.of(), true, cert);

    olga = identity("olga");
    sam = identity("sam");
    roster =
        Roster.empty()
            .grant("olga", Duty.OPS, olga.identity().publicKey())
            .grant("sam", Duty.SEC, sam.identity().publicKey());
  }

  static IdentityKey identity(String name) throws Exception {
    CairnHome h = CairnHome.of(tmp.resolve("id-" + name));
    Identities.init(h, name);
    return Identities.load(h);
  }

  static List<KubeObject> manifests() throws Exception {
    String yaml =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
              containers:
                - name: web
                  image: %s
                  securityContext:
                    allowPrivilegeEscalation: false
                    capabilities: {drop: [ALL]}
        """
            .formatted(image);
    return ObjectSources.readAll(
        ObjectSources.manifests(
            List.of(Path.of("-")),
            new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))));
  }

  static BreakGlass override(String digest, List<String> lifts, Instant created, Duration life) {
    return BreakGlass.create(
        new OverrideRequest(
            "prod",
            digest,
            "incident 42: certificate renewal blocked",
            lifts,
            created,
            created.plus(life)));
  }

  static BreakGlass valid() {
    return override(
        image.requireDigest().toString(),
        List.of("certificate.expired"),
        LATER.instant().minusSeconds(60),
        Duration.ofHours(2));
  }

  static DeployResult deploy(BreakGlass o) throws Exception {
    return Deploys.engine(home, oci, LATER, o, roster)
        .deploy(new DeployRequest(target, manifests(), null, "olga"));
  }

  static String refusedWith(BreakGlass o) throws Exception {
    DeployException e =
        (DeployException) org.assertj.core.api.Assertions.catchThrowable(() -> deploy(o));
    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo("gate");
    assertThat(e.getMessage()).contains("certificate.expired: cluster of target prod: expiry: ");
    return String.valueOf(e.getMessage());
  }

  static List<Map<String, Object>> audit() throws Exception {
    return AuditLog.in(home).read();
  }

  @Test
  void withoutOverride_theExpiredCertificateIsRefused() throws Exception {
    GateDecision d = Gates.standard(home, oci, LATER).decide(target, manifests(), List.of(image));
    assertThat(d.reasons()).containsExactly("certificate.expired");
    assertThatThrownBy(
            () ->
                Deploys.engine(home, oci, LATER)
                    .deploy(new DeployRequest(target, manifests(), null, "olga")))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("the deploy gate refused the deploy to prod (1 reason):")
        .hasMessageContaining("certificate.expired: cluster of target prod: expiry: expired at ");
  }

  @Test
  void withAValidTwoIdentityOverride_theDeployProceeds_andIsAudited() throws Exception {
    DeployResult r = deploy(valid().sign(olga).sign(sam));
    assertThat(r).isInstanceOf(DeployResult.Deployed.class);
    assertThat(r.revision().gate())
        .startsWith("overridden (ops olga, sec sam): lifted certificate.expired; passed: ")
        .contains("signature", "provenance");
    List<Map<String, Object>> log = audit();
    assertThat(log)
        .anySatisfy(
            m -> {
              assertThat(m)
                  .containsEntry("event", "override")
                  .containsEntry("decision", "accepted");
              assertThat(m).containsEntry("ops", "olga").containsEntry("sec", "sam");
            });
    assertThat(log)
        .anySatisfy(
            m -> {
              assertThat(m)
                  .containsEntry("event", "deploy-override")
                  .containsEntry("decision", "lifted")
                  .containsEntry("target", "prod")
                  .containsEntry("imageDigest", image.requireDigest().toString())
                  .containsEntry("refused", List.of("certificate.expired"));
            });
  }

  @Test
  void overrideForAnotherDigest_isRefused() throws Exception {
    String other = "sha256:" + "0".repeat(64);
    String m =
        refusedWith(
            override(other, List.of("certificate.expired"), LATER.instant(), Duration.ofHours(1))
                .sign(olga)
                .sign(sam));
    assertThat(m)
        .contains(
            "override: break-glass override: the override is for image "
                + other
                + ", which this deploy does not run");
    assertThat(audit())
        .anySatisfy(
            a ->
                assertThat(a)
                    .containsEntry("event", "deploy-override")
                    .containsEntry("imageDigest", other)
                    .containsEntry("decision", "refused"));
  }

  @Test
  void expiredOverride_isRefused() throws Exception {
    BreakGlass o =
        override(
                image.requireDigest().toString(),
                List.of("certificate.expired"),
                LATER.instant().minus(Duration.ofHours(3)),
                Duration.ofHours(2))
            .sign(olga)
            .sign(sam);
    assertThat(refusedWith(o))
        .contains("override: break-glass override: the override for prod expired at ");
    assertThat(audit())
        .anySatisfy(
            a ->
                assertThat(a)
                    .containsEntry("event", "override")
                    .containsEntry("decision", "refused"));
  }

  @Test
  void overrideLiftingOtherReasons_isRefused() throws Exception {
    BreakGlass o =
        override(
                image.requireDigest().toString(),
                List.of("frameworks", "signature"),
                LATER.instant(),
                Duration.ofHours(1))
            .sign(olga)
            .sign(sam);
    assertThat(refusedWith(o))
        .contains(
            "override: break-glass override: the override lifts frameworks, signature, and the"
                + " gate also refused for certificate.expired");
  }

  @Test
  void overrideSignedByOneIdentityOnly_isRefused() throws Exception {
    assertThat(refusedWith(valid().sign(olga)))
        .contains("override: break-glass override: the override has only olga's signature");
  }
}
