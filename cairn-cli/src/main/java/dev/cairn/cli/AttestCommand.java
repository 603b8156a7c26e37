package dev.cairn.cli;

import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Policies;
import dev.cairn.attest.Policy;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnHome;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "attest",
    subcommands = {AttestCommand.Serve.class, AttestCommand.Install.class})
final class AttestCommand extends Sub {
  static AttestationService open(@Nullable Path state, CairnHome home) throws Exception {
    Path dir = state != null ? state : home.attestation();
    return AttestationService.open(
        dir, List.of(Tees.simulation(home, Clock.systemUTC()).platformKey()), Clock.systemUTC());
  }

  @Command(name = "serve")
  static final class Serve extends Sub {
    @Option(names = "--host")
    String host = "127.0.0.1";

    @Option(names = "--port")
    int port;

    @Option(names = "--state", paramLabel = "DIR")
    @Nullable Path state;

    @Option(names = "--policy", paramLabel = "FILE")
    @Nullable Path policy;

    @Override
    public Integer call() throws Exception {
      AttestationService s = open(state, home());
      if (policy != null) {
        Policy p = s.install(Policies.load(policy));
        err()
            .println("cairn: installed policy " + p.name() + " v" + p.version() + " " + p.digest());
      }
      CountDownLatch stop = new CountDownLatch(1);
      try (AttestationHttp http = AttestationHttp.serve(s, host, port)) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        out().println("attestation service listening on " + http.uri());
        out().flush();
        stop.await();
      }
      return Main.OK;
    }
  }

  @Command(name = "install")
  static final class Install extends Sub {
    @Parameters(paramLabel = "POLICY", descriptionKey = "policy-file")
    @SuppressWarnings("NullAway.Init")
    Path policy;

    @Option(names = "--state", paramLabel = "DIR")
    @Nullable Path state;

    @Override
    public Integer call() throws Exception {
      Policy p = open(state, home()).install(Policies.load(policy));
      out().println("installed " + p.name() + " v" + p.version() + " " + p.digest());
      return Main.OK;
    }
  }
}
