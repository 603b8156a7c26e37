package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.scanner.internal.ManifestReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltinChecksTest {
  @Test
  void builtin_everyCheckLoadsAndCompiles() {
    CheckSet set = Checks.builtin();
    assertThat(set.size()).isEqualTo(Checks.builtinFiles().size());
    assertThat(set.checks()).allSatisfy(c -> assertThat(c.origin()).startsWith("builtin:"));
  }

  @Test
  void smoke() throws Exception {
    List<Notice> notices = new ArrayList<>();
    List<KubeObject> objs =
        ManifestReader.readAll(
            "t.yaml",
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: bad, namespace: x}
            spec:
              hostNetwork: true
              containers:
              - name: a
                image: nginx
                ports: [{containerPort: 22, hostPort: 80}]
                securityContext: {privileged: true}
            """,
            notices);
    ScanReport r =
        Scanners.create(ScanOptions.defaults().withParallelism(1))
            .scan(List.of(new ObjectSource() {
              @Override public String describe() { return "t"; }
              @Override public void read(Sink sink) { objs.forEach(sink::object); }
            }));
    for (CheckResult cr : r.results()) {
      System.out.println(cr.check().id() + " " + cr.status() + " " + cr.findings());
    }
  }
}
