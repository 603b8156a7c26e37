package dev.cairn.supplychain.sbom;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Fix;
import dev.cairn.supplychain.sbom.internal.CycloneDxJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A software bill of materials: what was described ({@code subject}: the image, or the directory)
 * and the components found in it, sorted by purl. {@link #toJson()} writes it as CycloneDX 1.6
 * JSON, deterministically: the same tree, clock and tool give the same bytes.
 *
 * @param serialNumber {@code urn:uuid:…}, derived from the content and timestamp
 * @param tool the tool that made it, e.g. {@code cairn 0.1.0}
 * @param warnings what was skipped (an entry past a limit, an unreadable archive), for people; not
 *     part of the JSON
 */
public record Sbom(
    Component subject,
    List<Component> components,
    String serialNumber,
    Instant timestamp,
    String tool,
    List<String> warnings) {
  public static final String SPEC_VERSION = "1.6";
  public static final String MEDIA_TYPE = "application/vnd.cyclonedx+json";

  public Sbom {
    components = components.stream().sorted(Comparator.comparing(Component::purl)).toList();
    warnings = List.copyOf(warnings);
  }

  /** The CycloneDX 1.6 JSON document, UTF-8. */
  public byte[] toJson() {
    return CycloneDxJson.write(this).getBytes(StandardCharsets.UTF_8);
  }

  /** Writes {@link #toJson()} to {@code file}, replacing it atomically. */
  public void write(Path file) throws SbomException {
    try {
      AtomicFiles.write(file, toJson(), false);
    } catch (IOException e) {
      throw new SbomException(
          "cannot write the SBOM to " + file + ": " + dev.cairn.core.Text.describe(e),
          "check that the directory exists and is writable",
          Fix.of("sbom.write", "file", file.toString()),
          e);
    }
  }

  /**
   * Reads a CycloneDX JSON SBOM (any 1.x; Cairn's own or another tool's): its subject and its
   * components (nested ones flattened) with purl, name, version, licenses and hashes where present.
   *
   * @throws SbomException naming the file and what is wrong with it
   */
  public static Sbom read(Path file) throws SbomException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new SbomException(
          "there is no SBOM " + file,
          "give the CycloneDX JSON file an SBOM step or cairn sbom wrote",
          Fix.of("sbom.missing", "file", file.toString()),
          e);
    } catch (IOException e) {
      throw new SbomException(
          "cannot read the SBOM " + file + ": " + dev.cairn.core.Text.describe(e), null);
    }
    return parse(bytes, file.toString());
  }

  /** As {@link #read}, from the document's bytes; {@code source} names it in messages. */
  public static Sbom parse(byte[] json, String source) throws SbomException {
    try {
      return CycloneDxJson.read(new String(json, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SbomException(
          source + " is not a CycloneDX JSON SBOM: " + e.getMessage(),
          "give a CycloneDX JSON document (bomFormat CycloneDX, specVersion 1.x)",
          Fix.of("sbom.format", "file", source),
          e);
    }
  }
}
