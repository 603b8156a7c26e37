package dev.cairn.attest.tee.snp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;

/** The recorded Milan vector in src/test/resources/tee-vectors/sev-snp-milan/ (SOURCES-snp.md). */
final class Vectors {
  private Vectors() {}

  static byte[] read(String name) {
    try (InputStream in =
        Objects.requireNonNull(
            Vectors.class.getResourceAsStream("/tee-vectors/sev-snp-milan/" + name), name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path dir() {
    try {
      return Paths.get(
          Objects.requireNonNull(Vectors.class.getResource("/tee-vectors/sev-snp-milan/")).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] report() {
    return read("attestation.bin");
  }

  static byte[] vcek() {
    return read("vcek.der");
  }

  static byte[] askArk() {
    return read("ask_ark_milan.pem");
  }
}
