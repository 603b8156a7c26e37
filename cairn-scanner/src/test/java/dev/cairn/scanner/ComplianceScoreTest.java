package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.scanner.internal.Jackson;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compliance scores per framework, defined as Kubescape defines them. */
class ComplianceScoreTest {
  private static CheckResult result(ScanReport r, String id) {
    return r.results().stream().filter(c -> c.check().id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void score_isTheMeanOfEachChecksPassedOverJudgedObjects() throws Exception {
    ScanReport r = ReportsTest.report();
    // CRN-102 failed on 1 of 3 objects; CRN-105 passed 2 and waived 1 (waived counts as passing)
    assertThat(result(r, "CRN-102").complianceScore().getAsDouble())
        .isCloseTo(2 / 3.0, within(1e-9));
    assertThat(result(r, "CRN-105").complianceScore().getAsDouble()).isEqualTo(1.0);
    assertThat(result(r, "CRN-302").complianceScore()).isEmpty();

    for (ScanReport.Compliance c : r.compliance()) {
      List<CheckResult> checks =
          r.results().stream()
              .filter(x -> c.framework() == null || x.check().frameworks().contains(c.framework()))
              .filter(x -> x.objects() > 0)
              .toList();
      double mean =
          checks.stream()
              .mapToDouble(x -> x.complianceScore().getAsDouble())
              .average()
              .orElseThrow();
      assertThat(c.checks()).isEqualTo(checks.size());
      assertThat(c.score()).isCloseTo(mean, within(1e-9));
    }
    assertThat(r.compliance())
        .extracting(ScanReport.Compliance::framework)
        .startsWith(Framework.PSS_BASELINE, Framework.PSS_RESTRICTED)
        .endsWith((Framework) null);
  }

  @Test
  void score_isInTheJsonTableAndHtml() throws Exception {
    ScanReport r = ReportsTest.report();
    StringWriter w = new StringWriter();
    Reports.write(r, ReportFormat.JSON, w, false);
    JsonNode compliance = Jackson.MAPPER.readTree(w.toString()).get("compliance");
    ScanReport.Compliance overall = r.compliance().get(r.compliance().size() - 1);
    assertThat(compliance.get("score").asDouble()).isCloseTo(overall.score() * 100, within(0.01));
    assertThat(compliance.get("frameworks").get(0).get("framework").asText())
        .isEqualTo("pss-baseline");
    assertThat(ReportsTest.render(r, ReportFormat.TABLE, false))
        .contains("compliance score " + overall.percent() + " (pss-baseline ");
    assertThat(ReportsTest.render(r, ReportFormat.HTML, false))
        .contains(overall.percent())
        .contains("pss-baseline");
  }
}
