package dev.cairn.attest;

import dev.cairn.core.Digest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a measured workload is made of: its code (jar files), the check packs it runs, and how it is
 * launched. Secrets are never part of it: they are injected by name after attestation.
 *
 * @param code the jars (or other files) of the workload's code
 * @param checkPack digest of the check packs the workload runs
 * @param command command and arguments, with {@code $$CAIRN::name$$} placeholders for secrets
 * @param env environment, with placeholders for secrets
 */
public record LaunchSpec(
    List<Path> code, Digest checkPack, List<String> command, Map<String, String> env) {
  public LaunchSpec {
    code = List.copyOf(code);
    command = List.copyOf(command);
    env = java.util.Collections.unmodifiableMap(new TreeMap<>(env));
  }
}
