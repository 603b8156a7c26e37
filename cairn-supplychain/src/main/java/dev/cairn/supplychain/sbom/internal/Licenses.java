package dev.cairn.supplychain.sbom.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * License strings as catalogers find them, told apart as CycloneDX does: an SPDX license id (from
 * the SPDX License List the CycloneDX 1.6 schema enumerates), an SPDX expression, or a name.
 */
public final class Licenses {
  private Licenses() {}

  /** Lower-case id to the list's spelling. */
  private static final class Ids {
    static final Map<String, String> IDS = load();

    private static Map<String, String> load() {
      Map<String, String> m = new HashMap<>();
      try (InputStream in = Licenses.class.getResourceAsStream("spdx-license-ids.txt")) {
        if (in == null) {
          throw new IllegalStateException("spdx-license-ids.txt is missing from the build");
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
          if (!line.isBlank() && !line.startsWith("#")) {
            m.put(line.strip().toLowerCase(Locale.ROOT), line.strip());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.copyOf(m);
    }
  }

  /** A few common names and Debian short names that are SPDX ids under another spelling. */
  private static final Map<String, String> ALIASES =
      Map.ofEntries(
          Map.entry("apache 2.0", "Apache-2.0"),
          Map.entry("apache-2", "Apache-2.0"),
          Map.entry("apache license 2.0", "Apache-2.0"),
          Map.entry("apache license, version 2.0", "Apache-2.0"),
          Map.entry("the apache software license, version 2.0", "Apache-2.0"),
          Map.entry("the apache license, version 2.0", "Apache-2.0"),
          Map.entry("apache software license", "Apache-2.0"),
          Map.entry("mit license", "MIT"),
          Map.entry("the mit license", "MIT"),
          Map.entry("expat", "MIT"),
          Map.entry("bsd", "BSD-3-Clause"),
          Map.entry("bsd-3-clause", "BSD-3-Clause"),
          Map.entry("bsd-2-clause", "BSD-2-Clause"),
          Map.entry("new bsd license", "BSD-3-Clause"),
          Map.entry("gpl-2", "GPL-2.0-only"),
          Map.entry("gpl-2+", "GPL-2.0-or-later"),
          Map.entry("gpl-3", "GPL-3.0-only"),
          Map.entry("gpl-3+", "GPL-3.0-or-later"),
          Map.entry("lgpl-2.1", "LGPL-2.1-only"),
          Map.entry("lgpl-2.1+", "LGPL-2.1-or-later"),
          Map.entry("lgpl-3", "LGPL-3.0-only"),
          Map.entry("lgpl-3+", "LGPL-3.0-or-later"),
          Map.entry("eclipse public license - v 2.0", "EPL-2.0"),
          Map.entry("eclipse public license 2.0", "EPL-2.0"),
          Map.entry("mozilla public license 2.0", "MPL-2.0"),
          Map.entry("isc license", "ISC"),
          Map.entry("python software foundation license", "PSF-2.0"));

  /** The SPDX id {@code text} names (exactly, in any case, or by a common alias), if any. */
  public static Optional<String> spdxId(String text) {
    String k = text.strip().toLowerCase(Locale.ROOT);
    // aliases first: Debian's LGPL-2.1+ is a deprecated SPDX id of LGPL-2.1-or-later
    String id = ALIASES.get(k);
    if (id == null) {
      id = Ids.IDS.get(k);
    }
    return Optional.ofNullable(id);
  }

  /** Whether {@code text} is an SPDX expression of ids ({@code MIT OR Apache-2.0}). */
  public static boolean isExpression(String text) {
    String t = text.strip();
    if (!(t.contains(" OR ") || t.contains(" AND ") || t.contains(" WITH "))) {
      return false;
    }
    for (String tok : t.replace("(", " ").replace(")", " ").split("\\s+")) {
      if (tok.isEmpty() || tok.equals("OR") || tok.equals("AND") || tok.equals("WITH")) {
        continue;
      }
      String base = tok.endsWith("+") ? tok.substring(0, tok.length() - 1) : tok;
      if (!Ids.IDS.containsKey(base.toLowerCase(Locale.ROOT))
          && !tok.startsWith("LicenseRef-")
          && !tok.endsWith("-exception")
          && !tok.contains("exception")) {
        return false;
      }
    }
    return true;
  }

  /** The license as one JSON object of a CycloneDX {@code licenses} list, by id or by name. */
  public static Map<String, Object> licenseObject(String text) {
    Optional<String> id = spdxId(text);
    return id.isPresent() ? Map.of("id", id.get()) : Map.of("name", text.strip());
  }

  /** A license from a Python classifier ({@code License :: OSI Approved :: MIT License}). */
  public static @Nullable String fromClassifier(String classifier) {
    if (!classifier.startsWith("License ::")) {
      return null;
    }
    String last = classifier.substring(classifier.lastIndexOf("::") + 2).strip();
    if (last.equals("OSI Approved") || last.isEmpty()) {
      return null;
    }
    return spdxId(last).orElse(last);
  }

  /** Trims and normalises a license string; null for empty or placeholder values. */
  public static @Nullable String clean(@Nullable String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    if (t.isEmpty()
        || t.equalsIgnoreCase("UNKNOWN")
        || t.equalsIgnoreCase("UNLICENSED")
        || t.equalsIgnoreCase("none")) {
      return null;
    }
    if (t.length() > 200) {
      t = t.substring(0, 200);
    }
    return spdxId(t).orElse(t);
  }
}
