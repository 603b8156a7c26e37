package dev.cairn.attest.internal;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.LaunchSpec;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measurement of a launch: SHA-256 over canonical JSON of the code files (by file name and
 * content digest, sorted by name, so directory and order don't matter), the check pack digest and
 * the launch configuration. The same inputs give the same digest on any machine.
 */
public final class Measurements {
  private Measurements() {}

  public static Digest of(LaunchSpec spec) throws AttestationException {
    List<Map<String, String>> code = new ArrayList<>();
    List<Path> files = new ArrayList<>(spec.code());
    files.sort(
        Comparator.comparing((Path p) -> p.getFileName().toString()).thenComparing(Path::toString));
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        code.add(
            Map.of("name", f.getFileName().toString(), "digest", Digest.sha256(in).toString()));
      } catch (IOException e) {
        throw new AttestationException(
            "cannot measure " + f + ": " + e.getMessage(),
            "check that the workload's jars exist and are readable",
            e);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", code);
    m.put("checkPack", spec.checkPack().toString());
    m.put("command", spec.command());
    m.put("env", spec.env());
    return Digest.sha256(Json.canonical(m));
  }
}
