package dev.cairn.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cyclonedx.Version;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.parsers.JsonParser;

/**
 * CycloneDX's own validator (cyclonedx-core-java's JSON schema for 1.6, with the SPDX license list
 * it enumerates), for tests of the SBOMs Cairn writes.
 */
public final class CycloneDx {
  private CycloneDx() {}

  /** The schema errors of {@code json} against CycloneDX 1.6; empty when it is valid. */
  public static List<String> errors(byte[] json) throws IOException {
    List<ParseException> errors = new JsonParser().validate(json, Version.VERSION_16);
    return errors.stream().map(Throwable::getMessage).toList();
  }

  /** Fails with every schema error when {@code json} is not valid CycloneDX 1.6. */
  public static void assertValid(byte[] json) throws IOException {
    List<String> errors = errors(json);
    if (!errors.isEmpty()) {
      throw new AssertionError("not valid CycloneDX 1.6: " + errors);
    }
  }

  public static void assertValid(Path file) throws IOException {
    assertValid(Files.readAllBytes(file));
  }
}
