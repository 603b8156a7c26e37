package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A file that is not a certificate says so in one line that names the file and the field. */
class CertificateBundleTest {
  private static final Path GOOD = Path.of("src/test/resources/verifier/good.cert.json");

  private static void refused(String json, String message) {
    assertThatThrownBy(() -> CertificateBundle.parse(json, "c.cert.json"))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo("not a Cairn certificate file c.cert.json: " + message);
              assertThat(e.hint()).contains("pass the .cert.json that certification wrote");
            });
  }

  @Test
  void parse_whatIsNoCertificate_saysWhatIsMissing() {
    refused("", "the file is empty");
    refused("  \n", "the file is empty");
    refused("[]", "it is a JSON list, not a JSON object");
    refused("null", "it is JSON null, not a JSON object");
    refused("\"x\"", "it is a JSON string, not a JSON object");
    refused("{}", "missing 'envelope'");
    refused("{\"envelope\": {}}", "missing 'receipt'");
    refused("{\"envelope\": [], \"receipt\": {}}", "'envelope' is not an object");
    refused("{\"envelope\": {}, \"receipt\": {}}", "missing 'receipt.inclusionProof'");
    refused(
        "{\"a\": ", "Unexpected end-of-input within/between Object entries at line 1, column 7");
  }

  @Test
  void parse_goodCertificateWithoutReceipt_saysMissingReceipt() throws Exception {
    String good = Files.readString(GOOD);
    String noReceipt = good.substring(0, good.indexOf(",\n  \"receipt\"")) + "\n}\n";

    refused(noReceipt, "missing 'receipt'");
  }

  @Test
  void parse_fieldsOfTheWrongType_areNamed() throws Exception {
    String good = Files.readString(GOOD);
    assertThat(CertificateBundle.parse(good, "c.cert.json").index()).isNotNegative();

    refused(
        good.replaceFirst("\"index\" : \\d+", "\"index\" : \"one\""),
        "'receipt.index' is not a whole number");
    // only a chain receipt has no log index (-1)
    refused(
        good.replaceFirst("\"index\" : \\d+", "\"index\" : -1"),
        "'receipt.index' is not a log index");
    refused(
        good.replaceFirst("\"index\" : \\d+", "\"index\" : 99999999999999999999"),
        "Numeric value (99999999999999999999) out of range of long (-9223372036854775808 -"
            + " 9223372036854775807) at line 13, column 35");
    refused(
        good.replaceFirst("\"signingKey\" : \"[^\"]*\"", "\"signingKey\" : \"***\""),
        "'signingKey' is not base64");
    refused(
        good.replaceFirst("\"issuedAt\" : \"[^\"]*\"", "\"issuedAt\" : \"yesterday\""),
        "'receipt.issuedAt' is not a time (2026-01-31T12:00:00Z)");
  }

  @Test
  void parse_twoEnvelopes_isRefused_notTheLastOneWins() throws Exception {
    String good = Files.readString(GOOD);
    String envelope =
        good.substring(good.indexOf("\"envelope\""), good.indexOf(",\n  \"signingKey\""));
    String twice =
        good.replaceFirst(
            "\\{", "{\n  " + envelope.replace("\"payload\" : \"", "\"payload\" : \"eyJ9") + ",");

    assertThatThrownBy(() -> CertificateBundle.parse(twice, "c.cert.json"))
        .isInstanceOf(CairnException.class)
        .hasMessageStartingWith(
            "not a Cairn certificate file c.cert.json: Duplicate field 'envelope' at line ");
  }

  @Test
  void parse_twoPayloadsInTheEnvelope_isRefused() throws Exception {
    String good = Files.readString(GOOD);
    String twice = good.replaceFirst("\"payload\" : ", "\"payload\" : \"eyJ9\", \"payload\" : ");

    assertThatThrownBy(() -> CertificateBundle.parse(twice, "c.cert.json"))
        .isInstanceOf(CairnException.class)
        .hasMessageStartingWith(
            "not a Cairn certificate file c.cert.json: Duplicate field 'payload' at line 3");
  }
}
