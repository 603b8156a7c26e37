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
  /** Writes a report to {@code file} atomically (temp file, then a move): never half a report. */
  public static void write(ScanReport report, ReportFormat format, java.nio.file.Path file)
      throws java.io.IOException {
    java.nio.file.Path abs = file.toAbsolutePath();
    java.nio.file.Path dir = abs.getParent();
    if (dir != null) {
      java.nio.file.Files.createDirectories(dir);
    }
    java.nio.file.Path tmp =
        java.nio.file.Files.createTempFile(
            dir == null ? java.nio.file.Path.of(".") : dir, ".cairn-report", ".tmp");
    try (Writer w =
        java.nio.file.Files.newBufferedWriter(tmp, java.nio.charset.StandardCharsets.UTF_8)) {
      write(report, format, w, false);
    } catch (java.io.IOException | RuntimeException e) {
      java.nio.file.Files.deleteIfExists(tmp);
      throw e;
    }
    java.nio.file.Files.move(
        tmp,
        abs,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

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
