package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Diagnostic;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScannerTest {
  @TempDir Path tmp;

  private ScanReport scan(ScanOptions o, Path... paths) throws ScanException {
    return Scanners.create(o).scan(List.of(ObjectSources.manifests(List.of(paths), System.in)));
  }

  private static ScanOptions opts() {
    return ScanOptions.defaults().withParallelism(2);
  }

  private static CheckResult result(ScanReport r, String id) {
    return r.results().stream().filter(c -> c.check().id().equals(id)).findFirst().orElseThrow();
  }

  private static final String PRIV_POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: p, namespace: ns}
      spec:
        containers: [{name: c, image: x:1, securityContext: {privileged: true}}]
      """;

  @Test
  void scan_malformedYaml_reportsFileLineColumnAndGoesOn() throws Exception {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: v1\nkind: Pod\nmetadata: {name: a\n---\n" + PRIV_POD);
    ScanReport r = scan(opts(), bad);
    assertThat(r.objects()).isEqualTo(1);
    assertThat(r.hasInputErrors()).isTrue();
    Notice n =
        r.notices().stream().filter(x -> x.level() == Notice.Level.ERROR).findFirst().orElseThrow();
    dev.cairn.core.SourceLocation at = java.util.Objects.requireNonNull(n.location());
    assertThat(at.file()).endsWith("bad.yaml");
    assertThat(at.line()).isBetween(3, 4);
    assertThat(n.message()).startsWith("malformed YAML");
    assertThat(result(r, "CRN-102").failed()).isEqualTo(1);
  }

  @Test
  void scan_multiDocumentListAndJson_readsEveryObjectWithItsLine() throws Exception {
    Path f = tmp.resolve("list.yaml");
    Files.writeString(
        f,
        "# comment\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec: {containers: [{name: c, image: x}]}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n  spec: {containers: [{name: c, image: x}]}\n");
    Path j = tmp.resolve("pod.json");
    Files.writeString(
        j,
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"j\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}");
    ScanReport r = scan(opts(), tmp);
    assertThat(r.objects()).isEqualTo(3);
    List<Finding> fs = result(r, "CRN-121").findings();
    assertThat(fs).extracting(x -> x.object().name()).containsExactly("a", "b", "j");
    assertThat(fs.get(0).object().location().line()).isEqualTo(6);
    assertThat(fs.get(1).object().location().line()).isEqualTo(10);
  }

  @Test
  void scan_jsonList_streamsItemsWithTheirLines_andMalformedJsonHasALocation() throws Exception {
    Path f = tmp.resolve("all.json");
    Files.writeString(
        f,
        "{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n    {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\", \"namespace\": \"n\"},\n"
            + "     \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"x:1\", \"securityContext\": {\"privileged\": true}}]}},\n"
            + "    {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"b\", \"annotations\": null},\n"
            + "     \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"x:1\"}]}}\n  ],\n  \"kind\": \"List\"\n}\n");
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"apiVersion\": \"v1\",\n \"kind\": }");
    ScanReport r = scan(opts(), f, bad);
    assertThat(r.objects()).isEqualTo(2);
    assertThat(result(r, "CRN-102").findings())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.object().name()).isEqualTo("a");
              assertThat(x.object().location().line()).isEqualTo(4);
              assertThat(x.object().location().column()).isEqualTo(5);
            });
    Notice n =
        r.notices().stream().filter(x -> x.level() == Notice.Level.ERROR).findFirst().orElseThrow();
    assertThat(n.toString()).contains("bad.json:2:").contains("malformed JSON");
  }

  @Test
  void scan_stdin_isReadWithDash() throws Exception {
    ScanReport r =
        Scanners.create(opts())
            .scan(
                List.of(
                    ObjectSources.manifests(
                        List.of(Path.of("-")),
                        new ByteArrayInputStream(PRIV_POD.getBytes(StandardCharsets.UTF_8)))));
    assertThat(result(r, "CRN-102").findings())
        .singleElement()
        .satisfies(f -> assertThat(f.object().location().file()).isEqualTo("-"));
  }

  @Test
  void scan_unknownKind_isSkippedWithANotice() throws Exception {
    Path f = tmp.resolve("crd.yaml");
    Files.writeString(
        f, "apiVersion: example.org/v1\nkind: Widget\nmetadata: {name: w}\n---\nfoo: bar\n");
    ScanReport r = scan(opts(), f);
    assertThat(r.notices())
        .extracting(Notice::message)
        .anyMatch(m -> m.contains("example.org/v1/Widget (1)"));
    assertThat(r.notices())
        .anyMatch(
            n -> n.level() == Notice.Level.ERROR && n.message().contains("no apiVersion or kind"));
  }

  @Test
  void scan_celEvaluationError_becomesErrorFindingNotACrash() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("checks"));
    Files.writeString(
        dir.resolve("c.yaml"),
        "id: X-1\nseverity: Low\nmessage: needs replicas\nmatch: {resources: [{group: apps, version: v1, resource: deployments}]}\nvalidations:\n- expression: object.spec.replicas > 1\n");
    Path m = tmp.resolve("d.yaml");
    Files.writeString(m, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {}\n");
    ScanReport r = scan(opts().withChecks(Checks.load(dir)), m);
    CheckResult cr = result(r, "X-1");
    assertThat(cr.status()).isEqualTo(CheckResult.Status.ERROR);
    assertThat(cr.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.state()).isEqualTo(Finding.State.ERROR);
              assertThat(f.message())
                  .contains("replicas")
                  .startsWith(
                      "evaluation error at " + dir.resolve("c.yaml") + ":6:26: key 'replicas'")
                  .doesNotContain("<input>");
            });
    assertThat(r.failsAt(Severity.LOW)).isTrue();
    assertThat(r.failsAt(Severity.MEDIUM)).isFalse();
  }

  @Test
  void scan_variablesAreLazyAndMayReferToEachOther() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("checks"));
    Files.writeString(
        dir.resolve("v.yaml"),
        """
        id: V-1
        severity: Medium
        message: variables
        match: {resources: [{group: "", version: v1, resource: pods}]}
        variables:
        - {name: b, expression: "variables.a + 1"}
        - {name: a, expression: "size(allContainers)"}
        - {name: broken, expression: "object.nope.deeper"}
        validations:
        - expression: "variables.b == 2 || variables.broken == 1"
        """);
    Path m = tmp.resolve("p.yaml");
    Files.writeString(m, PRIV_POD);
    CheckResult cr = result(scan(opts().withChecks(Checks.load(dir)), m), "V-1");
    assertThat(cr.passed()).isEqualTo(1);
  }

  @Test
  void waivers_fileAnnotationAndExpiry() throws Exception {
    Path m = tmp.resolve("p.yaml");
    Files.writeString(
        m,
        PRIV_POD
            + "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: annotated\n  annotations: {cairn.dev/waive: 'CRN-102', cairn.dev/waive-reason: lab}\nspec:\n  containers: [{name: c, image: x:1, securityContext: {privileged: true}}]\n"
            + "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: marvin\n  annotations: {marvin.undistro.io/skip: 'M-1, CRN-102'}\nspec:\n  containers: [{name: c, image: x:1, securityContext: {privileged: true}}]\n");
    Path ex = tmp.resolve("ex.yaml");
    Files.writeString(
        ex,
        "exceptions:\n- check: CRN-10*\n  namespace: ns\n  name: p\n  reason: old node agent\n  expires: 2026-01-31\n");
    Clock before = Clock.fixed(Instant.parse("2026-01-15T00:00:00Z"), ZoneOffset.UTC);
    Clock after = Clock.fixed(Instant.parse("2026-02-01T00:00:01Z"), ZoneOffset.UTC);
    ScanOptions o =
        opts()
            .withWaivers(Waivers.load(ex))
            .withChecks(CheckSet.of(List.of(Checks.builtin().get("CRN-102").orElseThrow())));
    CheckResult live = scan(o.withClock(before), m).results().get(0);
    assertThat(live.waived()).isEqualTo(3);
    assertThat(live.failed()).isZero();
    assertThat(live.findings())
        .extracting(f -> java.util.Objects.requireNonNull(f.waiver()).reason())
        .containsExactly("old node agent", "lab", "annotation marvin.undistro.io/skip");
    ScanReport expired = scan(o.withClock(after), m);
    assertThat(expired.results().get(0).failed()).isEqualTo(1);
    assertThat(expired.notices()).anyMatch(n -> n.message().contains("expired"));
  }

  @Test
  void waivers_fullyWaivedCheckIsWaived_broadOrUnknownWaiversWarn() throws Exception {
    Path m = Files.writeString(tmp.resolve("p.yaml"), PRIV_POD);
    Path ex = tmp.resolve("ex.yaml");
    Files.writeString(
        ex,
        "exceptions:\n- check: '*'\n  namespace: ns\n  name: p\n  reason: lab box\n"
            + "  expires: 2099-01-31\n- check: CRN-9999\n  name: p\n  reason: typo\n"
            + "  expires: 2099-01-31\n");
    ScanOptions o =
        opts()
            .withWaivers(Waivers.load(ex))
            .withChecks(CheckSet.of(List.of(Checks.builtin().get("CRN-102").orElseThrow())));
    ScanReport r = scan(o, m);
    assertThat(r.results().get(0).status()).isEqualTo(CheckResult.Status.WAIVED);
    assertThat(r.notices())
        .filteredOn(n -> n.level() == Notice.Level.WARNING)
        .extracting(Notice::message)
        .containsExactly(
            "waiver '*' covers Critical findings (lab box); name the checks it is for",
            "waiver for CRN-9999 matches none of the 1 checks of this scan; check its id (cairn"
                + " checks list)");
  }

  @Test
  void waivers_fileWithoutReasonOrExpiry_isRejectedWithLocations() throws Exception {
    Path ex = tmp.resolve("ex.yaml");
    Files.writeString(ex, "exceptions:\n- check: CRN-102\n  name: p\n");
    assertThatThrownBy(() -> Waivers.load(ex))
        .isInstanceOf(CheckException.class)
        .satisfies(
            e ->
                assertThat(((CheckException) e).diagnostics())
                    .extracting(Diagnostic::oneLine)
                    .containsExactly(
                        ex + ":2:3: exception needs a 'reason'",
                        ex
                            + ":2:3: exception needs 'expires' (e.g. 2027-03-31): waivers must end"));
  }

  @Test
  void waivers_badFile_pointsAtLintOfThatFile_andLintReadsExceptionsFiles() throws Exception {
    Path ex = tmp.resolve("ex.yaml");
    Files.writeString(ex, "exceptions:\n- check: CRN-102\n  name: p\n");

    assertThatThrownBy(() -> Waivers.load(ex))
        .isInstanceOfSatisfying(
            CheckException.class,
            e -> {
              assertThat(e.hint()).contains("lint the exceptions file to see every problem");
              assertThat(e.fix().orElseThrow().arg("path")).isEqualTo(ex.toString());
            });
    assertThat(Checks.lint(ex))
        .extracting(Diagnostic::oneLine)
        .containsExactly(
            ex + ":2:3: exception needs a 'reason'",
            ex + ":2:3: exception needs 'expires' (e.g. 2027-03-31): waivers must end");
  }

  @Test
  void lint_duplicateKeysInACheck_areEachReported() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("dups"));
    Files.writeString(
        dir.resolve("c.yaml"),
        "id: X-1\nseverity: Low\nseverity: High\nmessage: m\n"
            + "match: {resources: [{group: apps, version: v1, resource: deployments}]}\n"
            + "validations:\n- expression: 'true'\n  expression: 'false'\n");

    assertThat(Checks.lint(dir))
        .extracting(Diagnostic::oneLine)
        .containsExactly(
            dir.resolve("c.yaml") + ":3:1: duplicate key 'severity' (first at line 2, column 1)",
            dir.resolve("c.yaml") + ":8:3: duplicate key 'expression' (first at line 7, column 3)");
  }

  @Test
  void lint_reportsEveryCelErrorWithFileLineColumnAndCaret() throws Exception {
    List<Diagnostic> ds = Checks.lint(Path.of("src/test/resources/lint"));
    List<String> lines = ds.stream().map(Diagnostic::oneLine).toList();
    assertThat(lines)
        .anyMatch(l -> l.matches(".*badseverity.yaml:2:11: unknown severity 'Urgent'.*"));
    assertThat(lines)
        .anyMatch(l -> l.matches(".*badseverity.yaml:5:14: match.resources must list.*"));
    assertThat(lines)
        .anyMatch(
            l -> l.matches(".*broken.yaml:13:7: CEL: undeclared reference to 'undefinedThing'.*"));
    assertThat(lines).anyMatch(l -> l.matches(".*broken.yaml:15:\\d+: CEL: .*"));
    Diagnostic undeclared =
        ds.stream().filter(d -> d.message().contains("undefinedThing")).findFirst().orElseThrow();
    assertThat(undeclared.render()).endsWith("      undefinedThing == 1\n      ^");
  }

  @Test
  void frameworks_selectChecksAndKeepCustomOnes() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("checks"));
    Files.writeString(
        dir.resolve("c.yaml"),
        "id: MY-1\nseverity: Low\nmessage: custom\nmatch: {resources: [{group: '', version: v1, resource: pods}]}\nvalidations: [{expression: 'true'}]\n");
    CheckSet s = Checks.builtin().with(Checks.load(dir)).select(Set.of(Framework.MITRE));
    assertThat(s.checks())
        .extracting(Check::id)
        .contains("MY-1", "CRN-102", "CRN-202")
        .doesNotContain("CRN-402");
  }

  @Test
  void checkOverride_replacesBuiltinById() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("checks"));
    Files.writeString(
        dir.resolve("c.yaml"),
        "id: CRN-102\nseverity: Low\nmessage: relaxed\nmatch: {resources: [{group: '', version: v1, resource: pods}]}\nvalidations: [{expression: 'true'}]\n");
    CheckSet s = Checks.builtin().with(Checks.load(dir));
    assertThat(s.get("CRN-102").orElseThrow().message()).isEqualTo("relaxed");
    assertThat(s.size()).isEqualTo(Checks.builtin().size());
    assertThat(s.digest()).isNotEqualTo(Checks.builtin().digest());
  }

  @Test
  void pssVersion_customCheckSeesItAndPssSinceLeavesItOutBefore() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("checks"));
    Files.writeString(
        dir.resolve("v.yaml"),
        """
        id: V-29
        severity: Low
        message: at v1.29 exactly
        match: {resources: [{group: "", version: v1, resource: pods}]}
        validations: [{expression: "pssVersion == 29"}]
        ---
        id: V-NEW
        severity: Low
        message: from v1.30
        match: {resources: [{group: "", version: v1, resource: pods}]}
        validations: [{expression: "true"}]
        labels: {pss-since: "v1.30"}
        """);
    Path m = tmp.resolve("p.yaml");
    Files.writeString(m, PRIV_POD);
    ScanOptions o = opts().withChecks(Checks.load(dir));
    PssVersion v129 = PssVersion.parse("v1.29").orElseThrow();
    ScanReport at29 = scan(o.withPssVersion(v129), m);
    assertThat(at29.pssVersion()).isEqualTo(v129);
    assertThat(at29.results()).extracting(r -> r.check().id()).containsExactly("V-29");
    assertThat(result(at29, "V-29").passed()).isEqualTo(1);
    ScanReport latest = scan(o, m);
    assertThat(latest.pssVersion()).isEqualTo(PssVersion.LATEST);
    assertThat(latest.results()).extracting(r -> r.check().id()).containsExactly("V-29", "V-NEW");
    assertThat(result(latest, "V-29").failed()).isEqualTo(1);
    assertThat(latest.checkPackDigest()).isNotEqualTo(at29.checkPackDigest());
  }

  @Test
  void lint_malformedPssSince_isAnErrorAtTheLabel() throws Exception {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(
        f,
        "id: X-1\nseverity: Low\nmatch: {resources: [{group: '', version: v1, resource: pods}]}\n"
            + "validations: [{expression: 'true'}]\nlabels:\n  pss-since: v1.99\n");
    assertThat(Checks.lint(f))
        .extracting(Diagnostic::oneLine)
        .containsExactly(
            f + ":6:14: label pss-since must be a PSS version v1.0 to v1.37, not 'v1.99'");
  }
}
