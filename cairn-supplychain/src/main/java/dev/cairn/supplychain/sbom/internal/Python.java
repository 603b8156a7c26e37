package dev.cairn.supplychain.sbom.internal;

import dev.cairn.core.Digest;
import dev.cairn.supplychain.sbom.Component;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Installed Python distributions: {@code *.dist-info/METADATA} and {@code *.egg-info/PKG-INFO} (or
 * an {@code .egg-info} file), the core metadata's {@code Name}, {@code Version}, {@code
 * License-Expression}, {@code License} and license classifiers; hashed by the metadata file's
 * SHA-256.
 */
public final class Python {
  private Python() {}

  public static boolean isMetadata(String rel) {
    return rel.endsWith(".dist-info/METADATA")
        || rel.endsWith(".egg-info/PKG-INFO")
        || rel.endsWith(".egg-info");
  }

  public static @Nullable Component read(Path file, String location) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.UTF_8);
    // the headers end at the first blank line; the description follows
    int body = text.indexOf("\n\n");
    String headers = body < 0 ? text : text.substring(0, body);
    String name = "";
    String version = "";
    String expression = "";
    String license = "";
    List<String> classifiers = new ArrayList<>();
    String last = "";
    for (String line : headers.split("\n")) {
      if ((line.startsWith(" ") || line.startsWith("\t")) && last.equals("License")) {
        continue; // a multi-line license text: the first line names it
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      last = line.substring(0, colon);
      String v = line.substring(colon + 1).strip();
      switch (last) {
        case "Name" -> name = v;
        case "Version" -> version = v;
        case "License-Expression" -> expression = v;
        case "License" -> license = v;
        case "Classifier" -> classifiers.add(v);
        default -> {}
      }
    }
    if (name.isEmpty() || version.isEmpty()) {
      return null;
    }
    List<String> licenses = new ArrayList<>();
    if (!expression.isEmpty()) {
      licenses.add(expression);
    } else {
      String l = Licenses.clean(license);
      if (l != null && l.length() <= 80 && !l.contains("\n")) {
        licenses.add(l);
      }
      if (licenses.isEmpty()) {
        for (String c : classifiers) {
          String fromC = Licenses.fromClassifier(c);
          if (fromC != null) {
            licenses.add(fromC);
          }
        }
      }
    }
    return new Component(
        Component.Type.LIBRARY,
        null,
        name,
        version,
        Purl.of("pypi", null, Purl.pypiName(name), version, Map.of()),
        licenses,
        Map.of("SHA-256", Digest.sha256(bytes).hex()),
        List.of(location),
        "python");
  }
}
