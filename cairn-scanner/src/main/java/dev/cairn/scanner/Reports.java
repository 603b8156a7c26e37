package dev.cairn.scanner;

import dev.cairn.scanner.internal.HtmlReport;
import dev.cairn.scanner.internal.JsonReport;
import dev.cairn.scanner.internal.JunitReport;
import dev.cairn.scanner.internal.SarifReport;
import dev.cairn.scanner.internal.TableReport;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes scan reports. */
public final class Reports {
  private Reports() {}

  /** Writes a report to {@code file} atomically (temp file, then a move): never half a report. */
  public static void write(ScanReport report, ReportFormat format, Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = Files.createTempFile(dir == null ? Path.of(".") : dir, ".cairn-report", ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      write(report, format, w, false);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Fails now, before a scan, when a report could not be written to {@code file}: it is a
   * directory, or its directory cannot be made or written ({@link
   * java.nio.file.FileAlreadyExistsException} names a file in the way).
   */
  public static void checkWritable(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "is a directory");
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".cairn-report", ".tmp"));
    }
  }

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
