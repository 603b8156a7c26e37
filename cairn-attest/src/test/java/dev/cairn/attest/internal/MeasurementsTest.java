package dev.cairn.attest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.attest.LaunchSpec;
import dev.cairn.core.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasurementsTest {
  @TempDir Path tmp;

  private LaunchSpec spec(Path... code) {
    return new LaunchSpec(List.of(code), Digest.sha256("pack"), List.of("run"), Map.of());
  }

  @Test
  void cachedMeasurement_equalsAFreshOne_andIsReused() throws Exception {
    Path a = Files.writeString(tmp.resolve("a.jar"), "code a");
    Path b = Files.writeString(tmp.resolve("b.jar"), "code b");
    Path cache = tmp.resolve("cache/measure-cache.tsv");
    Digest fresh = Measurements.of(spec(a, b));
    assertThat(Measurements.of(spec(a, b), cache)).isEqualTo(fresh);
    assertThat(Files.readString(cache)).contains(a.toString()).contains(b.toString());
    assertThat(Measurements.of(spec(a, b), cache)).isEqualTo(fresh);
    // a corrupt cache is only a slower measurement
    Files.writeString(cache, "garbage\tline\n\u0000\n" + a + "\tx\tsha256:00\tnot-a-time\n");
    assertThat(Measurements.of(spec(a, b), cache)).isEqualTo(fresh);
  }

  @Test
  void fileRewrittenWithSameSizeAndTime_isMeasuredAgain() throws Exception {
    Path a = Files.writeString(tmp.resolve("a.jar"), "code a");
    Path cache = tmp.resolve("measure-cache.tsv");
    FileTime mtime = Files.getLastModifiedTime(a);
    Digest before = Measurements.of(spec(a), cache);
    Object ctime = Files.getAttribute(a, "unix:ctime");
    // same size and the old modification time, as `touch -d` would leave it; only the change
    // time differs (rewritten until the clock's granularity shows it, without sleeping)
    for (int i = 0; i < 1_000_000 && Files.getAttribute(a, "unix:ctime").equals(ctime); i++) {
      Files.writeString(a, "code b");
      Files.setLastModifiedTime(a, mtime);
    }
    assertThat(Files.getAttribute(a, "unix:ctime")).isNotEqualTo(ctime);
    Digest after = Measurements.of(spec(a), cache);
    assertThat(after).isNotEqualTo(before).isEqualTo(Measurements.of(spec(a)));
  }

  @Test
  void classDirectory_countsEveryFileInIt() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("classes/dev/x"));
    Files.writeString(dir.resolve("A.class"), "one");
    Path root = tmp.resolve("classes");
    Digest before = Measurements.of(spec(root));
    Files.writeString(dir.resolve("B.class"), "two");
    Digest added = Measurements.of(spec(root));
    Files.writeString(dir.resolve("B.class"), "tw0");
    Digest changed = Measurements.of(spec(root));
    assertThat(List.of(before, added, changed)).doesNotHaveDuplicates();
  }
}
