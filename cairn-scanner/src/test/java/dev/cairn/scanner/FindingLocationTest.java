package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Findings name the container and the field path they are about, as kube-score's do. */
class FindingLocationTest {
  static final Path LOADGENERATOR = Path.of("src/test/resources/boutique/loadgenerator.yaml");

  @TempDir Path tmp;

  private static ScanReport scan(CheckSet checks, Path... paths) throws ScanException {
    return Scanners.create(ScanOptions.defaults().withChecks(checks).withParallelism(1))
        .scan(List.of(ObjectSources.manifests(List.of(paths), System.in)));
  }

  private static CheckResult result(ScanReport r, String id) {
    return r.results().stream().filter(c -> c.check().id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void limits_onlyTheInitContainerWithoutLimitsIsNamed_withItsFieldPath() throws Exception {
    ScanReport r = scan(Checks.builtin(), LOADGENERATOR);
    CheckResult limits = result(r, "CRN-301");
    assertThat(limits.failed()).isEqualTo(1);
    assertThat(limits.findings()).hasSize(1);
    Finding f = limits.findings().get(0);
    assertThat(f.container()).isEqualTo("frontend-check");
    assertThat(f.path()).isEqualTo("spec.template.spec.initContainers[0].resources.limits");
    assertThat(f.object().name()).isEqualTo("loadgenerator");
  }

  @Test
  void podLevelFailure_namesNoContainer_andThePodSpecField() throws Exception {
    Path f = tmp.resolve("ds.yaml");
    Files.writeString(
        f,
        """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: ops}
        spec:
          selector: {matchLabels: {app: a}}
          template:
            metadata: {labels: {app: a}}
            spec:
              hostPID: true
              containers: [{name: a, image: x:1}]
        """);
    Finding hostPid = result(scan(Checks.builtin(), f), "CRN-101").findings().get(0);
    assertThat(hostPid.container()).isNull();
    assertThat(hostPid.path()).isEqualTo("spec.template.spec.hostPID");
  }

  @Test
  void everyFailingContainerIsAFinding_objectsAreStillCountedOnce() throws Exception {
    Path f = tmp.resolve("pod.yaml");
    Files.writeString(
        f,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ns}
        spec:
          initContainers: [{name: init-db, image: x:1, securityContext: {privileged: true}}]
          containers:
            - {name: ok, image: x:1}
            - {name: app, image: x:1, securityContext: {privileged: true}}
        """);
    CheckResult priv = result(scan(Checks.builtin(), f), "CRN-102");
    assertThat(priv.failed()).isEqualTo(1);
    assertThat(priv.findings())
        .extracting(Finding::container, Finding::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "app", "spec.containers[1].securityContext.privileged"),
            org.assertj.core.groups.Tuple.tuple(
                "init-db", "spec.initContainers[0].securityContext.privileged"));
  }

  @Test
  void marvinCheckFileUnchanged_stillNamesTheContainer() throws Exception {
    CheckSet marvin =
        Checks.load(Path.of("src/test/resources/marvin/builtins/general/M-406_memory_limit.yaml"));
    Finding f = result(scan(marvin, LOADGENERATOR), "M-406").findings().get(0);
    assertThat(f.container()).isEqualTo("frontend-check");
    assertThat(f.path()).isEqualTo("spec.template.spec.initContainers[0]");
  }

  @Test
  void failureNoSingleContainerExplains_staysOnTheObject() throws Exception {
    Path check = tmp.resolve("two.yaml");
    Files.writeString(
        check,
        """
        id: X-1
        severity: Low
        message: "at least two containers"
        match:
          resources: [{group: "", version: v1, resource: pods}]
        validations:
          - expression: "size(allContainers) >= 2"
        """);
    Path pod = tmp.resolve("pod.yaml");
    Files.writeString(
        pod,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\n"
            + "spec: {containers: [{name: a, image: x:1}]}\n");
    Finding f = result(scan(Checks.load(check), pod), "X-1").findings().get(0);
    assertThat(f.container()).isNull();
    assertThat(f.path()).isNull();
  }

  @Test
  void lint_aPathThatIsNoFieldPath_isAnErrorAtIt() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("badpath"));
    Files.writeString(
        dir.resolve("c.yaml"),
        "id: X-1\nseverity: Low\nmessage: m\n"
            + "match: {resources: [{group: \"\", version: v1, resource: pods}]}\n"
            + "validations:\n- expression: 'true'\n  path: resources..limits\n");
    assertThat(Checks.lint(dir))
        .extracting(dev.cairn.core.Diagnostic::oneLine)
        .containsExactly(
            dir.resolve("c.yaml")
                + ":7:9: path must be a field path such as resources.limits or"
                + " volumes[0].hostPath");
  }
}
