package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or broken input fails fast with one located error each, and the rest is scanned. */
@Timeout(60)
class InputLimitsTest {
  @TempDir Path tmp;

  private static final String GOOD =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine, namespace: ns}\n";

  private ScanReport scan(InputLimits limits, InputStream stdin, Path... paths)
      throws ScanException {
    return Scanners.create(ScanOptions.defaults().withParallelism(1))
        .scan(List.of(ObjectSources.manifests(List.of(paths), stdin, limits)));
  }

  private ScanReport scan(Path... paths) throws ScanException {
    return scan(InputLimits.defaults(), InputStream.nullInputStream(), paths);
  }

  private Path file(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static List<String> errors(ScanReport r) {
    return r.notices().stream()
        .filter(n -> n.level() == Notice.Level.ERROR)
        .map(Notice::toString)
        .toList();
  }

  private static String billionLaughs() {
    StringBuilder sb = new StringBuilder(GOOD.replace("fine", "lol") + "data:\n  a0: &a0 lol\n");
    for (int i = 1; i < 10; i++) {
      sb.append("  a").append(i).append(": &a").append(i).append(" [");
      sb.append(String.join(",", Collections.nCopies(9, "*a" + (i - 1)))).append("]\n");
    }
    return sb.toString();
  }

  @Test
  void billionLaughs_failsFastWithItsLocation_andTheOtherFilesAreScanned() throws Exception {
    Path lol = file("lol.yaml", billionLaughs());
    Path good = file("good.yaml", GOOD);
    long start = System.nanoTime();

    ScanReport r = scan(lol, good);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(r.objects()).isEqualTo(1);
    assertThat(errors(r))
        .singleElement()
        .asString()
        .startsWith(lol + ":12:7: error: YAML aliases expand the document by more than the limit")
        .endsWith("; document skipped");
    Notice n = r.notices().stream().filter(x -> x.level() == Notice.Level.ERROR).findFirst().get();
    assertThat(n.hint()).isEqualTo("write the document out without so many aliases");
  }

  @Test
  void deepNesting_isAnErrorNotAStackOverflow() throws Exception {
    Path deep = file("deep.yaml", GOOD + "data: " + "[".repeat(2000) + "]".repeat(2000) + "\n");

    ScanReport r = scan(deep, file("good.yaml", GOOD));

    assertThat(r.objects()).isEqualTo(1);
    assertThat(errors(r))
        .containsExactly(
            deep
                + ":4:206: error: YAML nests deeper than the limit of 200 levels; document skipped");
  }

  @Test
  void tenMegabyteScalar_isRefusedFast() throws Exception {
    Path big = file("big.yaml", GOOD + "data:\n  x: \"" + "a".repeat(10_000_000) + "\"\n");
    long start = System.nanoTime();

    ScanReport r = scan(big, file("good.yaml", GOOD));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(r.objects()).isEqualTo(1);
    assertThat(errors(r))
        .containsExactly(
            big
                + ":5:6: error: YAML scalar of 10000000 characters is over the limit of 8 MiB;"
                + " document skipped");
  }

  @Test
  void documentOverTheLimit_isSkipped_andTheNextDocumentIsRead() throws Exception {
    Path f =
        file(
            "two.yaml",
            GOOD.replace("fine", "big") + "data:\n  x: " + "a".repeat(5000) + "\n---\n" + GOOD);

    ScanReport r =
        scan(InputLimits.defaults().withMaxDocumentSize(4096), InputStream.nullInputStream(), f);

    assertThat(r.objects()).isEqualTo(1);
    assertThat(errors(r))
        .containsExactly(
            f + ":1:1: error: YAML document is over the limit of 4 KiB for one document; skipped");
    Notice n = r.notices().stream().filter(x -> x.level() == Notice.Level.ERROR).findFirst().get();
    assertThat(Objects.requireNonNull(n.fix()).arg("limit")).isEqualTo("document-size");
  }

  @Test
  void endlessNulStream_stopsAtOnce() throws Exception {
    InputStream zeros =
        new InputStream() {
          @Override
          public int read() {
            return 0;
          }
        };

    ScanReport r = scan(InputLimits.defaults(), zeros, Path.of("-"), file("good.yaml", GOOD));

    assertThat(r.objects()).isEqualTo(1);
    assertThat(errors(r))
        .containsExactly(
            "-:1:1: error: a NUL character: this is not YAML or JSON text; stopped reading it");
  }

  @Test
  void devZero_isReadAsAStream_notMissing() throws Exception {
    Path zero = Path.of("/dev/zero");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero));

    ScanReport r = scan(zero);

    assertThat(errors(r))
        .containsExactly(
            "/dev/zero:1:1: error: a NUL character: this is not YAML or JSON text; stopped reading"
                + " it");
  }

  @Test
  void endlessTextStream_stopsAtTheInputLimit() throws Exception {
    byte[] line = "y\n".getBytes(StandardCharsets.US_ASCII);
    InputStream yes =
        new InputStream() {
          long i;

          @Override
          public int read() {
            return line[(int) (i++ % 2)];
          }
        };

    ScanReport r =
        scan(new InputLimits(1 << 16, 1 << 20), yes, Path.of("-"), file("good.yaml", GOOD));

    assertThat(r.objects()).isEqualTo(1);
    assertThat(errors(r))
        .containsExactly(
            "-:524289:1: error: input is over the limit of 1 MiB for one input; stopped reading"
                + " it at line 524289");
  }

  @Test
  void duplicateKeys_inYamlAndJson_areErrors() throws Exception {
    Path yaml =
        file(
            "dup.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n"
                + "  containers:\n  - name: c\n    image: x:1\n    securityContext:\n"
                + "      privileged: true\n      privileged: false\n");
    Path json =
        file(
            "dup.json",
            "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"kind\": \"Pod\","
                + " \"metadata\": {\"name\": \"q\"}}");

    ScanReport r = scan(yaml, json, file("good.yaml", GOOD));

    assertThat(r.objects()).isEqualTo(1);
    assertThat(errors(r))
        .containsExactly(
            yaml
                + ":10:7: error: duplicate key 'privileged' (first at line 9, column 7); document"
                + " skipped",
            json + ":1:43: error: malformed JSON: Duplicate field 'kind'");
  }
}
