package dev.cairn.deploy.rollout;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The history in {@code DIR/TARGET/}: {@code history.json} (every revision), {@code rev-N.json}
 * (its manifests) and {@code pin.json}, each replaced atomically ({@link AtomicFiles}), so a crash
 * leaves the old file or the new one, never half of either.
 */
final class FileDeployHistory implements DeployHistory {
  private final Path dir;

  FileDeployHistory(Path dir) {
    this.dir = dir;
  }

  Path targetDir(String target) {
    if (!dev.cairn.deploy.TargetConfig.validName(target)) {
      throw new IllegalArgumentException("not a target name: " + target);
    }
    return dir.resolve(target);
  }

  @Override
  public synchronized List<Revision> revisions(String target) throws IOException {
    Path f = targetDir(target).resolve("history.json");
    if (!Files.exists(f)) {
      return List.of();
    }
    Map<String, Object> doc = Json.parseObject(Files.readString(f));
    List<Revision> out = new ArrayList<>();
    if (doc.get("revisions") instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> m) {
          out.add(read(m, f));
        }
      }
    }
    return List.copyOf(out);
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> manifests(String target, int rev) throws IOException {
    Path f = targetDir(target).resolve("rev-" + rev + ".json");
    if (!Files.exists(f)) {
      throw new IOException("revision " + rev + " of target " + target + " has no manifests");
    }
    Object o = Json.parse(Files.readString(f));
    if (!(o instanceof List<?> l)) {
      throw new IOException(f + " is not a list of objects");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object e : l) {
      if (!(e instanceof Map<?, ?>)) {
        throw new IOException(f + " holds something other than an object");
      }
      out.add((Map<String, Object>) e);
    }
    return out;
  }

  @Override
  public synchronized void record(
      String target, Revision revision, @Nullable List<Map<String, Object>> manifests)
      throws IOException {
    Path d = targetDir(target);
    Files.createDirectories(d);
    if (manifests != null) {
      AtomicFiles.write(d.resolve("rev-" + revision.rev() + ".json"), Json.pretty(manifests));
    }
    List<Revision> all = new ArrayList<>(revisions(target));
    all.removeIf(r -> r.rev() == revision.rev());
    all.add(revision);
    all.sort(java.util.Comparator.comparingInt(Revision::rev));
    List<Object> wire = new ArrayList<>();
    for (Revision r : all) {
      wire.add(write(r));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("target", target);
    doc.put("revisions", wire);
    AtomicFiles.write(d.resolve("history.json"), Json.pretty(doc));
  }

  @Override
  public synchronized Optional<Pin> pin(String target) throws IOException {
    Path f = targetDir(target).resolve("pin.json");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    Map<String, Object> m = Json.parseObject(Files.readString(f));
    try {
      return Optional.of(
          new Pin(num(m, "rev", f), str(m, "who", f), Instant.parse(str(m, "time", f))));
    } catch (RuntimeException e) {
      throw new IOException(f + " is not a pin: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void setPin(String target, @Nullable Pin pin) throws IOException {
    Path d = targetDir(target);
    Files.createDirectories(d);
    Path f = d.resolve("pin.json");
    if (pin == null) {
      Files.deleteIfExists(f);
      return;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rev", pin.rev());
    m.put("who", pin.who());
    m.put("time", pin.time().toString());
    AtomicFiles.write(f, Json.pretty(m));
  }

  private static Map<String, Object> write(Revision r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rev", r.rev());
    m.put("kind", r.kind());
    m.put("commit", r.commit());
    m.put("images", r.images());
    m.put("time", r.time().toString());
    m.put("who", r.who());
    m.put("gate", r.gate());
    m.put("outcome", r.outcome().wire());
    m.put("reason", r.reason());
    m.put("restored", r.restored());
    return m;
  }

  private static Revision read(Map<?, ?> m, Path f) throws IOException {
    try {
      List<String> images = new ArrayList<>();
      if (m.get("images") instanceof List<?> l) {
        for (Object o : l) {
          images.add(String.valueOf(o));
        }
      }
      return new Revision(
          num(m, "rev", f),
          str(m, "kind", f),
          m.get("commit") instanceof String c ? c : null,
          images,
          Instant.parse(str(m, "time", f)),
          str(m, "who", f),
          str(m, "gate", f),
          Revision.Outcome.ofWire(str(m, "outcome", f)),
          m.get("reason") instanceof String r ? r : null,
          m.get("restored") instanceof Number n ? n.intValue() : null);
    } catch (RuntimeException e) {
      throw new IOException(f + " holds a revision that cannot be read: " + e.getMessage(), e);
    }
  }

  private static int num(Map<?, ?> m, String key, Path f) throws IOException {
    if (!(m.get(key) instanceof Number n)) {
      throw new IOException(f + ": " + key + " is missing or not a number");
    }
    return n.intValue();
  }

  private static String str(Map<?, ?> m, String key, Path f) throws IOException {
    if (!(m.get(key) instanceof String s)) {
      throw new IOException(f + ": " + key + " is missing or not a string");
    }
    return s;
  }
}
