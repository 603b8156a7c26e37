package dev.cairn.cli;

import dev.cairn.core.CairnHome;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command has: its spec, its streams, and the root's home and environment. A command
 * made only of subcommands prints its usage when called alone.
 */
@Command
abstract class Sub implements Callable<Integer> {
  @SuppressWarnings("NullAway.Init")
  @Spec
  CommandSpec spec;

  CairnCommand root() {
    return CairnCommand.of(spec);
  }

  CairnHome home() {
    return root().home();
  }

  Map<String, String> env() {
    return root().env();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public Integer call() throws Exception {
    spec.commandLine().usage(out());
    return Main.OK;
  }
}
