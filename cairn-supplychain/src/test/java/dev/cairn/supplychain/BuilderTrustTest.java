package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.attest.PublishedTrust;
import dev.cairn.core.Digest;
import dev.cairn.ledger.TrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an attested builder's service publishes, added to a trust root: only ever grown. */
class BuilderTrustTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final byte[] PLATFORM = new byte[32];

  @TempDir Path dir;

  private static PublishedTrust builder(byte[] key, Digest measurement) {
    return new PublishedTrust(
        "cairn-build",
        Digest.sha256("policy"),
        1,
        Set.of(),
        List.of(PLATFORM),
        new byte[0],
        new byte[0],
        Duration.ofDays(90),
        key,
        Set.of(measurement));
  }

  private static byte[] key() {
    return CosignKeys.generate().getPublic().getEncoded();
  }

  @Test
  void grow_trustsTheBuilderKeyMeasurementAndPlatformKey_fromTheGivenTime() throws Exception {
    Path file = dir.resolve("trust.json");
    byte[] k = key();
    Digest m = Digest.sha256("builder build 1");
    assertThat(BuilderTrust.grow(file, builder(k, m), T0)).isPositive();
    TrustRoot t = TrustRoot.parse(Files.readString(file));
    assertThat(t.trustedAt(new TrustRoot.BuilderKey(k), T0)).isTrue();
    assertThat(t.trustedAt(new TrustRoot.BuilderMeasurement(m), T0)).isTrue();
    assertThat(t.trustedAt(new TrustRoot.PlatformKey(PLATFORM), T0)).isTrue();
    assertThat(t.trustedAt(new TrustRoot.BuilderKey(k), T0.minusSeconds(1))).isFalse();
    // again, later: nothing changes, and the window is not moved back or forth
    assertThat(BuilderTrust.grow(file, builder(k, m), T0.plusSeconds(60))).isZero();
    assertThat(BuilderTrust.grow(file, builder(k, m), T0.minusSeconds(60))).isZero();
    assertThat(TrustRoot.parse(Files.readString(file))).isEqualTo(t);
  }

  @Test
  void aKeyTheOperatorRetired_isNotTrustedAgainByTheNextSign() throws Exception {
    Path file = dir.resolve("trust.json");
    byte[] k = key();
    Digest m = Digest.sha256("builder build 1");
    BuilderTrust.grow(file, builder(k, m), T0);
    TrustRoot retired =
        TrustRoot.parse(Files.readString(file))
            .retire(new TrustRoot.BuilderKey(k), T0.plusSeconds(3600));
    Files.writeString(file, retired.toJson());
    BuilderTrust.grow(file, builder(k, m), T0.plusSeconds(7200));
    TrustRoot after = TrustRoot.parse(Files.readString(file));
    assertThat(after.trustedAt(new TrustRoot.BuilderKey(k), T0.plusSeconds(7200))).isFalse();
    assertThat(after).isEqualTo(retired);
  }

  @Test
  void concurrentGrowth_losesNoBuilder() throws Exception {
    Path file = dir.resolve("trust.json");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Integer>> done = new ArrayList<>();
    List<Digest> measurements = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Digest m = Digest.sha256("builder build " + i);
      measurements.add(m);
      byte[] k = key();
      done.add(pool.submit(() -> BuilderTrust.grow(file, builder(k, m), T0)));
    }
    for (Future<Integer> f : done) {
      f.get();
    }
    pool.shutdown();
    TrustRoot t = TrustRoot.parse(Files.readString(file));
    for (Digest m : measurements) {
      assertThat(t.trustedAt(new TrustRoot.BuilderMeasurement(m), T0)).as(m.toString()).isTrue();
    }
  }
}
