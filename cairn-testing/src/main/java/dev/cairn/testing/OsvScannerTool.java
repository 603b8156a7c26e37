package dev.cairn.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * osv-scanner, Google's reference OSV matcher, built once from the Go module proxy by {@code
 * scripts/osv-scanner-tool} into {@code ~/.cache/cairn/tools} and reused: the cross-check of
 * Cairn's vulnerability gate.
 */
public final class OsvScannerTool {
  private static final Object LOCK = new Object();
  private static volatile @Nullable Path binary;

  private OsvScannerTool() {}

  /** The osv-scanner binary, built first if the cache has none (about 13 min on a cold machine). */
  public static Path binary() throws IOException {
    synchronized (LOCK) {
      Path b = binary;
      if (b != null) {
        return b;
      }
      Path script = CosignTool.script().resolveSibling("osv-scanner-tool");
      CosignTool.Result r =
          CosignTool.run(List.of(script.toString()), Path.of("."), 40, false, Map.of());
      if (r.exitCode() != 0) {
        throw new IOException("scripts/osv-scanner-tool failed: " + r.output());
      }
      b = Path.of(r.output().strip().lines().reduce((x, y) -> y).orElse(""));
      if (!Files.isExecutable(b)) {
        throw new IOException("scripts/osv-scanner-tool printed no binary: " + r.output());
      }
      binary = b;
      return b;
    }
  }

  /**
   * What one offline scan gave.
   *
   * @param exitCode 0 no vulnerabilities, 1 some, anything else an error
   * @param log what it printed
   * @param json its JSON report, empty when it wrote none
   */
  public record Scan(int exitCode, String log, String json) {}

  /**
   * Scans the CycloneDX SBOM {@code sbom} (its name must end {@code .cdx.json}) against the local
   * database under {@code dbRoot} ({@code dbRoot/osv-scalibr/<ecosystem>/all.zip}), offline: no
   * network, no user cache ({@code HOME} is {@code dir}).
   */
  public static Scan scanSbom(Path dir, Path dbRoot, Path sbom) throws IOException {
    Path out = dir.resolve("osv-scanner.json");
    Files.deleteIfExists(out);
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(
        List.of(
            "scan",
            "source",
            "--offline",
            "--offline-vulnerabilities",
            "-L",
            sbom.toString(),
            "--format",
            "json",
            "--output-file",
            out.toString()));
    CosignTool.Result r =
        CosignTool.run(
            cmd,
            dir,
            5,
            false,
            Map.of(
                "OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY", dbRoot.toString(),
                "HOME", dir.toString(),
                "XDG_CACHE_HOME", dir.resolve(".cache").toString()));
    return new Scan(r.exitCode(), r.output(), Files.exists(out) ? Files.readString(out) : "");
  }
}
