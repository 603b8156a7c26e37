package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CairnHome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command, option and positional parameter of the whole command tree has help text (from
 * messages.properties or its annotation): a key spelled wrong there leaves a blank line in --help.
 */
class HelpTextTest {
  @Test
  void everyCommandOptionAndParameter_hasADescription() {
    CommandLine root =
        new CommandLine(new CairnCommand(Map.of(), CairnHome.of(Path.of("/nonexistent"))));
    List<String> blank = new ArrayList<>();
    int seen = walk(root, blank);
    assertThat(seen).isGreaterThan(100);
    assertThat(blank).as("without help text").isEmpty();
  }

  private static int walk(CommandLine cl, List<String> blank) {
    CommandSpec spec = cl.getCommandSpec();
    int seen = 1;
    if (String.join("", spec.usageMessage().description()).isBlank()) {
      blank.add(spec.qualifiedName());
    }
    List<ArgSpec> args = new ArrayList<>(spec.options());
    args.addAll(spec.positionalParameters());
    for (ArgSpec a : args) {
      seen++;
      if (String.join("", a.description()).isBlank()) {
        blank.add(
            spec.qualifiedName()
                + " "
                + (a instanceof OptionSpec o ? o.longestName() : a.paramLabel()));
      }
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      seen += walk(sub, blank);
    }
    return seen;
  }
}
