package dev.cairn.certify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolTest {
  @Test
  void task_roundTripsWithThePssVersion() {
    Protocol.Task t =
        new Protocol.Task(
            "/home",
            "snapshot",
            "/s.json",
            List.of("pss-restricted"),
            "v1.29",
            86_400,
            "/r.json",
            "embedded",
            1,
            "c.cert.json");
    String line = Protocol.encode(t);
    assertThat(line).contains("\"pssVersion\":\"v1.29\"");
    assertThat(Protocol.decodeTask(line)).isEqualTo(t);
  }
}
