package dev.cairn.server;

import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.ledger.Certificate;
import dev.cairn.ledger.CertificateBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The certificates a server keeps: the {@code *.cert.json} files {@code cairn certify} wrote, in
 * one directory ({@code certificates/} in Cairn's home by default). Each is read as it is, never
 * trusted for that: the API verifies one through cairn-certify when asked.
 */
public final class CertificateShelf {
  private final Path dir;

  private CertificateShelf(Path dir) {
    this.dir = dir;
  }

  /** {@code certificates/} in Cairn's home. */
  public static CertificateShelf in(CairnHome home) {
    return new CertificateShelf(home.dir("certificates"));
  }

  public static CertificateShelf at(Path dir) {
    return new CertificateShelf(dir);
  }

  public Path dir() {
    return dir;
  }

  /**
   * One certificate file.
   *
   * @param digest the certificate's digest ({@code sha256:…}, its envelope's)
   * @param file where it is
   * @param bundle the certificate with its receipt
   * @param certificate what it says
   */
  public record Shelved(
      String digest, Path file, CertificateBundle bundle, Certificate certificate) {}

  /**
   * Every readable certificate, the newest issue first; files that are not certificates are left
   * out (and named in {@code skipped}).
   */
  public List<Shelved> list(List<String> skipped) throws ServerException {
    List<Shelved> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".cert.json")).sorted().toList();
    } catch (IOException e) {
      throw new ServerException(
          "cannot list the certificates in " + dir + ": " + e.getMessage(),
          "check the directory's permissions",
          e);
    }
    for (Path f : files) {
      try {
        CertificateBundle b = CertificateBundle.parse(Files.readString(f), f.toString());
        Certificate c = Certificate.parse(b.envelope().payload());
        out.add(new Shelved(b.envelope().digest().toString(), f, b, c));
      } catch (IOException | CairnException | RuntimeException e) {
        skipped.add(f.getFileName().toString());
      }
    }
    out.sort(
        Comparator.comparing((Shelved s) -> s.certificate().issuedAt())
            .reversed()
            .thenComparing(Shelved::digest));
    return out;
  }

  /** The certificate with digest {@code digest}. */
  public Optional<Shelved> find(String digest) throws ServerException {
    return list(new ArrayList<>()).stream().filter(s -> s.digest().equals(digest)).findFirst();
  }
}
