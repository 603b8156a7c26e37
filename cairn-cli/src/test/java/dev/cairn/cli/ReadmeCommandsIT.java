package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the README's quick start, through the real launcher: each one parses (its
 * subcommand and every option it names exist; run with {@code --help} so that it does nothing
 * else), and those that need no cluster or chain really run on fixtures. A command the README
 * documents can never be missing again (as {@code cairn attest} was).
 */
class ReadmeCommandsIT {
  @TempDir Path tmp;

  /**
   * The {@code ./cairn …} invocations of the README's quick-start block, one argument list each.
   */
  static List<List<String>> quickStart() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher block =
        Pattern.compile("## Quick start\\s+```sh\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(block.find()).as("README has a quick-start block").isTrue();
    List<List<String>> commands = new ArrayList<>();
    for (String line : block.group(1).split("\n")) {
      String code = line.replaceFirst("\\s+#.*$", "").strip();
      for (String part : code.split("&&|\\|")) {
        Matcher m = Pattern.compile("\\./cairn\\s+(.*)$").matcher(part.strip());
        if (m.find()) {
          List<String> args = new ArrayList<>();
          for (String a : m.group(1).strip().split("\\s+")) {
            if (a.equals("...")) {
              break;
            }
            args.add(a);
          }
          commands.add(args);
        }
      }
    }
    return commands;
  }

  /** Stands in fixtures for the README's placeholders. */
  private List<String> concrete(List<String> args) throws Exception {
    Path deploy = tmp.resolve("deploy");
    Files.createDirectories(deploy);
    Files.copy(
        Path.of("src/test/resources/readme/deploy/app.yaml"),
        deploy.resolve("app.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(
        tmp.resolve("exceptions.yaml"),
        "exceptions:\n  - check: CRN-500\n    namespace: shop\n    reason: readme fixture\n"
            + "    expires: 2099-12-31\n");
    Path checks = Files.createDirectories(tmp.resolve("my-checks"));
    Files.writeString(
        checks.resolve("no-latest.yaml"),
        "id: README-1\nseverity: Low\nmessage: Image has a tag\nmatch:\n  resources:\n"
            + "    - {group: \"\", version: v1, resource: pods}\nvalidations:\n"
            + "  - expression: allContainers.all(c, !c.image.endsWith(':latest'))\n"
            + "    message: an image is :latest\n");
    List<String> out = new ArrayList<>();
    for (String a : args) {
      out.add(
          switch (a) {
            case "deploy/" -> deploy.toString();
            case "~/.kube/config", "K" -> tmp.resolve("kubeconfig").toString();
            case "N" -> "31337";
            case "my-checks/" -> checks.toString();
            default -> a;
          });
    }
    return out;
  }

  @Test
  void everyQuickStartCommand_parses() throws Exception {
    List<List<String>> commands = quickStart();
    assertThat(commands).hasSizeGreaterThan(15);
    for (List<String> c : commands) {
      List<String> args = new ArrayList<>(concrete(c));
      args.add("--help");
      Launcher.Run r = Launcher.run(tmp, Map.of(), args.toArray(String[]::new));
      assertThat(r.code()).as("./cairn " + String.join(" ", c) + "\n" + r.err()).isZero();
      assertThat(r.out()).as("./cairn " + String.join(" ", c)).contains("Usage: cairn");
    }
  }

  @Test
  void theQuickStartCommandsThatNeedNoClusterOrChain_run() throws Exception {
    int ran = 0;
    for (List<String> c : quickStart()) {
      String sub = c.isEmpty() ? "" : c.get(0);
      boolean local =
          (sub.equals("scan") && !c.contains("--kubeconfig") && !c.contains("-"))
              || sub.equals("checks");
      if (!local) {
        continue;
      }
      Launcher.Run r = Launcher.run(tmp, Map.of(), concrete(c).toArray(String[]::new));
      // the fixture is hardened: only best practice (image digests, limits…) finds something
      int expected = String.join(" ", c).equals("scan deploy/") ? 1 : 0;
      assertThat(r.code())
          .as("./cairn " + String.join(" ", c) + "\n" + r.out() + r.err())
          .isEqualTo(expected);
      assertThat(r.err()).as("./cairn " + String.join(" ", c)).doesNotContain("internal error");
      ran++;
    }
    assertThat(ran).isGreaterThanOrEqualTo(6);
    assertThat(Arrays.stream(tmp.toFile().list()).toList()).contains("cairn.sarif");
  }
}
