package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.SourceLocation;
import dev.cairn.scanner.ClusterIdentity;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.ObjectSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cluster snapshots: the identity and the objects of a cluster at one time, for offline
 * certification.
 */
final class Snapshots {
  static final String KIND = "CairnClusterSnapshot";

  private Snapshots() {}

  record Snapshot(ClusterIdentity identity, List<KubeObject> objects, Path file) {
    ObjectSource source() {
      return new ObjectSource() {
        @Override
        public String describe() {
          return "snapshot " + file;
        }

        @Override
        public void read(Sink sink) {
          objects.forEach(sink::object);
        }
      };
    }
  }

  @SuppressWarnings("unchecked")
  static Snapshot read(Path file) throws CairnException {
    try {
      JsonNode n = Json.mapper().readTree(file.toFile());
      if (n == null || !KIND.equals(n.path("kind").asText())) {
        throw new CairnException(
            file + " is not a cluster snapshot",
            "make one with `cairn snapshot --kubeconfig F --output-file " + file + "`");
      }
      JsonNode id = n.get("identity");
      ClusterIdentity identity =
          ClusterIdentity.of(
              id.get("kubeSystemUid").asText(),
              Digest.parse(id.get("caFingerprint").asText()),
              id.get("server").asText());
      List<KubeObject> objects = new ArrayList<>();
      int i = 0;
      for (JsonNode o : n.get("objects")) {
        KubeObject k =
            KubeObject.of(
                Json.mapper().convertValue(o, Map.class),
                new SourceLocation(file.toString(), 0, 0));
        if (k != null) {
          objects.add(k);
        }
        i++;
      }
      return new Snapshot(identity, objects, file);
    } catch (java.io.IOException | RuntimeException e) {
      throw new CairnException(
          "cannot read snapshot " + file + ": " + e.getMessage(), "check the file", e);
    }
  }

  static void write(Path file, ClusterIdentity id, List<KubeObject> objects)
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
    m.put("takenAt", java.time.Instant.now().toString());
    m.put("objects", objects.stream().map(KubeObject::content).toList());
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".snapshot", ".tmp");
    Files.writeString(tmp, Json.canonical(m));
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
