package dev.cairn.attest.tee.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.cairn.attest.tee.MalformedEvidenceException;
import dev.cairn.attest.tee.TeeVerification;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Properties of the SEV-SNP parser and verifier (docs/adr/0007: QuickTheories, cases generated in
 * range, a floor of distinct cases checked): a truncated, random or mutated blob only ever gives a
 * report or a {@link MalformedEvidenceException}; a mutated report that still parses never
 * verifies. {@code -DQT_SEED=<seed>} replays a run.
 */
class SnpReportPropertyTest {
  static final Instant AT = Instant.parse("2025-06-01T00:00:00Z");
  static final SnpVerifier VERIFIER =
      SnpVerifier.builder().policy(SnpPolicyCheck.permitDebug()).build();

  /** Parses, or returns the malformed offset; any other throwable fails the property. */
  static long parseOrOffset(byte[] blob) {
    try {
      SnpReport.parse(blob);
      return -1;
    } catch (MalformedEvidenceException e) {
      assertThat(e.getMessage()).doesNotContain("\n");
      assertThat(e.offset()).isBetween(0L, (long) Math.max(blob.length, SnpReport.SIZE));
      return e.offset();
    } catch (Throwable t) {
      throw new AssertionError("blob of " + blob.length + " bytes: " + t, t);
    }
  }

  @Test
  void everyTruncation_isMalformedAtOrBeforeItsEnd() {
    byte[] full = Vectors.report();
    for (int n = 0; n < full.length; n++) {
      long at = parseOrOffset(Arrays.copyOf(full, n));
      if (at < 0) {
        fail("a report truncated to " + n + " bytes parsed");
      }
      assertThat(at).as("truncated to %d", n).isLessThanOrEqualTo(n);
    }
    assertThat(parseOrOffset(full)).isEqualTo(-1);
  }

  /**
   * Random blobs of 0 to 1,400 bytes; half of them start like a report (a known version and the
   * policy's reserved bit), so reading gets past the first fields.
   */
  @Test
  void randomBlobs_onlyEverGiveMalformedEvidence() {
    Set<Long> offsets = new HashSet<>();
    int[] checked = {0};
    // a fixed sample: the diversity asserted below must not depend on the run's luck (Jazzer's
    // fuzz target explores beyond it)
    qt().withFixedSeed(20261202L)
        .withExamples(2_000)
        .withGenerateAttempts(20_000)
        .forAll(integers().between(0, 1400), longs().all())
        .checkAssert(
            (length, seed) -> {
              Random rnd = new Random(seed);
              byte[] b = new byte[length];
              rnd.nextBytes(b);
              if (rnd.nextBoolean() && length >= 16) {
                b[0] = (byte) (2 + rnd.nextInt(4));
                b[1] = b[2] = b[3] = 0;
                b[0x0A] |= 0x02;
                b[0x0B] &= 0x03;
                b[0x0C] = b[0x0D] = b[0x0E] = b[0x0F] = 0;
              }
              offsets.add(parseOrOffset(b));
              checked[0]++;
            });
    assertThat(checked[0]).isGreaterThanOrEqualTo(1_000);
    // reading stopped at many different places, not only at VERSION
    assertThat(offsets.size()).isGreaterThanOrEqualTo(8);
  }

  /**
   * The vector with 1 to 4 random bytes changed: it parses or is malformed, and when it parses it
   * does not verify unless no byte actually changed.
   */
  @Test
  void mutatedReports_neverVerify() throws Exception {
    byte[] good = Vectors.report();
    SnpCollateral collateral = SnpCollateral.of(Vectors.vcek());
    int[] parsed = {0};
    int[] checked = {0};
    qt().withFixedSeed(20261202L)
        .withExamples(250)
        .withGenerateAttempts(2_500)
        .forAll(integers().between(1, 4), longs().all())
        .checkAssert(
            (changes, seed) -> {
              Random rnd = new Random(seed);
              byte[] b = good.clone();
              for (int i = 0; i < changes; i++) {
                // half the changes in the signed body, half in the signature's 144 bytes
                int at =
                    rnd.nextBoolean()
                        ? rnd.nextInt(SnpReport.SIGNED_LENGTH)
                        : 0x2A0 + rnd.nextInt(144);
                b[at] ^= (byte) (1 + rnd.nextInt(255));
              }
              checked[0]++;
              if (parseOrOffset(b) >= 0) {
                return;
              }
              parsed[0]++;
              TeeVerification v;
              try {
                v = VERIFIER.verify(SnpReport.parse(b), collateral, AT);
              } catch (MalformedEvidenceException e) {
                throw new AssertionError(e);
              }
              if (!Arrays.equals(b, good)) {
                assertThat(v).isInstanceOf(TeeVerification.Failed.class);
                assertThat(((TeeVerification.Failed) v).step()).isEqualTo("report-signature");
              }
            });
    assertThat(checked[0]).isGreaterThanOrEqualTo(200);
    assertThat(parsed[0]).isGreaterThanOrEqualTo(40);
  }

  /** Random certificate tables (configfs-tsm's auxblob) only ever give collateral or malformed. */
  @Test
  void randomCertTables_onlyEverGiveMalformedEvidence() {
    int[] checked = {0};
    qt().withExamples(1_000)
        .withGenerateAttempts(10_000)
        .forAll(integers().between(0, 400), longs().all())
        .checkAssert(
            (length, seed) -> {
              Random rnd = new Random(seed);
              byte[] b = new byte[length];
              rnd.nextBytes(b);
              // small offsets and lengths, so entries often point inside the table
              for (int e = 0; e + 24 <= length; e += 24) {
                b[e + 17] = b[e + 18] = b[e + 19] = 0;
                b[e + 21] = b[e + 22] = b[e + 23] = 0;
              }
              try {
                SnpCollateral.fromCertTable(b);
              } catch (MalformedEvidenceException e) {
                assertThat(e.getMessage()).doesNotContain("\n");
              } catch (Throwable t) {
                throw new AssertionError("table of " + length + " bytes: " + t, t);
              }
              checked[0]++;
            });
    assertThat(checked[0]).isGreaterThanOrEqualTo(500);
  }
}
