package dev.cairn.supplychain.vuln;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The project's OSV fixtures and CycloneDX SBOM (src/test/resources/vuln). */
final class Fixtures {
  private Fixtures() {}

  /** Five days after the fixtures' newest {@code modified}. */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC);

  static Path resource(String name) {
    try {
      return Path.of(Objects.requireNonNull(Fixtures.class.getResource("/vuln/" + name)).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The directory of OSV JSON files, one folder per ecosystem. */
  static Path osvDir() {
    return resource("osv");
  }

  static Path sbom() {
    return resource("fixture.cdx.json");
  }

  /** The fixtures of one ecosystem folder as an osv.dev-style {@code all.zip}. */
  static Path allZip(String ecosystem, Path out) throws IOException {
    Files.createDirectories(out.getParent());
    try (OutputStream o = Files.newOutputStream(out);
        ZipOutputStream z = new ZipOutputStream(o);
        Stream<Path> files = Files.list(osvDir().resolve(ecosystem))) {
      for (Path f : files.sorted().toList()) {
        z.putNextEntry(new ZipEntry(String.valueOf(f.getFileName())));
        z.write(Files.readAllBytes(f));
        z.closeEntry();
      }
    }
    return out;
  }

  static final List<String> ECOSYSTEMS = List.of("Alpine", "Debian", "Go", "Maven", "PyPI", "npm");
}
