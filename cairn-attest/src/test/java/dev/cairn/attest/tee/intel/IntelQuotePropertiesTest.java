package dev.cairn.attest.tee.intel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.cairn.attest.tee.MalformedEvidenceException;
import dev.cairn.attest.tee.TeeVerification;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Properties of the quote parser (ADR 0007: QuickTheories, cases generated in range): a truncated,
 * mutated or random blob gives a quote or a {@link MalformedEvidenceException}, never another
 * exception; a mutated quote that still parses verifies to a result, never an exception.
 */
class IntelQuotePropertiesTest {
  private static final Vectors[] VECTORS = Vectors.values();
  private static final Map<Vectors, byte[]> QUOTES = new EnumMap<>(Vectors.class);
  private static final Map<Vectors, IntelCollateral> COLLATERAL = new EnumMap<>(Vectors.class);

  @BeforeAll
  static void load() throws Exception {
    for (Vectors v : VECTORS) {
      QUOTES.put(v, v.quote());
      COLLATERAL.put(v, IntelCollateral.load(v.dir()));
    }
  }

  @Test
  void everyTruncation_isMalformed_withAnOffsetInsideTheBlob() throws Exception {
    int checked = 0;
    for (Vectors v : VECTORS) {
      byte[] q = QUOTES.get(v);
      int end = q.length;
      if (v == Vectors.TDX_V4_PROD) {
        end -= 39; // the vector carries 39 unsigned trailing bytes, which are ignored
      }
      for (int n = 0; n < end; n++) {
        byte[] cut = Arrays.copyOf(q, n);
        try {
          IntelQuotes.parse(cut);
          fail(v + " truncated to " + n + " bytes parsed");
        } catch (MalformedEvidenceException e) {
          assertTrue(e.offset() >= 0 && e.offset() <= n, v + " at " + n + ": " + e.getMessage());
          assertTrue(!e.getMessage().contains("\n"));
          checked++;
        }
      }
    }
    assertTrue(checked > 14_000, "truncations checked: " + checked);
  }

  @Test
  void mutatedQuotes_parseOrAreMalformed_andVerifyWithoutThrowing() {
    AtomicInteger checked = new AtomicInteger();
    AtomicInteger parsed = new AtomicInteger();
    qt().withExamples(400)
        .forAll(integers().between(0, VECTORS.length - 1), longs().all(), integers().between(1, 8))
        .checkAssert(
            (vi, seed, flips) -> {
              Vectors v = VECTORS[vi];
              byte[] q = QUOTES.get(v).clone();
              Random r = new Random(seed);
              for (int i = 0; i < flips; i++) {
                int at = r.nextInt(q.length);
                // mostly the length and type fields near structure boundaries
                q[at] = (byte) r.nextInt(256);
              }
              checked.incrementAndGet();
              IntelQuote quote;
              try {
                quote = IntelQuotes.parse(q);
              } catch (MalformedEvidenceException e) {
                return;
              }
              parsed.incrementAndGet();
              TeeVerification result;
              try {
                result = IntelQuotes.verify(quote, COLLATERAL.get(v), v.policy());
              } catch (Exception e) {
                throw new AssertionError(v + " seed " + seed + ": " + e, e);
              }
              if (result instanceof TeeVerification.Failed f) {
                assertTrue(!f.message().contains("\n"), f.message());
              }
            });
    assertTrue(checked.get() >= 300, "checked " + checked.get());
    assertTrue(parsed.get() > 0, "no mutated quote parsed: the property tested only the parser");
  }

  @Test
  void randomBlobsWithAQuoteHeader_parseOrAreMalformed() {
    AtomicInteger checked = new AtomicInteger();
    qt().withExamples(500)
        .forAll(longs().all(), integers().between(0, 6000), integers().between(0, 3))
        .checkAssert(
            (seed, length, kind) -> {
              byte[] b = new byte[length];
              new Random(seed).nextBytes(b);
              if (length >= 8) {
                int version = kind == 0 ? 3 : kind == 1 ? 4 : 5;
                b[0] = (byte) version;
                b[1] = 0;
                b[2] = 2;
                b[3] = 0;
                b[4] = (byte) (kind == 0 ? 0 : 0x81);
                b[5] = 0;
                b[6] = 0;
                b[7] = 0;
              }
              if (length >= 54 && kind >= 2) {
                b[48] = (byte) kind.intValue(); // v5 body type 2 or 3
                b[49] = 0;
              }
              checked.incrementAndGet();
              try {
                IntelQuotes.parse(b);
              } catch (MalformedEvidenceException e) {
                assertTrue(e.offset() >= 0 && e.offset() <= length, e.getMessage());
              }
            });
    assertTrue(checked.get() >= 400, "checked " + checked.get());
  }

  @Test
  void hugeDeclaredLengths_areMalformedNotOutOfMemory() throws Exception {
    byte[] q = QUOTES.get(Vectors.TDX_V4_PROD).clone();
    int sigLength = 48 + 584;
    q[sigLength] = (byte) 0xff;
    q[sigLength + 1] = (byte) 0xff;
    q[sigLength + 2] = (byte) 0xff;
    q[sigLength + 3] = (byte) 0xff;
    MalformedEvidenceException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            MalformedEvidenceException.class, () -> IntelQuotes.parse(q));
    assertEquals("signature-data", e.field());
  }
}
