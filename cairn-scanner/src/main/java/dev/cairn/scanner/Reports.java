package dev.cairn.scanner;

import dev.cairn.scanner.internal.HtmlReport;
import dev.cairn.scanner.internal.JsonReport;
import dev.cairn.scanner.internal.JunitReport;
import dev.cairn.scanner.internal.SarifReport;
import dev.cairn.scanner.internal.TableReport;
import java.io.IOException;
import java.io.Writer;

/** Writes scan reports. */
public final class Reports {
  private Reports() {}

  /**
   * Writes {@code report} as {@code format}.
   *
   * @param color ANSI colours (table only; pass true only for a terminal)
   */
  public static void write(ScanReport report, ReportFormat format, Writer out, boolean color)
      throws IOException {
    switch (format) {
      case TABLE -> TableReport.write(report, out, color);
      case JSON -> JsonReport.write(report, out);
      case SARIF -> SarifReport.write(report, out);
      case JUNIT -> JunitReport.write(report, out);
      case HTML -> HtmlReport.write(report, out);
    }
    out.flush();
  }
}
