package dev.cairn.supplychain.sbom.internal;

import dev.cairn.core.Json;
import dev.cairn.supplychain.sbom.Component;
import dev.cairn.supplychain.sbom.Sbom;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * CycloneDX 1.6 JSON ({@code bom-1.6.schema.json}): written with Cairn's {@link Json}, keys in a
 * fixed order, components in the order of {@link Sbom#components()} (by purl), each with {@code
 * bom-ref} = its purl (unique: components are merged by purl).
 */
public final class CycloneDxJson {
  private CycloneDxJson() {}

  public static String write(Sbom sbom) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
    doc.put("bomFormat", "CycloneDX");
    doc.put("specVersion", Sbom.SPEC_VERSION);
    doc.put("serialNumber", sbom.serialNumber());
    doc.put("version", 1);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("timestamp", sbom.timestamp().truncatedTo(ChronoUnit.SECONDS).toString());
    String tool = sbom.tool();
    int sp = tool.indexOf(' ');
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", "application");
    t.put("group", "dev.cairn");
    t.put("name", sp < 0 ? tool : tool.substring(0, sp));
    if (sp > 0) {
      t.put("version", tool.substring(sp + 1));
    }
    meta.put("tools", Map.of("components", List.of(t)));
    meta.put("component", component(sbom.subject()));
    doc.put("metadata", meta);
    List<Object> cs = new ArrayList<>();
    for (Component c : sbom.components()) {
      cs.add(component(c));
    }
    doc.put("components", cs);
    return Json.pretty(doc);
  }

  private static Map<String, Object> component(Component c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", c.type().id());
    if (!c.purl().isEmpty()) {
      m.put("bom-ref", c.purl());
    }
    if (c.group() != null) {
      m.put("group", c.group());
    }
    m.put("name", c.name());
    if (!c.version().isEmpty()) {
      m.put("version", c.version());
    }
    if (!c.hashes().isEmpty()) {
      List<Object> hs = new ArrayList<>();
      c.hashes().forEach((alg, hex) -> hs.add(ordered("alg", alg, "content", hex)));
      m.put("hashes", hs);
    }
    if (!c.licenses().isEmpty()) {
      if (c.licenses().size() == 1 && Licenses.isExpression(c.licenses().get(0))) {
        m.put("licenses", List.of(Map.of("expression", c.licenses().get(0))));
      } else {
        List<Object> ls = new ArrayList<>();
        for (String l : c.licenses()) {
          ls.add(Map.of("license", Licenses.licenseObject(l)));
        }
        m.put("licenses", ls);
      }
    }
    if (!c.purl().isEmpty()) {
      m.put("purl", c.purl());
    }
    if (!c.locations().isEmpty()) {
      List<Object> occ = new ArrayList<>();
      for (String l : c.locations()) {
        occ.add(Map.of("location", l));
      }
      m.put("evidence", Map.of("occurrences", occ));
    }
    if (!c.cataloger().isEmpty()) {
      m.put("properties", List.of(ordered("name", "cairn:cataloger", "value", c.cataloger())));
    }
    return m;
  }

  private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  // ------------------------------------------------------------------ reading

  public static Sbom read(String json) throws IOException {
    Map<String, Object> doc = Json.parseObject(json);
    if (!"CycloneDX".equals(doc.get("bomFormat"))) {
      throw new IOException("bomFormat is " + str(doc.get("bomFormat")) + ", not CycloneDX");
    }
    String spec = str(doc.get("specVersion"));
    if (!spec.startsWith("1.")) {
      throw new IOException("specVersion is " + spec + ", not 1.x");
    }
    Map<?, ?> meta = doc.get("metadata") instanceof Map<?, ?> mm ? mm : Map.of();
    Instant ts = Instant.EPOCH;
    if (meta.get("timestamp") instanceof String s) {
      try {
        ts = Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw new IOException("metadata.timestamp '" + s + "' is not an RFC 3339 time");
      }
    }
    Component subject =
        meta.get("component") instanceof Map<?, ?> sc
            ? component(sc, "metadata.component")
            : new Component(
                Component.Type.APPLICATION,
                null,
                "unknown",
                "",
                "",
                List.of(),
                Map.of(),
                List.of(),
                "");
    String tool = "";
    if (meta.get("tools") instanceof Map<?, ?> tools
        && tools.get("components") instanceof List<?> tl
        && !tl.isEmpty()
        && tl.get(0) instanceof Map<?, ?> t0) {
      tool = (str(t0.get("name")) + " " + str(t0.get("version"))).strip();
    }
    List<Component> out = new ArrayList<>();
    if (doc.get("components") != null && !(doc.get("components") instanceof List<?>)) {
      throw new IOException("components is not a list");
    }
    flatten(doc.get("components"), "components", out);
    return new Sbom(subject, out, str(doc.get("serialNumber")), ts, tool, List.of());
  }

  private static void flatten(@Nullable Object list, String at, List<Component> out)
      throws IOException {
    if (!(list instanceof List<?> l)) {
      return;
    }
    for (int i = 0; i < l.size(); i++) {
      String here = at + "[" + i + "]";
      if (!(l.get(i) instanceof Map<?, ?> m)) {
        throw new IOException(here + " is not an object");
      }
      out.add(component(m, here));
      flatten(m.get("components"), here + ".components", out);
    }
  }

  private static Component component(Map<?, ?> m, String at) throws IOException {
    String name = str(m.get("name"));
    if (name.isEmpty()) {
      throw new IOException(at + " has no name");
    }
    String group = str(m.get("group"));
    List<String> licenses = new ArrayList<>();
    if (m.get("licenses") instanceof List<?> ls) {
      for (Object o : ls) {
        if (o instanceof Map<?, ?> lm) {
          if (lm.get("expression") instanceof String e) {
            licenses.add(e);
          } else if (lm.get("license") instanceof Map<?, ?> lic) {
            String v = str(lic.get("id"));
            licenses.add(v.isEmpty() ? str(lic.get("name")) : v);
          }
        }
      }
    }
    licenses.removeIf(String::isEmpty);
    Map<String, String> hashes = new LinkedHashMap<>();
    if (m.get("hashes") instanceof List<?> hs) {
      for (Object o : hs) {
        if (o instanceof Map<?, ?> h && !str(h.get("alg")).isEmpty()) {
          hashes.put(str(h.get("alg")), str(h.get("content")));
        }
      }
    }
    List<String> locations = new ArrayList<>();
    if (m.get("evidence") instanceof Map<?, ?> ev && ev.get("occurrences") instanceof List<?> oc) {
      for (Object o : oc) {
        if (o instanceof Map<?, ?> om && !str(om.get("location")).isEmpty()) {
          locations.add(str(om.get("location")));
        }
      }
    }
    String cataloger = "";
    if (m.get("properties") instanceof List<?> ps) {
      for (Object o : ps) {
        if (o instanceof Map<?, ?> p && "cairn:cataloger".equals(p.get("name"))) {
          cataloger = str(p.get("value"));
        }
      }
    }
    return new Component(
        Component.Type.of(str(m.get("type"))),
        group.isEmpty() ? null : group,
        name,
        str(m.get("version")),
        str(m.get("purl")),
        licenses,
        hashes,
        locations,
        cataloger);
  }

  private static String str(@Nullable Object o) {
    return o instanceof String s ? s : o == null ? "" : String.valueOf(o);
  }
}
