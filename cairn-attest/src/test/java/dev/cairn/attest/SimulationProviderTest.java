package dev.cairn.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.attest.internal.SimulationProvider;
import dev.cairn.core.Digest;
import dev.cairn.core.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationProviderTest {
  @TempDir Path tmp;
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

  private LaunchSpec spec(Path... jars) {
    return new LaunchSpec(
        List.of(jars),
        Digest.sha256("checks"),
        List.of("cairn-scanner", "--token", "$$CAIRN::token$$"),
        Map.of("B", "2", "A", "1"));
  }

  private Path jar(String dir, String name, String content) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(dir));
    return Files.writeString(d.resolve(name), content);
  }

  @Test
  void measurement_isReproducibleAndIgnoresLocationAndOrder() throws Exception {
    SimulationProvider p =
        new SimulationProvider(dev.cairn.core.CairnHome.of(tmp.resolve("home")), CLOCK);
    Digest a = p.measure(spec(jar("x", "a.jar", "A"), jar("x", "b.jar", "B")));
    Digest b = p.measure(spec(jar("y", "b.jar", "B"), jar("y", "a.jar", "A")));
    assertThat(a).isEqualTo(b);
    assertThat(p.measure(spec(jar("z", "a.jar", "A!"), jar("z", "b.jar", "B"))))
        .as("changed code")
        .isNotEqualTo(a);
    LaunchSpec otherChecks =
        new LaunchSpec(
            List.of(jar("x", "a.jar", "A"), jar("x", "b.jar", "B")),
            Digest.sha256("other"),
            spec().command(),
            spec().env());
    assertThat(p.measure(otherChecks)).as("changed check pack").isNotEqualTo(a);
    LaunchSpec otherArgs =
        new LaunchSpec(
            otherChecks.code(),
            Digest.sha256("checks"),
            List.of("cairn-scanner", "--debug"),
            spec().env());
    assertThat(p.measure(otherArgs)).as("changed launch").isNotEqualTo(a);
  }

  @Test
  void evidence_verifies_andEveryBrokenLinkHasItsOwnMessage() throws Exception {
    SimulationProvider p =
        new SimulationProvider(dev.cairn.core.CairnHome.of(tmp.resolve("home")), CLOCK);
    Digest m = p.measure(spec(jar("x", "a.jar", "A")));
    byte[] rd = new byte[64];
    rd[0] = 7;
    Evidence e = p.evidence(m, rd);
    assertThat(e.hardwareBacked()).isFalse();
    Attestations.verify(Evidence.parse(e.toJson()), p.platformKey(), Set.of(m), rd);

    assertThatThrownBy(
            () -> Attestations.verify(e, p.platformKey(), Set.of(Digest.sha256("approved")), rd))
        .hasMessageContaining("is not allowed by the attestation policy");
    byte[] other = rd.clone();
    other[1] = 1;
    assertThatThrownBy(() -> Attestations.verify(e, p.platformKey(), Set.of(m), other))
        .hasMessageContaining("other report data");
    Evidence altered =
        new Evidence(
            e.provider(),
            e.hardwareBacked(),
            Digest.sha256("evil"),
            e.reportData(),
            e.platformKey(),
            e.issuedAt(),
            e.signature());
    assertThatThrownBy(
            () -> Attestations.verify(altered, p.platformKey(), Set.of(Digest.sha256("evil")), rd))
        .hasMessageContaining("signature is invalid");
    assertThatThrownBy(() -> Attestations.verify(e, Keys.ed25519().getPublic(), Set.of(m), rd))
        .hasMessageContaining("not the trusted one");
    assertThatThrownBy(() -> Evidence.parse("{}"))
        .hasMessageContaining("unreadable attestation evidence");
  }

  @Test
  void platformKey_isPersistedPrivatelyAndReused() throws Exception {
    Path home = tmp.resolve("home");
    SimulationProvider p1 = new SimulationProvider(dev.cairn.core.CairnHome.of(home), CLOCK);
    Digest m = Digest.sha256("m");
    Evidence e = p1.evidence(m, new byte[64]);
    SimulationProvider p2 = new SimulationProvider(dev.cairn.core.CairnHome.of(home), CLOCK);
    assertThat(Arrays.equals(Keys.raw(p1.platformKey()), Keys.raw(p2.platformKey()))).isTrue();
    Attestations.verify(e, p2.platformKey(), Set.of(m), new byte[64]);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("simulation/platform.key"))))
        .isEqualTo("rw-------");
    assertThat(p1.toString())
        .contains("no hardware protection")
        .doesNotContain(Files.readString(home.resolve("simulation/platform.key")));
  }

  @Test
  void provider_byName_findsTheSimulationProvider() throws Exception {
    dev.cairn.core.CairnHome h = dev.cairn.core.CairnHome.of(tmp.resolve("named"));
    assertThat(Tees.names()).containsExactly("simulation");
    assertThat(Tees.provider("simulation", h, CLOCK).hardwareBacked()).isFalse();
    assertThatThrownBy(() -> Tees.provider("sgx", h, CLOCK))
        .isInstanceOf(AttestationException.class)
        .hasMessageContaining("no TEE provider named 'sgx'");
  }
}
