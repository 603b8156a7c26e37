package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --baseline REPORT.json}: only what an earlier report did not have. */
class BaselineTest {
  @TempDir Path tmp;

  static final String POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: rs, uid: u}]}
      spec:
        automountServiceAccountToken: false
        securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
        containers:
          - name: app
            image: registry.example/app:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000
            securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
            resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}
            readinessProbe: {exec: {command: [x]}}
            livenessProbe: {exec: {command: [x]}}
      """;

  /** The pod with its container privileged: it fails CRN-102 only. */
  static final String PRIVILEGED =
      POD.replace(
          "allowPrivilegeEscalation: false,", "allowPrivilegeEscalation: false, privileged: true,");

  private ScanReport scan(String yaml) throws Exception {
    Path f = tmp.resolve("in-" + System.nanoTime() + ".yaml");
    Files.writeString(f, yaml);
    return Scanners.create(ScanOptions.defaults().withParallelism(1))
        .scan(List.of(ObjectSources.manifests(List.of(f), System.in)));
  }

  private Path json(ScanReport r) throws Exception {
    StringWriter w = new StringWriter();
    Reports.write(r, ReportFormat.JSON, w, false);
    Path p = tmp.resolve("baseline.json");
    Files.writeString(p, w.toString());
    return p;
  }

  private static CheckResult result(ScanReport r, String id) {
    return r.results().stream().filter(c -> c.check().id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void baseline_hidesKnownFindings_showsNewOnes_andOnlyNewOnesFailTheRun() throws Exception {
    // the main branch: the container is privileged
    ScanReport before = scan(PRIVILEGED);
    assertThat(before.failsAt(Severity.INFO)).isTrue();
    Baseline b = Baseline.read(json(before));
    assertThat(b.size()).isEqualTo(1);

    // the same again: nothing new, the run passes, and the report says what it left out
    ScanReport same = b.apply(scan(PRIVILEGED));
    assertThat(result(same, "CRN-102").status()).isEqualTo(CheckResult.Status.KNOWN);
    assertThat(result(same, "CRN-102").findings()).isEmpty();
    assertThat(result(same, "CRN-102").known()).isEqualTo(1);
    assertThat(same.failsAt(Severity.INFO)).isFalse();
    assertThat(same.summary().knownFindings()).isEqualTo(1);
    assertThat(same.notices())
        .extracting(Notice::message)
        .contains("1 finding known in this baseline report is not shown; 0 new");

    // the pull request adds a second container that binds a host port: only that is new
    ScanReport pr =
        b.apply(
            scan(
                PRIVILEGED
                    + """
                        - name: sidecar
                          image: registry.example/s:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000
                          ports: [{containerPort: 80, hostPort: 80}]
                          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
                          resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}
                          readinessProbe: {exec: {command: [x]}}
                          livenessProbe: {exec: {command: [x]}}
                    """));
    assertThat(pr.failsAt(Severity.INFO)).isTrue();
    assertThat(pr.results().stream().flatMap(c -> c.findings().stream()))
        .extracting(Finding::container)
        .containsOnly("sidecar");
    assertThat(result(pr, "CRN-105").status()).isEqualTo(CheckResult.Status.FAILED);
  }

  @Test
  void baseline_sameCheckInAnotherContainerIsNew() throws Exception {
    String twoPrivileged =
        PRIVILEGED
            + """
                - name: second
                  image: registry.example/s:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000
                  securityContext: {privileged: true, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
                  resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}
                  readinessProbe: {exec: {command: [x]}}
                  livenessProbe: {exec: {command: [x]}}
            """;
    Baseline b = Baseline.read(json(scan(PRIVILEGED)));
    ScanReport r = b.apply(scan(twoPrivileged));
    CheckResult priv = result(r, "CRN-102");
    assertThat(priv.status()).isEqualTo(CheckResult.Status.FAILED);
    assertThat(priv.failed()).isEqualTo(1);
    assertThat(priv.findings()).extracting(Finding::container).containsExactly("second");
  }

  @Test
  void baseline_thatIsNoReport_isRefusedWithItsFileAndAHint() throws Exception {
    Path notJson = tmp.resolve("x.json");
    Files.writeString(notJson, "{ nope");
    assertThatThrownBy(() -> Baseline.read(notJson))
        .isInstanceOf(ScanException.class)
        .hasMessageStartingWith("baseline " + notJson + ": not JSON")
        .satisfies(
            e ->
                assertThat(((ScanException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("-o json")));
    Path other = tmp.resolve("sarif.json");
    Files.writeString(other, "{\"version\": \"2.1.0\"}");
    assertThatThrownBy(() -> Baseline.read(other)).hasMessageContaining("not a Cairn scan report");
    assertThatThrownBy(() -> Baseline.read(tmp.resolve("missing.json")))
        .hasMessageContaining("no such file");
  }
}
