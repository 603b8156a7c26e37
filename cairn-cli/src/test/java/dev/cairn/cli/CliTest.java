package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    return run(System.getenv(), args);
  }

  /** In-process, with Cairn's home in {@code home} (given as CAIRN_HOME, never JVM-wide). */
  static Run run(Path home, String... args) {
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("CAIRN_HOME", home.toString());
    return run(env, args);
  }

  static Run run(java.util.Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void version_printsToolVersion() {
    Run r = run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("cairn ");
  }

  @Test
  void scan_nothingToScan_isUsageErrorWithHint() {
    Run r = run("scan");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("cairn: nothing to scan")
        .contains("perhaps you should pass manifest paths");
  }

  @Test
  void scan_exitCodes_followFailOn() throws Exception {
    Path m = tmp.resolve("p.yaml");
    Files.writeString(
        m,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec: {automountServiceAccountToken: false, containers: [{name: c, image: 'x:1@sha256:"
            + "a".repeat(64)
            + "', securityContext: {privileged: false}}]}\n");
    Path out = tmp.resolve("r.json");
    assertThat(run("scan", m.toString(), "-o", "json", "--output-file", out.toString()).code())
        .isEqualTo(1);
    assertThat(Files.readString(out)).contains("\"schema\" : \"cairn.dev/scan-report/v1\"");
    assertThat(
            run(
                    "scan",
                    m.toString(),
                    "--framework",
                    "pss-baseline",
                    "-o",
                    "json",
                    "--output-file",
                    out.toString())
                .code())
        .isZero();
    assertThat(
            run(
                    "scan",
                    m.toString(),
                    "--fail-on",
                    "critical",
                    "-o",
                    "json",
                    "--output-file",
                    out.toString())
                .code())
        .isZero();
    assertThat(run("scan", m.toString(), "--fail-on", "urgent").code()).isEqualTo(2);
    assertThat(run("scan", m.toString(), "--framework", "nist").err())
        .contains("unknown framework 'nist'");
  }

  @Test
  void scan_malformedFile_isInputErrorButOtherFilesAreScanned() throws Exception {
    Files.writeString(tmp.resolve("a.yaml"), "kind: [\n");
    Files.writeString(
        tmp.resolve("b.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c, image: x}]}\n");
    Run r =
        run(
            "scan",
            tmp.toString(),
            "-o",
            "json",
            "--output-file",
            tmp.resolve("out.json").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("a.yaml:2:1: error: malformed YAML").contains("malformed YAML");
    assertThat(Files.readString(tmp.resolve("out.json"))).contains("\"name\" : \"b\"");
  }

  @Test
  void scan_pssVersion_appliesThatVersionsRules() throws Exception {
    Path m = tmp.resolve("p.yaml");
    Files.writeString(
        m,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n"
            + "  securityContext: {sysctls: [{name: net.ipv4.tcp_notsent_lowat, value: '16384'}]}\n"
            + "  containers: [{name: c, image: x, livenessProbe: {httpGet: {host: 10.0.0.1, port: 80}}}]\n");
    Path out = tmp.resolve("r.json");
    Run latest =
        run(
            "scan",
            m.toString(),
            "-f",
            "pss-baseline",
            "-o",
            "json",
            "--output-file",
            out.toString());
    assertThat(latest.code()).isEqualTo(1);
    String at137 = Files.readString(out);
    assertThat(at137).contains("\"pssVersion\" : \"v1.37\"").contains("\"id\" : \"CRN-111\"");
    // v1.33: no host-probe check yet, and tcp_notsent_lowat is not a safe sysctl until v1.37
    Run old =
        run(
            "scan",
            m.toString(),
            "-f",
            "pss-baseline",
            "--pss-version",
            "v1.33",
            "-o",
            "json",
            "--output-file",
            out.toString());
    assertThat(old.code()).isEqualTo(1);
    String at133 = Files.readString(out);
    assertThat(at133).contains("\"pssVersion\" : \"v1.33\"").doesNotContain("CRN-111");
    assertThat(at133).containsPattern("\"id\" : \"CRN-110\"(?s:.)*?\"status\" : \"failed\"");
    assertThat(at137).containsPattern("\"id\" : \"CRN-110\"(?s:.)*?\"status\" : \"passed\"");
    Run bad = run("scan", m.toString(), "--pss-version", "v1.99");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err())
        .contains("unknown Pod Security Standards version 'v1.99' for --pss-version")
        .contains("perhaps you should use latest or v1.0 to v1.37");
  }

  @Test
  void checksList_pssVersion_leavesOutLaterChecks() {
    Run r = run("checks", "list", "-f", "pss-restricted", "--pss-version", "v1.22");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("CRN-125")
        .doesNotContain("CRN-123 ")
        .doesNotContain("CRN-111")
        .contains("checks at Pod Security Standards v1.22");
    assertThat(run("checks", "list", "-o", "markdown").out())
        .contains("| PSS baseline (Host Probes / Lifecycle Hooks, v1.34+) |");
  }

  @Test
  void checksList_markdownListsEveryBuiltinWithFrameworkIds() {
    Run r = run("checks", "list", "-o", "markdown");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("| CRN-102 | Critical | Privileged containers |")
        .contains("mitre T1611");
  }

  @Test
  void docsChecksMd_isUpToDate() throws Exception {
    Run r = run("checks", "list", "-o", "markdown");
    assertThat(Files.readString(Path.of("../docs/checks.md")))
        .as("docs/checks.md is generated: ./cairn checks list -o markdown > docs/checks.md")
        .isEqualTo(r.out());
  }

  @Test
  void checksRbac_printsReadOnlyRoleForTheChecks() {
    Run r = run("checks", "rbac", "--service-account", "audit/scanner");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("kind: ClusterRole")
        .contains("verbs: [get, list]")
        .contains("resources: [clusterrolebindings, clusterroles, rolebindings, roles]")
        .doesNotContain("create")
        .doesNotContain("update")
        .doesNotContain("delete")
        .contains("namespace: audit\n    name: scanner");
  }

  @Test
  void checksLint_reportsProblemsAndExitsOne() throws Exception {
    Files.writeString(
        tmp.resolve("c.yaml"),
        "id: X\nseverity: Low\nmatch: {resources: [{group: '', version: v1, resource: pods}]}\nvalidations:\n- expression: nope.x == 1\n");
    Run r = run("checks", "lint", tmp.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("c.yaml:5:15: CEL: undeclared reference to 'nope'")
        .contains("\n              ^");
    // several paths in one run, every problem of each
    Path other = tmp.resolve("other");
    Files.createDirectories(other);
    Files.writeString(other.resolve("d.yaml"), "id: [\n");
    Run both = run("checks", "lint", tmp.toString(), other.toString());
    assertThat(both.code()).isEqualTo(1);
    assertThat(both.out())
        .contains("c.yaml:5:15: CEL: undeclared reference to 'nope'")
        .contains("d.yaml:")
        .contains("found in 2 paths");
  }

  @Test
  void scan_includeExcludeSeverity_andTheFormatFromTheFileName() throws Exception {
    Path m = tmp.resolve("p.yaml");
    Files.writeString(
        m,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec: {containers: [{name: c,"
            + " image: x, securityContext: {privileged: true}}]}\n");
    Run only = run("scan", m.toString(), "--include", "CRN-102", "-o", "json");
    assertThat(only.out()).contains("\"id\" : \"CRN-102\"").doesNotContain("\"id\" : \"CRN-105\"");
    Run without = run("scan", m.toString(), "--exclude", "CRN-1*", "-o", "json");
    assertThat(without.out()).doesNotContain("\"id\" : \"CRN-102\"");
    Run typo = run("scan", m.toString(), "--include", "CRN-9999");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err()).contains("cairn: no check matches 'CRN-9999'");
    // the display filter hides the low ones, the exit code still sees them
    Run high = run("scan", m.toString(), "--severity", "critical", "-o", "json");
    assertThat(high.code()).isEqualTo(1);
    assertThat(high.out())
        .contains("\"severity\" : \"Critical\"")
        .doesNotContain("\"severity\" : \"Low\"");
    Path sarif = tmp.resolve("out.sarif");
    assertThat(run("scan", m.toString(), "--output-file", sarif.toString()).code()).isEqualTo(1);
    assertThat(Files.readString(sarif)).contains("\"$schema\"").contains("sarif");
    Path html = tmp.resolve("out.html");
    run("scan", m.toString(), "--output-file", html.toString());
    assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>");
  }

  @Test
  void scan_baseline_showsOnlyNewFindings_andTheExitCodeFollowsThem() throws Exception {
    Path m = tmp.resolve("p.yaml");
    String pod =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec: {containers: [{name: c,"
            + " image: x, securityContext: {privileged: true}}]}\n";
    Files.writeString(m, pod);
    Path before = tmp.resolve("main.json");
    assertThat(run("scan", m.toString(), "--output-file", before.toString()).code()).isEqualTo(1);
    // nothing new: passes, and says how many known findings it left out
    Run same = run("scan", m.toString(), "--baseline", before.toString());
    assertThat(same.code()).as(same.err()).isZero();
    assertThat(same.out()).contains("known in the baseline " + before + " not shown");
    assertThat(same.out()).doesNotContain("FAILED  Container runs privileged");
    // a new container that binds a host port: that finding alone, and the run fails
    Files.writeString(
        m,
        pod.replace("}}]}", "}}, {name: d, image: x, ports: [{containerPort: 1, hostPort: 1}]}]}"));
    Run pr = run("scan", m.toString(), "--baseline", before.toString(), "-o", "json");
    assertThat(pr.code()).isEqualTo(1);
    assertThat(pr.out()).contains("\"container\" : \"d\"").doesNotContain("\"container\" : \"c\"");
    // a baseline that is not a report: a usage error that says how to make one
    Run bad = run("scan", m.toString(), "--baseline", m.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err())
        .contains("cairn: baseline " + m + ": not JSON")
        .contains("perhaps you should pass --baseline a report written by `cairn scan -o json`");
  }
}
