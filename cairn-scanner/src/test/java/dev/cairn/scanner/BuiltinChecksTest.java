package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.scanner.internal.ManifestReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every built-in check against its fixture (src/test/resources/fixtures/ID.yaml): each object
 * carries {@code test.cairn.dev/expect: pass|fail} and must get exactly that verdict at the latest
 * PSS version. {@code test.cairn.dev/expect-v1.N: pass|fail|n/a} says what it gets at {@code
 * --pss-version v1.N} ({@code n/a}: the check does not run there), so that each version-specific
 * rule is pinned on both sides of the version that brought it.
 */
class BuiltinChecksTest {
  static final String EXPECT = "test.cairn.dev/expect";
  static final String EXPECT_AT = "test.cairn.dev/expect-";

  @Test
  void builtin_everyCheckLoadsCompilesAndIsIndexed() {
    CheckSet set = Checks.builtin();
    assertThat(set.size()).isEqualTo(Checks.builtinFiles().size()).isGreaterThanOrEqualTo(35);
    assertThat(set.checks()).allSatisfy(c -> assertThat(c.origin()).startsWith("builtin:"));
    // the built-ins load without the diagnostic compile: compile and lint them here instead
    for (String f : Checks.builtinFiles()) {
      try (var in =
          Checks.class.getClassLoader().getResourceAsStream("dev/cairn/scanner/checks/" + f)) {
        String text =
            new String(
                java.util.Objects.requireNonNull(in).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(dev.cairn.scanner.internal.CheckLoader.load(f, text, f).diagnostics())
            .as(f)
            .isEmpty();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void builtin_coversEveryPodSecurityStandardsControl() {
    Set<String> controls =
        Set.of(
            "HostProcess",
            "Host Namespaces",
            "Privileged Containers",
            "Capabilities",
            "HostPath Volumes",
            "Host Ports",
            "Host Probes / Lifecycle Hooks",
            "AppArmor",
            "SELinux",
            "/proc Mount Type",
            "Seccomp",
            "Sysctls",
            "Volume Types",
            "Privilege Escalation",
            "Running as Non-root",
            "Running as Non-root user");
    Set<String> covered = new java.util.HashSet<>();
    for (Check c : Checks.builtin().checks()) {
      String control = c.labels().get("pss-control");
      if (control != null) {
        covered.add(control);
      }
    }
    assertThat(covered).containsAll(controls);
    assertThat(Checks.builtin().select(Set.of(Framework.PSS_BASELINE)).checks())
        .allSatisfy(c -> assertThat(c.labels()).containsEntry("pss", "baseline"));
    assertThat(Checks.builtin().select(Set.of(Framework.PSS_RESTRICTED)).size())
        .isGreaterThan(Checks.builtin().select(Set.of(Framework.PSS_BASELINE)).size());
  }

  @Test
  void builtin_everyFrameworkHasChecks() {
    for (Framework f : Framework.values()) {
      assertThat(Checks.builtin().select(Set.of(f)).size()).as(f.id()).isGreaterThan(0);
    }
    assertThat(Checks.builtin().get("CRN-102").orElseThrow().labels())
        .containsEntry("mitre", "T1611");
  }

  @TestFactory
  Stream<DynamicTest> builtin_checkGivesExpectedVerdictOnItsFixture() {
    return Checks.builtin().checks().stream()
        .map(c -> DynamicTest.dynamicTest(c.id() + " " + c.message(), () -> assertFixture(c)));
  }

  private static void assertFixture(Check check) throws Exception {
    if (check.isManual()) {
      // a control the API cannot decide: reported as manual, with its reason, never skipped
      assertThat(check.manual()).isNotBlank();
      assertThat(check.validations()).isEmpty();
      CheckResult cr = scan(CheckSet.of(List.of(check)), List.of()).results().get(0);
      assertThat(cr.status()).isEqualTo(CheckResult.Status.MANUAL);
      return;
    }
    String text = resource("fixtures/" + check.id() + ".yaml");
    List<Notice> notices = new ArrayList<>();
    List<KubeObject> objects = ManifestReader.readAll(check.id() + ".yaml", text, notices);
    assertThat(notices).isEmpty();
    assertThat(objects).isNotEmpty();
    // objects without an expectation are context for relational checks (roles, policies)
    Map<String, String> expected = new LinkedHashMap<>();
    for (KubeObject o : objects) {
      if (o.annotations().get(EXPECT) != null) {
        expected.put(o.name(), String.valueOf(o.annotations().get(EXPECT)));
      }
    }
    Map<String, String> atLatest = verdicts(check, objects, PssVersion.LATEST);
    atLatest.keySet().retainAll(expected.keySet());
    assertThat(atLatest).as("at latest").isEqualTo(expected);
    if (!check.id().equals("CRN-200")) {
      assertThat(expected)
          .as("fixture needs a passing and a failing object")
          .containsValues("pass", "fail");
    }
    java.util.SortedMap<PssVersion, Map<String, String>> atVersions = new java.util.TreeMap<>();
    for (KubeObject o : objects) {
      o.annotations()
          .forEach(
              (k, v) -> {
                if (k.startsWith(EXPECT_AT)) {
                  PssVersion at =
                      PssVersion.parse(k.substring(EXPECT_AT.length()))
                          .orElseThrow(() -> new AssertionError(o.name() + ": bad " + k));
                  atVersions
                      .computeIfAbsent(at, x -> new LinkedHashMap<>())
                      .put(o.name(), String.valueOf(v));
                }
              });
    }
    for (var e : atVersions.entrySet()) {
      Map<String, String> actual = verdicts(check, objects, e.getKey());
      actual.keySet().retainAll(e.getValue().keySet());
      assertThat(actual).as("at " + e.getKey()).isEqualTo(e.getValue());
    }
  }

  /** Object name to pass, fail, error: … or n/a (the check does not run at {@code version}). */
  private static Map<String, String> verdicts(
      Check check, List<KubeObject> objects, PssVersion version) throws ScanException {
    Map<String, String> actual = new LinkedHashMap<>();
    CheckSet set = CheckSet.of(List.of(check)).forPssVersion(version);
    if (set.size() == 0) {
      objects.forEach(o -> actual.put(o.name(), "n/a"));
      return actual;
    }
    CheckResult cr = scan(set, objects).results().get(0);
    for (KubeObject o : objects) {
      actual.put(o.name(), "pass");
    }
    for (Finding f : cr.findings()) {
      actual.put(
          f.object().name(), f.state() == Finding.State.FAILED ? "fail" : "error: " + f.message());
    }
    return actual;
  }

  @Test
  void builtin_everyPssVersion_evaluatesEveryFixtureWithoutErrors() throws Exception {
    List<KubeObject> objects = new ArrayList<>();
    for (Check c : Checks.builtin().checks()) {
      if (c.isManual()) {
        continue;
      }
      objects.addAll(
          ManifestReader.readAll(
              c.id() + ".yaml", resource("fixtures/" + c.id() + ".yaml"), new ArrayList<>()));
    }
    for (int minor = 0; minor <= PssVersion.LATEST_MINOR; minor++) {
      PssVersion v = new PssVersion(minor);
      ScanReport r = scan(Checks.builtin().forPssVersion(v), objects);
      assertThat(r.pssVersion()).isEqualTo(v);
      assertThat(r.results())
          .as("at " + v)
          .allSatisfy(cr -> assertThat(cr.errors()).as(cr.check().id()).isZero());
    }
  }

  @Test
  void builtin_pssSince_leavesOutChecksNewerThanTheVersion() {
    CheckSet latest = Checks.builtin();
    CheckSet v129 = latest.forPssVersion(PssVersion.parse("v1.29").orElseThrow());
    assertThat(latest.get("CRN-111")).isPresent();
    assertThat(v129.get("CRN-111")).as("host probes came in v1.34").isEmpty();
    assertThat(v129.get("CRN-126")).as("restricted procMount came in v1.35").isEmpty();
    assertThat(v129.get("CRN-123")).as("runAsUser came in v1.23").isPresent();
    assertThat(v129.size()).isEqualTo(latest.size() - 2);
    // the version is part of what the digest pins, and going back restores the same set
    assertThat(v129.digest()).isNotEqualTo(latest.digest());
    assertThat(v129.forPssVersion(PssVersion.LATEST).digest()).isEqualTo(latest.digest());
    assertThat(latest.forPssVersion(new PssVersion(18)).get("CRN-124")).isEmpty();
    assertThat(latest.forPssVersion(new PssVersion(7)).get("CRN-121")).isEmpty();
    assertThat(latest.forPssVersion(new PssVersion(21)).get("CRN-125")).isEmpty();
  }

  @Test
  void allowedRegistries_withParams_failsForeignImages() throws Exception {
    Check base = Checks.builtin().get("CRN-200").orElseThrow();
    Check strict =
        new Check(
            base.id(),
            base.slug(),
            base.severity(),
            base.message(),
            base.description(),
            base.remediation(),
            base.match(),
            Map.of("allowedRegistries", List.of("registry.example.org/")),
            base.variables(),
            base.validations(),
            base.labels(),
            base.origin(),
            base.location());
    List<KubeObject> objects =
        ManifestReader.readAll(
            "x.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: registry.example.org/a:1}]}\n"
                + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c, image: docker.io/evil:1}]}\n",
            new ArrayList<>());
    CheckResult cr = scan(CheckSet.of(List.of(strict)), objects).results().get(0);
    assertThat(cr.passed()).isEqualTo(1);
    assertThat(cr.findings()).extracting(f -> f.object().name()).containsExactly("b");
  }

  static ScanReport scan(CheckSet checks, List<KubeObject> objects) throws ScanException {
    return Scanners.create(ScanOptions.defaults().withChecks(checks).withParallelism(1))
        .scan(List.of(listSource(objects)));
  }

  static ObjectSource listSource(List<KubeObject> objects) {
    return new ObjectSource() {
      @Override
      public String describe() {
        return "test objects";
      }

      @Override
      public void read(Sink sink) {
        objects.forEach(sink::object);
      }
    };
  }

  static String resource(String name) throws IOException {
    try (InputStream in = BuiltinChecksTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
