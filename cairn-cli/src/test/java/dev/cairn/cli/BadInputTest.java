package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a user or an attacker feeds the command line that it must refuse clearly. */
@Timeout(120)
class BadInputTest {
  @TempDir Path tmp;

  private static final String GOOD =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine, namespace: ns}\n";

  private Path file(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static CliTest.Run run(String... args) {
    return CliTest.run(args);
  }

  @Test
  void scan_table_malformedFile_errorGoesToStderr_notAfterTheSummary() throws Exception {
    Path bad = file("bad.yaml", "kind: [\n");
    Path good = file("good.yaml", GOOD);

    CliTest.Run r = run("scan", bad.toString(), good.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out())
        .contains("1 object, " + dev.cairn.scanner.Checks.builtin().size() + " checks")
        .doesNotContain("malformed YAML");
    assertThat(r.err())
        .startsWith("cairn: " + bad + ":2:1: error: malformed YAML")
        .contains("\n  perhaps you should correct the YAML at that place\n")
        .endsWith(
            "cairn: some input could not be scanned (see the errors above); the report is"
                + " incomplete\n");
  }

  @Test
  void scan_billionLaughs_isOneLineWithAHint_andExitTwo() throws Exception {
    StringBuilder sb = new StringBuilder(GOOD.replace("fine", "lol") + "data:\n  a0: &a0 lol\n");
    for (int i = 1; i < 10; i++) {
      sb.append("  a").append(i).append(": &a").append(i).append(" [");
      sb.append(String.join(",", Collections.nCopies(9, "*a" + (i - 1)))).append("]\n");
    }
    Path lol = file("lol.yaml", sb.toString());

    CliTest.Run r = run("scan", lol.toString(), file("good.yaml", GOOD).toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "cairn: "
                + lol
                + ":12:7: error: YAML aliases expand the document by more than the limit of"
                + " 1000000 nodes (a \"billion laughs\" document?); document skipped\n"
                + "  perhaps you should write the document out without so many aliases\n")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void scan_documentOverMaxDocumentSize_namesTheFlag() throws Exception {
    Path big = file("big.yaml", GOOD + "data:\n  x: " + "a".repeat(5000) + "\n");

    CliTest.Run r = run("scan", big.toString(), "--max-document-size", "4KiB");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "cairn: "
                + big
                + ":1:1: error: YAML document is over the limit of 4 KiB for one document;"
                + " skipped\n"
                + "  perhaps you should split the document, or raise --max-document-size (now 4"
                + " KiB)\n");
  }

  @Test
  void scan_devZero_isNotText_notMissing() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")));

    CliTest.Run r = run("scan", "/dev/zero");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith(
            "cairn: /dev/zero:1:1: error: a NUL character: this is not YAML or JSON text; stopped"
                + " reading it\n")
        .doesNotContain("no such file");
  }

  @Test
  void scan_flagsThatDoNotApply_areUsageErrors() throws Exception {
    String good = file("good.yaml", GOOD).toString();
    String[][] cases = {
      {"-n", "shop", "cairn: --namespace applies to a live cluster, not to manifests"},
      {"--context", "x", "cairn: --context applies to a live cluster, not to manifests"},
      {"--parallelism", "-3", "cairn: --parallelism -3 is not a whole number of 1 or more"},
      {"--parallelism", "0", "cairn: --parallelism 0 is not a whole number of 1 or more"},
      {"--page-size", "0", "cairn: --page-size 0 is not a whole number of 1 or more"},
      {"--max-document-size", "0", "cairn: --max-document-size 0 is not a size"},
      {"--max-input-size", "lots", "cairn: --max-input-size lots is not a size"},
    };
    for (String[] c : cases) {
      CliTest.Run r = run("scan", good, c[0], c[1]);
      assertThat(r.code()).as(c[0]).isEqualTo(2);
      assertThat(r.err()).as(c[0]).startsWith(c[2] + "\n  perhaps you should ");
    }
  }

  @Test
  void scan_outputFileThatCannotBeWritten_isOneClearLine() throws Exception {
    String good = file("good.yaml", GOOD).toString();
    Path blocker = file("plain-file", "");

    CliTest.Run r =
        run("scan", good, "-o", "json", "--output-file", blocker.resolve("x.json").toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "cairn: cannot write the report to "
                + blocker.resolve("x.json")
                + ": "
                + blocker
                + " is not a directory\n"
                + "  perhaps you should pass --output-file a path in a directory you can write\n");
  }

  @Test
  void verify_whatIsNoCertificate_saysWhatIsMissing_notANullPointer() throws Exception {
    String[][] cases = {
      {"", "the file is empty"},
      {"[]", "it is a JSON list, not a JSON object"},
      {"null", "it is JSON null, not a JSON object"},
      {"{\"envelope\": {}}", "missing 'receipt'"},
    };
    for (String[] c : cases) {
      Path f = file("c.cert.json", c[0]);
      CliTest.Run r = CliTest.run(tmp.resolve("home"), "verify", f.toString());
      assertThat(r.code()).as(c[0]).isEqualTo(2);
      assertThat(r.err())
          .as(c[0])
          .isEqualTo(
              "cairn: not a Cairn certificate file "
                  + f
                  + ": "
                  + c[1]
                  + "\n  perhaps you should pass the .cert.json that certification wrote\n");
    }
  }

  @Test
  void errors_controlCharactersInMessages_areEscaped() throws Exception {
    Path f = file("c\u001b[8m.cert.json", "[]");

    CliTest.Run r = CliTest.run(tmp.resolve("home"), "verify", f.toString());

    assertThat(r.err()).contains("c\\e[8m.cert.json").doesNotContain("\u001b");
  }

  @Test
  void scan_controlCharactersInNames_areEscapedInTheTable() throws Exception {
    Path f =
        file(
            "esc.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: \"web\\e[8mhidden\", namespace: ns}\n"
                + "spec: {containers: [{name: c, image: x}]}\n");

    CliTest.Run r = run("scan", f.toString());

    assertThat(r.out()).contains("Pod ns/web\\e[8mhidden").doesNotContain("\u001b");
  }
}
