package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.RunRequest;
import dev.cairn.pipeline.RunTarget;
import dev.cairn.pipeline.SecretSource;
import dev.cairn.pipeline.source.CheckoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run a target asks for records the full commit id, whatever abbreviation was typed. */
class DeliveryRequestTest {
  @TempDir Path dir;

  @Test
  void anAbbreviatedCommitOfADirectory_isRecordedInFull() throws Exception {
    Files.createDirectories(dir.resolve(".cairn"));
    Files.writeString(
        dir.resolve(".cairn/pipeline.yaml"),
        "steps:\n  - name: hello\n    run: {command: [sh, -c, 'echo hi']}\n");
    String full;
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      full =
          git.commit()
              .setMessage("one")
              .setAuthor("dev", "dev@example.com")
              .setCommitter("dev", "dev@example.com")
              .setSign(false)
              .call()
              .getName();
    }
    List<String> notes = new ArrayList<>();
    RunRequest r =
        Delivery.request(
            RunTarget.parse(dir + "@" + full.substring(0, 8)),
            SecretSource.of(Map.of()),
            "dev",
            notes::add);
    assertThat(r.commit()).isEqualTo(full);
    assertThat(r.trigger().commit()).isEqualTo(full);

    assertThatThrownBy(
            () ->
                Delivery.request(
                    RunTarget.parse(dir + "@deadbeef"), SecretSource.of(Map.of()), "dev", x -> {}))
        .isInstanceOf(CheckoutException.class)
        .hasMessageContaining("no commit deadbeef");
  }

  @Test
  void aWorkingTreeCheckout_keepsModesAndLinks_andNeverCopiesWhatALinkPointsAt() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("app/.cairn")).getParent();
    Files.writeString(
        repo.resolve(".cairn/pipeline.yaml"),
        "steps:\n  - checkout: {}\n  - name: look\n    run: {command: [sh, -c,"
            + " './tool.sh && test -L outside && readlink outside']}\n");
    Files.writeString(repo.resolve("tool.sh"), "#!/bin/sh\necho tool ran\n");
    Files.setPosixFilePermissions(
        repo.resolve("tool.sh"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path secret = Files.writeString(dir.resolve("secret.txt"), "not for the workspace\n");
    Files.createSymbolicLink(repo.resolve("outside"), secret);
    List<String> logs = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (dev.cairn.pipeline.RunEngine engine =
        Delivery.engine(
            dev.cairn.core.CairnHome.of(dir.resolve("home")),
            System.getenv(),
            SecretSource.of(Map.of()),
            new dev.cairn.pipeline.RunListener() {
              @Override
              public void log(String runId, String step, String line) {
                logs.add(step + ": " + line);
              }
            })) {
      RunRequest r =
          Delivery.request(
              RunTarget.parse(repo.toString()), SecretSource.of(Map.of()), "dev", x -> {});
      var run = engine.await(engine.submit(r).run().id(), java.time.Duration.ofMinutes(1));
      assertThat(run.state())
          .as(String.join("\n", logs))
          .isEqualTo(dev.cairn.pipeline.RunState.SUCCEEDED);
      assertThat(logs).contains("look: tool ran", "look: " + secret);
    }
  }

  @Test
  void anAbbreviatedCommitOfAUrl_isRefusedWithTheFix() {
    assertThatThrownBy(
            () ->
                Delivery.request(
                    RunTarget.parse("https://git.example/app.git@3f2a9c1"),
                    SecretSource.of(Map.of()),
                    "dev",
                    x -> {}))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("abbreviated commit id")
        .satisfies(
            e ->
                assertThat(((CairnException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("40 hex")));
  }
}
