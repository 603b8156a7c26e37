package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import dev.cairn.scanner.internal.ManifestReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Marvin's own check files, unchanged, run in Cairn against Marvin's own test cases
 * (src/test/resources/marvin): every case must give Marvin's verdict and message.
 */
class MarvinCompatTest {
  static final Path ROOT = Path.of("src/test/resources/marvin/builtins");

  @Test
  void marvinBuiltins_allLoadUnchanged() throws Exception {
    CheckSet set = Checks.load(ROOT);
    assertThat(set.size()).isEqualTo(35);
  }

  @TestFactory
  Stream<DynamicContainer> marvinBuiltins_giveMarvinsVerdictsOnMarvinsTests() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.walk(ROOT)) {
      files =
          s.filter(
                  p ->
                      p.toString().matches(".*M-\\d+_[a-z_]+\\.ya?ml$")
                          && !p.toString().matches(".*_test\\.ya?ml$"))
              .sorted()
              .toList();
    }
    return files.stream()
        .map(f -> DynamicContainer.dynamicContainer(f.getFileName().toString(), cases(f)));
  }

  @SuppressWarnings("unchecked")
  private static Stream<DynamicTest> cases(Path checkFile) {
    try {
      Check check = Checks.load(checkFile).checks().get(0);
      String name = checkFile.getFileName().toString();
      Path testFile = checkFile.resolveSibling(name.replaceFirst("\\.(ya?ml)$", "_test.$1"));
      List<Object> tests =
          (List<Object>)
              new Load(LoadSettings.builder().build()).loadFromString(Files.readString(testFile));
      return tests.stream()
          .map(t -> (Map<String, Object>) t)
          .map(
              t -> DynamicTest.dynamicTest(String.valueOf(t.get("name")), () -> runCase(check, t)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void runCase(Check check, Map<String, Object> t) throws Exception {
    Check c = check;
    if (t.get("params") instanceof Map<?, ?> p) {
      // Marvin replaces the check's params with the test's; normalise numbers through JSON as Go
      // does
      Map<String, Object> params = Json.parseObject(Json.canonical(p));
      c =
          new Check(
              c.id(),
              c.slug(),
              c.severity(),
              c.message(),
              c.description(),
              c.remediation(),
              c.match(),
              params,
              c.variables(),
              c.validations(),
              c.labels(),
              c.origin(),
              c.location());
    }
    List<Notice> notices = new ArrayList<>();
    List<KubeObject> objects =
        ManifestReader.readAll("input.yaml", String.valueOf(t.get("input")), notices);
    assertThat(notices).isEmpty();
    assertThat(objects).hasSize(1);
    KubeObject o = objects.get(0);
    if (c.match().stream().noneMatch(m -> m.matches(o.group(), o.version(), o.resource()))) {
      // Marvin's test runner evaluates the check on the input whatever its match says; a scan
      // would not list such an object for this check, so add its resource to the match
      List<ResourceRule> match = new ArrayList<>(c.match());
      match.add(new ResourceRule(o.group(), o.version(), o.resource()));
      c =
          new Check(
              c.id(),
              c.slug(),
              c.severity(),
              c.message(),
              c.description(),
              c.remediation(),
              match,
              c.params(),
              c.variables(),
              c.validations(),
              c.labels(),
              c.origin(),
              c.location());
    }
    CheckResult r = BuiltinChecksTest.scan(CheckSet.of(List.of(c)), objects).results().get(0);
    assertThat(r.errors()).as("errors: %s", r.findings()).isZero();
    boolean pass = Boolean.TRUE.equals(t.get("pass"));
    assertThat(r.failed() == 0).as("pass").isEqualTo(pass);
    if (!pass && t.get("message") instanceof String m && !m.isEmpty()) {
      assertThat(r.findings().get(0).message()).isEqualTo(m);
    }
  }
}
