package dev.cairn.attest;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The service's own stored form of an installed policy. */
final class PolicyJson {
  private PolicyJson() {}

  static String write(Policy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("version", p.version());
    m.put("predecessor", p.predecessor() == null ? "" : p.predecessor().toString());
    List<Object> services = new ArrayList<>();
    for (Policy.Service s : p.services()) {
      services.add(
          Map.of(
              "name",
              s.name(),
              "measurements",
              s.measurements().stream().map(Digest::toString).sorted().toList(),
              "command",
              s.command(),
              "env",
              s.env()));
    }
    m.put("services", services);
    List<Object> secrets = new ArrayList<>();
    for (Policy.SecretSpec s : p.secrets()) {
      secrets.add(
          Map.of(
              "name",
              s.name(),
              "kind",
              s.kind().name(),
              "size",
              s.size(),
              "file",
              s.file() == null ? "" : s.file().toString(),
              "services",
              s.services().stream().sorted().toList()));
    }
    m.put("secrets", secrets);
    if (p.maxValidity() != null) {
      // only when stated: a policy without it keeps the digest it had before the field existed
      m.put("maxValiditySeconds", p.maxValidity().toSeconds());
    }
    return Json.canonical(m);
  }

  /**
   * Reads what {@link #write} wrote; a damaged file fails with a runtime exception the caller
   * reports.
   */
  @SuppressWarnings({"unchecked", "NullAway"})
  static Policy read(String json) throws IOException {
    Map<String, Object> m = Json.parseObject(json);
    List<Policy.Service> services = new ArrayList<>();
    for (Object o : (List<Object>) m.get("services")) {
      Map<String, Object> s = (Map<String, Object>) o;
      Set<Digest> ms = new LinkedHashSet<>();
      for (Object d : (List<Object>) s.get("measurements")) {
        ms.add(Digest.parse((String) d));
      }
      services.add(
          new Policy.Service(
              (String) s.get("name"),
              ms,
              (List<String>) s.get("command"),
              (Map<String, String>) s.get("env")));
    }
    List<Policy.SecretSpec> secrets = new ArrayList<>();
    for (Object o : (List<Object>) m.get("secrets")) {
      Map<String, Object> s = (Map<String, Object>) o;
      String file = (String) s.get("file");
      secrets.add(
          new Policy.SecretSpec(
              (String) s.get("name"),
              Policy.Kind.valueOf((String) s.get("kind")),
              ((Number) s.get("size")).intValue(),
              file == null || file.isEmpty() ? null : Path.of(file),
              new LinkedHashSet<>((List<String>) s.get("services"))));
    }
    String pred = (String) m.get("predecessor");
    Object max = m.get("maxValiditySeconds");
    return new Policy(
        (String) m.get("name"),
        ((Number) m.get("version")).intValue(),
        pred == null || pred.isEmpty() ? null : Digest.parse(pred),
        services,
        secrets,
        max == null ? null : java.time.Duration.ofSeconds(((Number) max).longValue()));
  }
}
