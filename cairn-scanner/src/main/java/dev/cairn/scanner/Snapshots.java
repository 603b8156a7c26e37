package dev.cairn.scanner;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.SourceLocation;
import dev.cairn.scanner.internal.Jackson;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Cluster snapshots: the identity and the objects of a cluster at one time, for offline
 * certification. A snapshot only claims its cluster's identity: nothing in it proves it.
 */
public final class Snapshots {
  public static final String KIND = "CairnClusterSnapshot";

  private Snapshots() {}

  /** A snapshot's identity; its objects stream from the file when the source is read. */
  public record Snapshot(ClusterIdentity identity, Path file) {
    /** The snapshot's objects, streamed from the file. */
    public ObjectSource source() {
      return new ObjectSource() {
        @Override
        public String describe() {
          return "snapshot " + file;
        }

        @Override
        public void read(Sink sink) throws ScanException {
          try (JsonParser p = Jackson.MAPPER.getFactory().createParser(file.toFile())) {
            if (!toField(p, "objects") || p.nextToken() != JsonToken.START_ARRAY) {
              return;
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
              @SuppressWarnings("unchecked")
              Map<String, Object> o = Jackson.MAPPER.readValue(p, Map.class);
              KubeObject k = KubeObject.of(o, new SourceLocation(file.toString(), 0, 0));
              if (k != null) {
                sink.object(k);
              }
            }
          } catch (java.io.IOException e) {
            throw new ScanException(
                "cannot read snapshot " + file + ": " + e.getMessage(), null, e);
          }
        }
      };
    }
  }

  /** Moves the parser to the value of top-level field {@code name}; false if there is none. */
  private static boolean toField(JsonParser p, String name) throws java.io.IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      if (p.currentName().equals(name)) {
        return true;
      }
      p.nextToken();
      p.skipChildren();
    }
    return false;
  }

  /** Reads a snapshot's identity; its objects are read when its source is. */
  public static Snapshot read(Path file) throws CairnException {
    try (JsonParser p = Jackson.MAPPER.getFactory().createParser(file.toFile())) {
      if (!toField(p, "identity")) {
        throw new CairnException(
            file + " is not a cluster snapshot",
            "take a snapshot of the cluster into it",
            dev.cairn.core.Fix.of("snapshot.make", "file", file.toString()),
            null);
      }
      p.nextToken();
      JsonNode id = Jackson.MAPPER.readTree(p);
      ClusterIdentity identity =
          ClusterIdentity.of(
              id.get("kubeSystemUid").asText(),
              Digest.parse(id.get("caFingerprint").asText()),
              id.get("server").asText());
      return new Snapshot(identity, file);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CairnException(
          "cannot read snapshot " + file + ": " + Jackson.oneLine(e), "check the file", e);
    } catch (java.io.IOException | RuntimeException e) {
      throw new CairnException(
          "cannot read snapshot " + file + ": " + e.getMessage(), "check the file", e);
    }
  }

  /**
   * Takes a snapshot of the live cluster {@code options} names: its identity and every object the
   * built-in checks read, written atomically to {@code file}; returns the identity and how many
   * objects it holds. A cluster that could not be read completely gives no snapshot.
   */
  public static Taken take(ClusterOptions options, Path file, java.time.Instant takenAt)
      throws CairnException, java.io.IOException {
    ClusterIdentity id = Clusters.identity(options);
    List<KubeObject> objects = new java.util.ArrayList<>();
    List<Notice> errors = new java.util.ArrayList<>();
    ObjectSources.cluster(options, Checks.builtin())
        .read(
            new ObjectSource.Sink() {
              @Override
              public void object(KubeObject object) {
                objects.add(object);
              }

              @Override
              public void notice(Notice notice) {
                if (notice.level() == Notice.Level.ERROR) {
                  errors.add(notice);
                }
              }
            });
    if (!errors.isEmpty()) {
      throw new ScanException(
          "incomplete snapshot: " + errors.get(0),
          "give the user read access to every resource the checks read",
          dev.cairn.core.Fix.of("scan.rbac"),
          null);
    }
    write(file, id, objects, takenAt);
    return new Taken(id, objects.size());
  }

  /** A snapshot taken: the cluster's identity and the number of objects. */
  public record Taken(ClusterIdentity identity, int objects) {}

  /** Writes a snapshot atomically, taken at {@code takenAt}. */
  public static void write(
      Path file, ClusterIdentity id, List<KubeObject> objects, java.time.Instant takenAt)
      throws java.io.IOException {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("kind", KIND);
    m.put(
        "identity",
        Map.of(
            "kubeSystemUid",
            id.kubeSystemUid(),
            "caFingerprint",
            id.caFingerprint().toString(),
            "server",
            id.server(),
            "id",
            id.id().toString()));
    m.put("takenAt", takenAt.toString());
    m.put("objects", objects.stream().map(KubeObject::content).toList());
    dev.cairn.core.AtomicFiles.write(file, Json.canonical(m));
  }
}
