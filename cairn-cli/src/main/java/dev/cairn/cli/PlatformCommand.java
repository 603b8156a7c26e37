package dev.cairn.cli;

import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.deploy.enclave.NodeView;
import dev.cairn.deploy.enclave.PlatformService;
import dev.cairn.scanner.ClusterOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn platform serve}: the node side of confidential workloads, which makes the evidence
 * of the pods on this node for their attestation agents (docs/enclave.md).
 */
@Command(
    name = "platform",
    subcommands = {PlatformCommand.Serve.class})
final class PlatformCommand extends Sub {
  @Command(name = "serve")
  static final class Serve extends Sub {
    @Option(names = "--host")
    String host = "127.0.0.1";

    @Option(names = "--port")
    int port;

    @Option(names = "--kubeconfig", paramLabel = "FILE", required = true)
    @SuppressWarnings("NullAway.Init")
    Path kubeconfig;

    @Option(names = "--context")
    @Nullable String context;

    @Option(names = "--crictl", paramLabel = "FILE")
    Path crictl = Path.of("crictl");

    @Option(names = "--runtime-endpoint", paramLabel = "URL")
    String endpoint = "unix:///run/containerd/containerd.sock";

    @Option(names = "--tee")
    String tee = "simulation";

    @Override
    public Integer call() throws Exception {
      TeeProvider provider = Tees.provider(tee, home(), Clock.systemUTC());
      if (!provider.hardwareBacked()) {
        err().println("cairn: " + Tees.SIMULATION_WARNING);
      }
      CountDownLatch stop = new CountDownLatch(1);
      try (NodeView node =
              NodeView.cri(
                  crictl,
                  endpoint,
                  new ClusterOptions(kubeconfig, context, java.util.List.of(), 500));
          PlatformService s =
              PlatformService.serve(
                  provider,
                  node,
                  node,
                  host,
                  port,
                  line -> {
                    err().println("cairn platform: " + line);
                    err().flush();
                  })) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        out().println("platform service listening on http://" + host + ":" + s.port());
        out().flush();
        stop.await();
      }
      return Main.OK;
    }
  }
}
