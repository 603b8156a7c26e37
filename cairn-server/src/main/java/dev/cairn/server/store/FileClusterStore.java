package dev.cairn.server.store;

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
import java.util.TreeMap;

/**
 * Registered clusters in one JSON file ({@code server/clusters.json} in Cairn's home), replaced
 * whole and atomically on every change: a crash leaves the old list or the new one.
 */
final class FileClusterStore implements ClusterStore {
  private final Path file;

  FileClusterStore(Path file) {
    this.file = file;
  }

  private StoreException error(String what, Exception e) {
    return new StoreException(
        what + " in " + file + ": " + e.getMessage(),
        "check the file's permissions, or move a damaged file away (the clusters are registered"
            + " again through the API)",
        e);
  }

  private TreeMap<String, Cluster> read() throws StoreException {
    TreeMap<String, Cluster> out = new TreeMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      Map<String, Object> doc = Json.parseObject(Files.readString(file));
      Object list = doc.get("clusters");
      if (!(list instanceof List<?> items)) {
        throw new IOException("no \"clusters\" list");
      }
      for (Object o : items) {
        if (!(o instanceof Map<?, ?> m)) {
          throw new IOException("a cluster is not an object");
        }
        Cluster c =
            new Cluster(
                String.valueOf(m.get("name")),
                String.valueOf(m.get("kubeconfig")),
                String.valueOf(m.get("schedule")),
                Instant.parse(String.valueOf(m.get("registeredAt"))));
        out.put(c.name(), c);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw error("cannot read the registered clusters", e);
    }
  }

  private void write(TreeMap<String, Cluster> all) throws StoreException {
    List<Map<String, Object>> items = new ArrayList<>();
    for (Cluster c : all.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("kubeconfig", c.kubeconfig());
      m.put("schedule", c.schedule());
      m.put("registeredAt", c.registeredAt().toString());
      items.add(m);
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      AtomicFiles.write(file, Json.pretty(Map.of("clusters", items)) + "\n");
    } catch (IOException e) {
      throw error("cannot write the registered clusters", e);
    }
  }

  @Override
  public synchronized void put(Cluster cluster) throws StoreException {
    TreeMap<String, Cluster> all = read();
    all.put(cluster.name(), cluster);
    write(all);
  }

  @Override
  public synchronized Optional<Cluster> get(String name) throws StoreException {
    return Optional.ofNullable(read().get(name));
  }

  @Override
  public synchronized List<Cluster> list() throws StoreException {
    return List.copyOf(read().values());
  }

  @Override
  public synchronized boolean remove(String name) throws StoreException {
    TreeMap<String, Cluster> all = read();
    if (all.remove(name) == null) {
      return false;
    }
    write(all);
    return true;
  }
}
