package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs this checkout's {@code ./cairn} launcher as a user would, in a directory with a home. */
final class Launcher {
  record Run(int code, String out, String err) {}

  private Launcher() {}

  /** {@code ./cairn args} in {@code dir} with {@code CAIRN_HOME=dir/home} and {@code env} added. */
  static Run run(Path dir, Map<String, String> env, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(Path.of("..", "cairn").toAbsolutePath().normalize().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().put("CAIRN_HOME", dir.resolve("home").toString());
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(6, TimeUnit.MINUTES)).as("cairn " + String.join(" ", args)).isTrue();
    Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }
}
