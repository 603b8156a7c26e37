package dev.cairn.pipeline.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Diagnostic;
import dev.cairn.pipeline.build.Instruction.Copy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerfileTest {

  private static Dockerfile parse(String text) throws DockerfileException {
    return Dockerfile.parse("Dockerfile", text, Map.of());
  }

  private static List<Instruction> only(String text) throws DockerfileException {
    return parse("FROM scratch\n" + text).stages().get(0).instructions();
  }

  private static DockerfileException failure(String text) {
    try {
      parse(text);
    } catch (DockerfileException e) {
      return e;
    }
    throw new AssertionError("parsed: " + text);
  }

  @Test
  void from_imageStageAndPlatform() throws Exception {
    Dockerfile d =
        parse("FROM --platform=linux/amd64 busybox:1.36 AS Build\nFROM build AS final\n");
    assertThat(d.stages()).hasSize(2);
    var first = d.stages().get(0).from();
    assertThat(first.image().value()).isEqualTo("busybox:1.36");
    assertThat(first.name()).isEqualTo("build");
    assertThat(first.platform()).isEqualTo("linux/amd64");
    assertThat(first.stage()).isEqualTo(-1);
    assertThat(d.stages().get(1).from().stage()).isZero();
    assertThat(d.stage("FINAL")).contains(d.stages().get(1));
    assertThat(d.stage("0")).contains(d.stages().get(0));
  }

  @Test
  void arg_beforeFrom_substitutesInFrom_andBuildArgsWin() throws Exception {
    Dockerfile d =
        Dockerfile.parse(
            "Dockerfile",
            "ARG BASE=busybox\nARG TAG=1\nFROM ${BASE}:${TAG}\nARG TAG\nENV T=$TAG\n",
            Map.of("TAG", "2"));
    assertThat(d.stages().get(0).from().image().value()).isEqualTo("busybox:2");
    assertThat(d.globalArgs()).extracting(Instruction.Arg::value).containsExactly("busybox", "2");
    // a global ARG is visible in a stage only once the stage declares it
    assertThat(d.stages().get(0).instructions().get(1))
        .isEqualTo(
            new Instruction.Env(
                d.stages().get(0).instructions().get(1).location(), Map.of("T", "2")));
  }

  @Test
  void env_bothForms_quotesAndSubstitution() throws Exception {
    var is =
        only(
            "ENV A=1 B=\"two words\" C='$A' D=\"$A-x\"\n"
                + "ENV LEGACY value with  spaces\n"
                + "ENV E=${A:-none} F=${NOPE:-dflt} G=${A:+set} H=${NOPE:+set} I=\\$A\n");
    assertThat(((Instruction.Env) is.get(0)).variables())
        .containsExactly(
            Map.entry("A", "1"),
            Map.entry("B", "two words"),
            Map.entry("C", "$A"),
            Map.entry("D", "-x")); // as Docker: an ENV sees the values from before it
    assertThat(((Instruction.Env) is.get(1)).variables())
        .containsExactly(Map.entry("LEGACY", "value with  spaces"));
    assertThat(((Instruction.Env) is.get(2)).variables())
        .containsExactly(
            Map.entry("E", "1"),
            Map.entry("F", "dflt"),
            Map.entry("G", "set"),
            Map.entry("H", ""),
            Map.entry("I", "$A"));
  }

  @Test
  void copy_flagsSourcesAndWorkdirRelativeDestination() throws Exception {
    var is =
        only(
            "WORKDIR /app\n"
                + "COPY --chown=1000:1000 --chmod=0640 a.txt \"b c.txt\" conf/\n"
                + "COPY [\"x y\", \"./dst\"]\n"
                + "ADD --link local.txt /opt/\n");
    assertThat(is.get(0)).isEqualTo(new Instruction.Workdir(is.get(0).location(), "/app"));
    Copy c = (Copy) is.get(1);
    assertThat(c.sources()).extracting(Instruction.Word::value).containsExactly("a.txt", "b c.txt");
    assertThat(c.destination().value()).isEqualTo("/app/conf/");
    assertThat(c.chown().value()).isEqualTo("1000:1000");
    assertThat(c.chmod()).isEqualTo(0640);
    assertThat(c.add()).isFalse();
    assertThat(c.sources().get(1).location().column()).isEqualTo(43);
    Copy json = (Copy) is.get(2);
    assertThat(json.sources()).extracting(Instruction.Word::value).containsExactly("x y");
    assertThat(json.destination().value()).isEqualTo("/app/dst");
    assertThat(((Copy) is.get(3)).add()).isTrue();
  }

  @Test
  void copyFrom_namesAnEarlierStage_orAnImage() throws Exception {
    Dockerfile d =
        parse(
            "FROM scratch AS build\nCOPY a /a\nFROM scratch\nCOPY --from=build /a /b\n"
                + "COPY --from=0 /a /c\nCOPY --from=busybox:1 /bin/busybox /bin/\n");
    var is = d.stages().get(1).instructions();
    assertThat(((Copy) is.get(0)).fromStage()).isZero();
    assertThat(((Copy) is.get(1)).fromStage()).isZero();
    assertThat(((Copy) is.get(2)).fromStage()).isEqualTo(-1);
    assertThat(((Copy) is.get(2)).fromImage().value()).isEqualTo("busybox:1");
  }

  @Test
  void lineContinuations_commentsInside_andColumnsOnTheRightLine() throws Exception {
    var is =
        only(
            "LABEL a=1 \\\n"
                + "  # a comment inside is dropped\n"
                + "\n"
                + "      b=2\n"
                + "CMD [\"run\", \\\n"
                + "     \"--port\", \"8080\"]\n");
    assertThat(((Instruction.Label) is.get(0)).labels())
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    Instruction.Cmd cmd = (Instruction.Cmd) is.get(1);
    assertThat(cmd.command()).containsExactly("run", "--port", "8080");
    assertThat(cmd.shellForm()).isFalse();
    assertThat(cmd.location().line()).isEqualTo(6);
  }

  @Test
  void entrypointAndCmd_shellFormUsesTheShell() throws Exception {
    var is =
        only("ENTRYPOINT exec /bin/app --x \"$HOME\"\nSHELL [\"/bin/bash\", \"-c\"]\nCMD run\n");
    assertThat(((Instruction.Entrypoint) is.get(0)).command())
        .containsExactly("/bin/sh", "-c", "exec /bin/app --x \"$HOME\"");
    assertThat(((Instruction.Cmd) is.get(2)).command()).containsExactly("/bin/bash", "-c", "run");
  }

  @Test
  void userExposeVolumeWorkdir() throws Exception {
    var is =
        only(
            "ARG UID=1000\nUSER ${UID}:0\nEXPOSE 8080 53/udp 9000-9002\nWORKDIR /srv\n"
                + "WORKDIR data\nVOLUME [\"/var/lib\"]\nVOLUME cache logs\n");
    assertThat(is.get(1)).isEqualTo(new Instruction.User(is.get(1).location(), "1000:0"));
    assertThat(((Instruction.Expose) is.get(2)).ports())
        .containsExactly("8080/tcp", "53/udp", "9000/tcp", "9001/tcp", "9002/tcp");
    assertThat(((Instruction.Workdir) is.get(4)).path()).isEqualTo("/srv/data");
    assertThat(((Instruction.Volume) is.get(5)).paths()).containsExactly("/var/lib");
    assertThat(((Instruction.Volume) is.get(6)).paths())
        .containsExactly("/srv/data/cache", "/srv/data/logs");
  }

  @Test
  void runHealthcheckStopsignal_areKeptForTheBuilderToRoute() throws Exception {
    var is = only("RUN apk add curl \\\n  && echo ok\nHEALTHCHECK CMD true\nSTOPSIGNAL SIGTERM\n");
    assertThat(((Instruction.Run) is.get(0)).text()).isEqualTo("apk add curl   && echo ok");
    assertThat(((Instruction.ConfigOnly) is.get(1)).keyword()).isEqualTo("HEALTHCHECK");
    assertThat(((Instruction.ConfigOnly) is.get(2)).keyword()).isEqualTo("STOPSIGNAL");
  }

  @Test
  void escapeDirective_backtick() throws Exception {
    var is = parse("# escape=`\nFROM scratch\nLABEL a=1 `\n  b=C:\\dir\n").stages().get(0);
    assertThat(((Instruction.Label) is.instructions().get(0)).labels())
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "C:\\dir"));
  }

  @Test
  void unsupportedInstruction_isAnErrorAtItsLineWithACaret() {
    DockerfileException e = failure("FROM scratch\n  ONBUILD COPY x /\n");
    assertThat(e.getMessage())
        .isEqualTo(
            "Dockerfile:2:3: ONBUILD is not supported: it would run in a later build that uses"
                + " this image as its base");
    assertThat(e.render()).endsWith("\n  ONBUILD COPY x /\n  ^");
  }

  @Test
  void everyError_isReported_inFileOrder() {
    DockerfileException e =
        failure(
            "COPY a /\n"
                + "FROM scratch\n"
                + "FOO bar\n"
                + "EXPOSE 80 http 70000\n"
                + "COPY --chmod=999 a /\n"
                + "CMD [\"a\", ]\n"
                + "ENV X=\"unterminated\n"
                + "COPY --nope=1 a /\n"
                + "COPY --from=1 a /\n"
                + "MAINTAINER me\n"
                + "LABEL ${X\n"
                + "COPY onlyone\n");
    List<String> lines = e.diagnostics().stream().map(Diagnostic::oneLine).toList();
    assertThat(lines)
        .containsExactly(
            "Dockerfile:1:1: COPY before the first FROM (only ARG may come before FROM)",
            "Dockerfile:3:1: unknown instruction 'FOO'",
            "Dockerfile:4:11: bad port 'http' (PORT, PORT/tcp or PORT/udp)",
            "Dockerfile:4:16: port '70000' is out of range (1-65535)",
            "Dockerfile:5:14: --chmod takes octal permissions such as 0755, not '999'",
            "Dockerfile:6:11: expected a string in double quotes in the JSON array",
            "Dockerfile:7:7: unterminated double quote",
            "Dockerfile:8:6: unsupported flag --nope for COPY (supported: --from, --chown,"
                + " --chmod, --link)",
            "Dockerfile:9:13: --from=1 names this stage or a later one; a COPY reads only from an"
                + " earlier stage",
            "Dockerfile:10:1: MAINTAINER is deprecated and not supported: write LABEL"
                + " maintainer=\"me\"",
            "Dockerfile:11:7: unterminated ${ (a variable is written ${NAME})",
            "Dockerfile:12:6: COPY needs at least one source and a destination");
    assertThat(e.getMessage()).endsWith("(and 11 more)");
    assertThat(e.render()).contains("CMD [\"a\", ]\n          ^");
  }

  @Test
  void errorInAContinuedLine_pointsAtThePhysicalLine() {
    DockerfileException e = failure("FROM scratch\nEXPOSE 80 \\\n   8o\n");
    assertThat(e.diagnostics()).hasSize(1);
    assertThat(e.diagnostics().get(0).render())
        .isEqualTo("Dockerfile:3:4: bad port '8o' (PORT, PORT/tcp or PORT/udp)\n   8o\n   ^");
  }

  @Test
  void noFrom_duplicateStage_requiredVariable() {
    assertThat(failure("# only a comment\n").getMessage())
        .isEqualTo("Dockerfile:1:1: no FROM: a Dockerfile starts with FROM (after ARGs)");
    assertThat(failure("FROM scratch AS a\nFROM scratch AS A\n").getMessage())
        .isEqualTo("Dockerfile:2:17: duplicate stage name 'a'");
    assertThat(failure("FROM scratch\nENV X=${NEED:?give NEED}\n").getMessage())
        .isEqualTo("Dockerfile:2:7: NEED is not set: give NEED");
  }

  @Test
  void heredoc_isRefusedAtItsColumn() {
    assertThat(failure("FROM scratch\nCOPY <<EOF /x\nhi\nEOF\n").diagnostics().get(0).oneLine())
        .startsWith("Dockerfile:2:6: heredocs in COPY are not supported");
  }
}
