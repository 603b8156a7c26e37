package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A registry that is not there, or that never answers, fails fast with one clear line. */
class UnreachableRegistryIT {

  @Test
  void closedPort_failsFast_namingRegistryAndOperation() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String registry = "127.0.0.1:" + port;
    OciClient oci = Registries.builder().allowPlainHttp(registry).build();
    assertThatThrownBy(() -> oci.getManifest(ImageRef.parse(registry + "/team/app:v1")))
        .isInstanceOf(RegistryException.class)
        .hasMessage(
            "registry "
                + registry
                + " unreachable: cannot connect to "
                + registry
                + " (connection refused), while trying to get manifest v1 of team/app")
        .satisfies(
            e -> {
              RegistryException re = (RegistryException) e;
              assertThat(re.status()).isZero();
              assertThat(re.registry()).isEqualTo(registry);
              assertThat(re.hint())
                  .contains(
                      "check that the registry runs at "
                          + registry
                          + " and that the address and port are right");
            });
  }

  @Test
  void silentServer_timesOut_insteadOfHanging() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      while (true) {
                        held.add(s.accept()); // accept, read nothing, answer nothing
                      }
                    } catch (java.io.IOException e) {
                      // closed at the end of the test
                    }
                  });
      String registry = "127.0.0.1:" + s.getLocalPort();
      OciClient oci =
          Registries.builder()
              .allowPlainHttp(registry)
              .requestTimeout(Duration.ofMillis(800))
              .build();
      assertThatThrownBy(
              () ->
                  oci.blobExists(
                      ImageRef.parse(registry + "/a/b"), dev.cairn.core.Digest.sha256("x")))
          .isInstanceOf(RegistryException.class)
          .hasMessage(
              "registry "
                  + registry
                  + " unreachable: "
                  + registry
                  + " did not answer within 800 ms, while trying to check blob "
                  + dev.cairn.core.Digest.sha256("x")
                  + " in a/b");
      s.close();
      acceptor.join(Duration.ofSeconds(5));
      for (Socket c : held) {
        c.close();
      }
    }
  }
}
