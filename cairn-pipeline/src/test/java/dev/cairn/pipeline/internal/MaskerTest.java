package dev.cairn.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Secret;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskerTest {
  @Test
  void stream_masksSecretsSplitAcrossWritesOfAnySize() throws Exception {
    Masker m = new Masker();
    m.add(Secret.ofUtf8("hunter2-the-password"));
    String text =
        "a hunter2-the-password b\n"
            + "x".repeat(9000)
            + "hunter2-the-password"
            + "y".repeat(5000)
            + "\nend hunter2-the-passwor";
    Random r = new Random(7);
    for (int round = 0; round < 200; round++) {
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      OutputStream s = m.stream(sink);
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      int i = 0;
      while (i < b.length) {
        int n = Math.min(b.length - i, 1 + r.nextInt(round % 2 == 0 ? 7 : 5000));
        s.write(b, i, n);
        i += n;
      }
      s.close();
      String out = sink.toString(StandardCharsets.UTF_8);
      assertThat(out).doesNotContain("hunter2-the-password");
      assertThat(out).isEqualTo(text.replace("hunter2-the-password", "***"));
    }
  }

  @Test
  void multiLineSecret_isMaskedLineByLine_andWhole() {
    Masker m = new Masker();
    m.add(Secret.ofUtf8("line-one-of-key\r\nline-two-of-key"));
    assertThat(m.mask("k=line-one-of-key\r\nline-two-of-key;")).isEqualTo("k=***;");
    assertThat(m.mask("only line-two-of-key here")).isEqualTo("only *** here");
  }

  @Test
  void stream_passesLinesOnAsSoonAsTheyEnd() throws Exception {
    Masker m = new Masker();
    m.add(Secret.ofUtf8("tok"));
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream s = m.stream(sink);
    s.write("first tok\nsec".getBytes(StandardCharsets.UTF_8));
    assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("first ***\n");
  }
}
