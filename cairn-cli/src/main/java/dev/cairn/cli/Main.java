package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Text;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** The {@code cairn} command. Turns every error into one line with a hint and an exit code. */
public final class Main {
  /** Exit codes: 0 pass, 1 findings or failed verification, 2 usage or input error. */
  public static final int OK = 0;

  public static final int FINDINGS = 1;
  public static final int USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and this process's environment. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, System.getenv());
  }

  /**
   * Runs the command line with the given streams and environment ({@code CAIRN_HOME} names Cairn's
   * home); returns the exit code.
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
    boolean stacktrace = false;
    for (String a : args) {
      if (a.equals("--stacktrace")) {
        stacktrace = true;
      }
    }
    boolean trace = stacktrace;
    CommandLine cl =
        new CommandLine(
            new CairnCommand(
                Map.copyOf(env), CairnHome.locate(env, System.getProperty("user.home"))));
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          if (ex.getCause() instanceof ExitException ee
              && ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o) {
            String name = o.longestName();
            err.println(
                "cairn: "
                    + Text.escape(String.valueOf(ee.getMessage()).replace(Options.OPTION, name)));
            Hints.of(ee)
                .ifPresent(
                    h ->
                        err.println(
                            "  perhaps you should "
                                + Text.escape(h.replace(Options.OPTION, name))));
            return ee.code();
          }
          err.println("cairn: " + ex.getMessage());
          CommandLine c = ex.getCommandLine();
          err.println(
              "  perhaps you should run `" + c.getCommandSpec().qualifiedName() + " --help`");
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          if (ex instanceof CairnException ce) {
            err.println("cairn: " + Text.escape(String.valueOf(ce.getMessage())));
            Hints.of(ce).ifPresent(h -> err.println("  perhaps you should " + Text.escape(h)));
          } else if (io(ex) != null) {
            err.println(
                "cairn: " + Text.escape(Text.describe(java.util.Objects.requireNonNull(io(ex)))));
            err.println("  perhaps you should check the path and its permissions");
          } else {
            err.println("cairn: internal error: " + ex);
            err.println("  perhaps you should report this, with the output of --stacktrace");
          }
          if (trace) {
            ex.printStackTrace(err);
          }
          return ex instanceof ExitException ee ? ee.code() : USAGE;
        });
    return cl.execute(args);
  }

  /** The file-system error behind {@code ex}: reading or writing a file the user named. */
  private static java.io.@org.jspecify.annotations.Nullable IOException io(Throwable ex) {
    if (ex instanceof java.io.UncheckedIOException u) {
      return u.getCause();
    }
    return ex instanceof java.io.IOException io ? io : null;
  }
}
