package dev.cairn.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.attest.internal.SimulationProvider;
import dev.cairn.core.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release protocol over real HTTP on 127.0.0.1. */
class AttestationHttpTest {
  @TempDir Path tmp;

  @Test
  void workload_attestsOverHttp_andAForgedOneIsRefused() throws Exception {
    SimulationProvider tee =
        new SimulationProvider(dev.cairn.core.CairnHome.of(tmp.resolve("home")), Clock.systemUTC());
    Digest m =
        tee.measure(
            new LaunchSpec(
                List.of(Files.writeString(tmp.resolve("a.jar"), "a")),
                Digest.sha256("c"),
                List.of("w"),
                Map.of()));
    AttestationService service =
        AttestationService.open(tmp.resolve("cas"), List.of(tee.platformKey()), Clock.systemUTC());
    service.install(
        Policies.parse(
            "p",
            "name: s\nversion: 1\nservices: [{name: w, measurements: ["
                + m
                + "]}]\nsecrets: [{name: k, kind: ed25519, services: [w]}]\n",
            tmp));
    try (AttestationHttp http = AttestationHttp.serve(service, "127.0.0.1", 0)) {
      AttestationHttp.Client client = new AttestationHttp.Client(http.uri());
      EnclaveKey key = EnclaveKey.generate();
      byte[] nonce = client.challenge("s", "w");
      List<SealedSecret> secrets =
          client
              .release(
                  "s",
                  "w",
                  nonce,
                  tee.evidence(m, Attestations.reportData(nonce, key.publicKey())),
                  key.publicKey())
              .secrets();
      assertThat(key.open(secrets.get(0)).length()).isGreaterThan(32);
      byte[] n2 = client.challenge("s", "w");
      assertThatThrownBy(
              () ->
                  client.release(
                      "s",
                      "w",
                      n2,
                      tee.evidence(
                          Digest.sha256("evil"), Attestations.reportData(n2, key.publicKey())),
                      key.publicKey()))
          .isInstanceOf(AttestationException.class)
          .hasMessageContaining("attestation service refused: measurement");
    }
    assertThatThrownBy(
            () ->
                new AttestationHttp.Client(java.net.URI.create("http://127.0.0.1:1"))
                    .challenge("s", "w"))
        .hasMessageContaining("cannot reach the attestation service");
  }
}
