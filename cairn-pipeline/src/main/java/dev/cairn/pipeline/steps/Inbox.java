package dev.cairn.pipeline.steps;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.pipeline.webhook.SourceKind;
import dev.cairn.pipeline.webhook.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The webhook triggers accepted but not yet turned into runs, one file each in {@code
 * webhooks/inbox/}: a trigger is written (synced, renamed into place) before the forge hears 202,
 * and removed once its run is submitted, so a crash in between loses nothing. Submitting twice is
 * harmless: the engine knows a delivery id it has run. A trigger that cannot be run moves to {@code
 * inbox/failed/}, kept for the operator.
 */
final class Inbox {
  private final Path dir;

  private Inbox(Path dir) {
    this.dir = dir;
  }

  static Inbox in(Path webhooks) throws IOException {
    Path dir = webhooks.resolve("inbox");
    Files.createDirectories(dir.resolve("failed"));
    return new Inbox(dir);
  }

  /** Keeps {@code t} durably; returns its file. */
  Path put(Trigger t) throws IOException {
    Path file =
        dir.resolve(
            "%013d-%s.json"
                .formatted(
                    t.receivedAt().toEpochMilli(),
                    Digest.sha256(t.source().id() + "\n" + t.deliveryId()).hex().substring(0, 32)));
    AtomicFiles.write(file, Json.pretty(document(t)));
    return file;
  }

  /** The triggers waiting, oldest first; a file that does not read as a trigger moves to failed. */
  List<Path> pending() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".json"))
          .filter(Files::isRegularFile)
          .sorted()
          .forEach(files::add);
    }
    return files;
  }

  static Trigger read(Path file) throws IOException {
    return trigger(Json.parseObject(Files.readString(file)));
  }

  void done(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  /** Moves {@code file} aside: its trigger will not be run; returns where it went. */
  Path failed(Path file) throws IOException {
    Path to = dir.resolve("failed").resolve(file.getFileName());
    Files.move(file, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return to;
  }

  static Map<String, Object> document(Trigger t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", t.source().id());
    m.put("deliveryId", t.deliveryId());
    m.put(
        "repository",
        Map.of(
            "name", t.repository().name(),
            "fullName", t.repository().fullName(),
            "cloneUrl", t.repository().cloneUrl()));
    m.put("ref", t.ref());
    m.put("commit", t.commit());
    m.put("before", t.before());
    m.put("pusher", t.pusher());
    m.put("changedPaths", t.changedPaths());
    m.put("pathsComplete", t.pathsComplete());
    m.put("receivedAt", t.receivedAt().toString());
    return m;
  }

  static Trigger trigger(Map<String, Object> m) throws IOException {
    try {
      Map<?, ?> repo = (Map<?, ?>) Objects.requireNonNull(m.get("repository"));
      List<String> paths = new ArrayList<>();
      for (Object p : (List<?>) Objects.requireNonNull(m.get("changedPaths"))) {
        paths.add((String) p);
      }
      return new Trigger(
          SourceKind.byId(string(m, "source")).orElseThrow(),
          string(m, "deliveryId"),
          new Trigger.Repository(
              (String) Objects.requireNonNull(repo.get("name")),
              (String) Objects.requireNonNull(repo.get("fullName")),
              (String) Objects.requireNonNull(repo.get("cloneUrl"))),
          string(m, "ref"),
          string(m, "commit"),
          string(m, "before"),
          string(m, "pusher"),
          paths,
          (Boolean) Objects.requireNonNull(m.get("pathsComplete")),
          Instant.parse(string(m, "receivedAt")));
    } catch (RuntimeException e) {
      throw new IOException("not a webhook trigger: " + e, e);
    }
  }

  private static String string(Map<String, Object> m, String key) {
    return (String) Objects.requireNonNull(m.get(key), key);
  }
}
