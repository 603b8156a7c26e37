package dev.cairn.deploy;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Fix;
import dev.cairn.core.Json;
import dev.cairn.deploy.rollout.DeployException;
import dev.cairn.supplychain.vuln.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Deploy targets kept in Cairn's home: {@code deploy/targets/NAME/target.json} beside the target's
 * history, replaced atomically.
 */
public final class Targets {
  private Targets() {}

  static Path file(CairnHome home, String name) {
    return home.dir("deploy").resolve("targets").resolve(name).resolve("target.json");
  }

  public static void save(CairnHome home, TargetConfig t) throws DeployException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", t.name());
    m.put("kubeconfig", t.kubeconfig().toAbsolutePath().toString());
    m.put("context", t.context());
    m.put("namespace", t.namespace());
    m.put("deadlineSeconds", t.deadline().toSeconds());
    m.put("allowedRepositories", t.allowedRepositories());
    m.put("allowedBranches", t.allowedBranches());
    m.put("frameworks", t.frameworks());
    m.put("requireCertificate", t.requireCertificate());
    m.put(
        "certificate",
        t.certificate() == null ? null : t.certificate().toAbsolutePath().toString());
    VulnPolicy v = t.vulnerabilities();
    if (v != null) {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("maxSeverity", v.maxSeverity().id());
      vm.put("maxDbAge", VulnPolicy.formatAge(v.maxDbAge()));
      vm.put("required", v.required());
      m.put("vulnerabilities", vm);
    }
    Path f = file(home, t.name());
    try {
      Files.createDirectories(f.getParent());
      AtomicFiles.write(f, Json.pretty(m));
    } catch (IOException e) {
      throw new DeployException(
          "history",
          "cannot write " + f + ": " + e.getMessage(),
          "check that Cairn's home is writable",
          null,
          e);
    }
  }

  public static Optional<TargetConfig> load(CairnHome home, String name) throws DeployException {
    if (!TargetConfig.validName(name)) {
      throw new DeployException(
          "target",
          "'" + name + "' is not a target name (1-63 lower-case letters, digits and '-')",
          "name the target as it was defined",
          Fix.of("deploy.target", "target", name),
          null);
    }
    Path f = file(home, name);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      Map<String, Object> m = Json.parseObject(Files.readString(f));
      return Optional.of(
          new TargetConfig(
              name,
              Path.of(str(m, "kubeconfig")),
              m.get("context") instanceof String c ? c : null,
              str(m, "namespace"),
              Duration.ofSeconds(((Number) m.getOrDefault("deadlineSeconds", 120L)).longValue()),
              list(m, "allowedRepositories"),
              list(m, "allowedBranches"),
              list(m, "frameworks"),
              Boolean.TRUE.equals(m.get("requireCertificate")),
              m.get("certificate") instanceof String s ? Path.of(s) : null,
              vulnerabilities(m.get("vulnerabilities"))));
    } catch (IOException | RuntimeException e) {
      throw new DeployException(
          "target",
          f + " is not a deploy target: " + e.getMessage(),
          "define the target again",
          Fix.of("deploy.target", "target", name),
          e);
    }
  }

  /** The target, or a refusal naming it. */
  public static TargetConfig require(CairnHome home, String name) throws DeployException {
    return load(home, name)
        .orElseThrow(
            () ->
                new DeployException(
                    "target",
                    "there is no deploy target '" + name + "'",
                    "define it first (its kubeconfig, namespace and gate)",
                    Fix.of("deploy.target-add", "target", name),
                    null));
  }

  private static @Nullable VulnPolicy vulnerabilities(@Nullable Object o) throws IOException {
    if (o == null) {
      return null;
    }
    if (!(o instanceof Map<?, ?> m)) {
      throw new IOException("vulnerabilities is not an object");
    }
    Severity s =
        Severity.parse(String.valueOf(m.get("maxSeverity")))
            .orElseThrow(
                () -> new IOException("vulnerabilities.maxSeverity is " + m.get("maxSeverity")));
    Duration age =
        VulnPolicy.parseAge(String.valueOf(m.get("maxDbAge")))
            .orElseThrow(() -> new IOException("vulnerabilities.maxDbAge is " + m.get("maxDbAge")));
    return new VulnPolicy(s, age, !Boolean.FALSE.equals(m.get("required")));
  }

  private static String str(Map<String, Object> m, String k) throws IOException {
    if (!(m.get(k) instanceof String s)) {
      throw new IOException(k + " is missing");
    }
    return s;
  }

  private static List<String> list(Map<String, Object> m, String k) {
    List<String> out = new ArrayList<>();
    if (m.get(k) instanceof List<?> l) {
      for (Object o : l) {
        out.add(String.valueOf(o));
      }
    }
    return out;
  }
}
