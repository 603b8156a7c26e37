package dev.cairn.supplychain.vuln;

import dev.cairn.core.Json;
import dev.cairn.core.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the components of a CycloneDX JSON SBOM (1.4 to 1.6): {@code components[]} and the
 * components nested in them, in document order; the document's own {@code metadata.component} is
 * what the SBOM describes, not one of its parts, and is left out.
 */
public final class Sboms {
  private Sboms() {}

  /**
   * The components of the SBOM in {@code file}.
   *
   * @throws VulnException when it cannot be read or is not a CycloneDX JSON document
   */
  public static List<SbomComponent> read(Path file) throws VulnException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new VulnException(
          "cannot read SBOM " + file + ": " + Text.reason(e),
          "give an SBOM file (cairn sbom IMAGE -o cyclonedx-json)",
          e);
    }
    Map<String, Object> doc;
    try {
      doc = Json.parseObject(text);
    } catch (IOException e) {
      throw new VulnException(
          file + ": not JSON: " + Text.reason(e),
          "give a CycloneDX JSON SBOM (cairn sbom IMAGE -o cyclonedx-json)",
          e);
    }
    if (!"CycloneDX".equals(doc.get("bomFormat"))) {
      throw new VulnException(
          file + ": not a CycloneDX SBOM (its bomFormat is " + doc.get("bomFormat") + ")",
          "give a CycloneDX JSON SBOM (cairn sbom IMAGE -o cyclonedx-json)");
    }
    List<SbomComponent> out = new ArrayList<>();
    collect(doc.get("components"), out);
    return List.copyOf(out);
  }

  private static void collect(
      @org.jspecify.annotations.Nullable Object list, List<SbomComponent> out) {
    if (!(list instanceof List<?> l)) {
      return;
    }
    for (Object o : l) {
      if (o instanceof Map<?, ?> c) {
        out.add(
            new SbomComponent(
                str(c.get("name")),
                str(c.get("version")),
                str(c.get("purl")),
                str(c.get("bom-ref"))));
        collect(c.get("components"), out);
      }
    }
  }

  private static String str(@org.jspecify.annotations.Nullable Object o) {
    return o instanceof String s ? s : "";
  }
}
