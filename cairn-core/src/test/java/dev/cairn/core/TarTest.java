package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarTest {
  @TempDir Path tmp;

  static byte[] tar(TarBody body) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(b)) {
      body.write(w);
    }
    return b.toByteArray();
  }

  interface TarBody {
    void write(TarWriter w) throws IOException;
  }

  @Test
  void aTreeRoundTripsWithModesAndLongNames() throws Exception {
    Path src = tmp.resolve("src");
    String deep = "a/" + "b".repeat(90) + "/" + "c".repeat(90) + "/file.txt";
    Files.createDirectories(src.resolve(deep).getParent());
    Files.writeString(src.resolve(deep), "deep");
    Files.writeString(src.resolve("run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        src.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.createDirectories(src.resolve("empty"));
    byte[] archive = tar(w -> w.tree("", src));
    assertThat(tar(w -> w.tree("", src))).as("reproducible").isEqualTo(archive);

    Path out = tmp.resolve("out");
    long files = TarReader.extract(new ByteArrayInputStream(archive), out, 1 << 20);
    assertThat(files).isEqualTo(2);
    assertThat(Files.readString(out.resolve(deep))).isEqualTo("deep");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("run.sh"))))
        .isEqualTo("rwxr-xr-x");
    assertThat(out.resolve("empty")).isEmptyDirectory();
  }

  @Test
  void extractRefusesWhatWouldLeaveItsDirectoryOrIsALink() throws Exception {
    byte[] up = tar(w -> w.file("../evil", 0644, "x".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(
            () -> TarReader.extract(new ByteArrayInputStream(up), tmp.resolve("o1"), 100))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("outside its directory");
    byte[] abs = tar(w -> w.file("/etc/evil", 0644, "x".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(
            () -> TarReader.extract(new ByteArrayInputStream(abs), tmp.resolve("o2"), 100))
        .hasMessageContaining("absolute");
    byte[] link = tar(w -> w.symlink("l", "/etc"));
    assertThatThrownBy(
            () -> TarReader.extract(new ByteArrayInputStream(link), tmp.resolve("o3"), 100))
        .hasMessageContaining("a link");
    byte[] big = tar(w -> w.file("big", 0644, new byte[200]));
    assertThatThrownBy(
            () -> TarReader.extract(new ByteArrayInputStream(big), tmp.resolve("o4"), 100))
        .hasMessageContaining("more than 100 bytes");
    assertThat(tmp.resolve("evil")).doesNotExist();
  }

  @Test
  void aNameTooLongForUstarIsRefusedByTheWriter() {
    assertThatThrownBy(() -> tar(w -> w.file("x".repeat(101), 0644, new byte[0])))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("too long");
  }
}
