package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The coverage table (checks/coverage.txt, shown in docs/checks.md) against the built-in pack. */
class CoverageTest {
  @Test
  void everyCisSection5Control_isDecidedOrManualWithAReason_neverSkipped() {
    List<String> controls =
        Checks.coverage().stream()
            .filter(c -> c.framework().equals("cis"))
            .map(CheckDocs.Coverage::control)
            .toList();
    // CIS Kubernetes Benchmark v1.12 section 5 as regolibrary's cis-v1.12.0 framework lists it
    List<String> section5 = new java.util.ArrayList<>();
    for (int i = 1; i <= 13; i++) {
      section5.add("5.1." + i);
      section5.add("5.2." + i);
    }
    section5.addAll(List.of("5.3.1", "5.3.2", "5.4.1", "5.4.2", "5.5.1"));
    section5.addAll(List.of("5.7.1", "5.7.2", "5.7.3", "5.7.4"));
    assertThat(controls).containsExactlyInAnyOrderElementsOf(section5);
    for (CheckDocs.Coverage cv : Checks.coverage()) {
      assertThat(cv.checks()).as(cv.control()).isNotEmpty();
      assertThat(cv.kubescape()).as(cv.control()).matches("C-\\d{4}");
      for (String id : cv.checks()) {
        Check c = Checks.builtin().get(id).orElseThrow(() -> new AssertionError(cv + ": " + id));
        if (cv.framework().equals("cis")) {
          Set<String> labelled =
              Arrays.stream(c.labels().getOrDefault("cis", "").split(","))
                  .map(String::strip)
                  .collect(Collectors.toSet());
          assertThat(labelled).as(id + " is labelled with " + cv.control()).contains(cv.control());
        }
        if (c.isManual()) {
          assertThat(c.manual()).as(id).isNotBlank();
        }
      }
    }
  }

  @Test
  void manualControls_areReportedWithTheirReason() throws Exception {
    ScanReport r = BuiltinChecksTest.scan(Checks.builtin(), List.of());
    assertThat(r.manualControls())
        .extracting(Check::id)
        .containsExactly("CRN-590", "CRN-591", "CRN-592", "CRN-593");
    assertThat(r.summary().manual()).isEqualTo(4);
    java.io.StringWriter w = new java.io.StringWriter();
    Reports.write(r, ReportFormat.JSON, w, false);
    String json = w.toString().replaceAll("\\s", "");
    assertThat(json).contains("\"status\":\"manual\"").contains("\"manual\":\"WhichCNI");
  }
}
