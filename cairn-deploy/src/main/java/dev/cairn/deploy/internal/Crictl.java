package dev.cairn.deploy.internal;

import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The node's container runtime over CRI, through {@code crictl} (JSON output). */
final class Crictl {
  private final Path bin;
  private final String endpoint;

  Crictl(Path bin, String endpoint) {
    this.bin = bin;
    this.endpoint = endpoint;
  }

  /** Runs {@code crictl ARGS -o json}; empty when it exits non-zero with {@code missing}. */
  Map<String, Object> json(List<String> args) throws CairnException {
    List<String> cmd = new ArrayList<>(List.of(bin.toString(), "-r", endpoint, "-t", "30s"));
    // flags before the arguments: after one, crictl reads "-o" as an image or sandbox name
    cmd.add(args.get(0));
    cmd.addAll(List.of("-o", "json"));
    cmd.addAll(args.subList(1, args.size()));
    Result r = run(cmd, 60);
    if (r.exit != 0) {
      String why =
          r.err
              .lines()
              .filter(l -> !l.contains("level=warning"))
              .map(l -> l.replaceFirst("^time=\"[^\"]*\" level=\\w+ msg=", ""))
              .reduce((a, b) -> a + "; " + b)
              .orElse("exit " + r.exit);
      throw new CairnException(
          "crictl " + String.join(" ", args) + " failed: " + why,
          "check that the container runtime answers on " + endpoint);
    }
    try {
      return Json.parseObject(r.out);
    } catch (IOException e) {
      throw new CairnException(
          "crictl " + args.get(0) + " printed no JSON: " + e.getMessage(), null);
    }
  }

  /** Whether {@code crictl ARGS} succeeded (its output dropped). */
  boolean ok(List<String> args, int timeoutSeconds) throws CairnException {
    List<String> cmd = new ArrayList<>(List.of(bin.toString(), "-r", endpoint, "-t", "30s"));
    cmd.addAll(args);
    return run(cmd, timeoutSeconds).exit == 0;
  }

  private record Result(int exit, String out, String err) {}

  private Result run(List<String> cmd, int timeoutSeconds) throws CairnException {
    try {
      Process p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
      var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      String out = read(p.getInputStream());
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new CairnException("crictl did not answer in " + timeoutSeconds + " s", null);
      }
      return new Result(p.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new CairnException(
          "cannot run " + bin + ": " + e.getMessage(), "give the path of crictl (--crictl)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException("interrupted while asking the container runtime", null, e);
    }
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
