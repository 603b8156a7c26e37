package dev.cairn.cli;

import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Policies;
import dev.cairn.attest.Policy;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnHome;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "attest",
    mixinStandardHelpOptions = true,
    description = "The attestation service: policies, and serving it to a team.",
    subcommands = {AttestCommand.Serve.class, AttestCommand.Install.class})
final class AttestCommand implements Runnable {
  @SuppressWarnings("NullAway.Init")
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static AttestationService open(@Nullable Path state, picocli.CommandLine.Model.CommandSpec spec)
      throws Exception {
    CairnHome home = CairnCommand.of(spec).home();
    Path dir = state != null ? state : home.attestation();
    return AttestationService.open(
        dir, List.of(Tees.simulation(home, Clock.systemUTC()).platformKey()), Clock.systemUTC());
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Serve the attestation service over HTTP until stopped.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--host", description = "Address to listen on (default: 127.0.0.1).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "Port (default: 0, a free one).")
    int port;

    @Option(
        names = "--state",
        paramLabel = "DIR",
        description = "Service state (default: attest/ in Cairn's home).")
    @Nullable Path state;

    @Option(
        names = "--policy",
        paramLabel = "FILE",
        description = "Install this policy version first.")
    @Nullable Path policy;

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      AttestationService s = open(state, spec);
      if (policy != null) {
        Policy p = s.install(Policies.load(policy));
        spec.commandLine()
            .getErr()
            .println("cairn: installed policy " + p.name() + " v" + p.version() + " " + p.digest());
      }
      CountDownLatch stop = new CountDownLatch(1);
      try (AttestationHttp http = AttestationHttp.serve(s, host, port)) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        PrintWriter out = spec.commandLine().getOut();
        out.println("attestation service listening on " + http.uri());
        out.flush();
        stop.await();
      }
      return Main.OK;
    }
  }

  @Command(
      name = "install",
      mixinStandardHelpOptions = true,
      description = "Install a policy version (it must name its predecessor's digest).")
  static final class Install implements Callable<Integer> {
    @Parameters(paramLabel = "POLICY")
    @SuppressWarnings("NullAway.Init")
    Path policy;

    @Option(names = "--state", paramLabel = "DIR")
    @Nullable Path state;

    @SuppressWarnings("NullAway.Init")
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Policy p = open(state, spec).install(Policies.load(policy));
      spec.commandLine()
          .getOut()
          .println("installed " + p.name() + " v" + p.version() + " " + p.digest());
      return Main.OK;
    }
  }
}
