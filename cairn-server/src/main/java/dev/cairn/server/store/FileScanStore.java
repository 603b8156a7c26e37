package dev.cairn.server.store;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Scans as files in one directory ({@code server/scans/} in Cairn's home): the report as {@code
 * <id>.report.json}, then its summary as {@code <id>.json}, each written atomically. A scan is
 * stored once its summary is: a crash between the two leaves a report no summary names, which the
 * next scan of that id replaces.
 */
final class FileScanStore implements ScanStore {
  private static final Pattern SUMMARY = Pattern.compile("([0-9]{1,18})\\.json");
  private static final Comparator<Scan> NEWEST_FIRST =
      Comparator.comparing(Scan::scannedAt).thenComparingLong(Scan::id).reversed();

  private final Path dir;

  /** Every summary by id, read once (the directory has one writer: this server). */
  private @Nullable TreeMap<Long, Scan> summaries;

  FileScanStore(Path dir) {
    this.dir = dir;
  }

  private StoreException error(String what, Exception e) {
    return new StoreException(
        what + " in " + dir + ": " + e.getMessage(), "check the directory's permissions", e);
  }

  private TreeMap<Long, Scan> summaries() throws StoreException {
    TreeMap<Long, Scan> s = summaries;
    if (s != null) {
      return s;
    }
    s = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      List<Path> files;
      try (Stream<Path> st = Files.list(dir)) {
        files = st.toList();
      } catch (IOException e) {
        throw error("cannot list the scans", e);
      }
      for (Path f : files) {
        Matcher m = SUMMARY.matcher(f.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        try {
          Scan scan = summary(Json.parseObject(Files.readString(f)));
          if (scan.id() == Long.parseLong(m.group(1))) {
            s.put(scan.id(), scan);
          }
        } catch (IOException | RuntimeException e) {
          throw error("cannot read the scan " + f.getFileName(), e);
        }
      }
    }
    summaries = s;
    return s;
  }

  private static Scan summary(Map<String, Object> m) {
    Map<String, Map<String, Integer>> findings = new TreeMap<>();
    if (m.get("findings") instanceof Map<?, ?> by) {
      by.forEach(
          (fw, sev) -> {
            Map<String, Integer> counts = new TreeMap<>();
            if (sev instanceof Map<?, ?> sm) {
              sm.forEach((k, v) -> counts.put(String.valueOf(k), ((Number) v).intValue()));
            }
            findings.put(String.valueOf(fw), counts);
          });
    }
    return new Scan(
        ((Number) java.util.Objects.requireNonNull(m.get("id"), "id")).longValue(),
        String.valueOf(m.get("cluster")),
        Instant.parse(String.valueOf(m.get("scannedAt"))),
        findings,
        "");
  }

  @Override
  public synchronized Scan add(Scan scan) throws StoreException {
    TreeMap<Long, Scan> all = summaries();
    long id = all.isEmpty() ? 1 : all.lastKey() + 1;
    Scan stored =
        new Scan(
            id,
            scan.cluster(),
            scan.scannedAt().truncatedTo(ChronoUnit.MICROS),
            scan.findings(),
            scan.reportJson());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("cluster", stored.cluster());
    m.put("scannedAt", stored.scannedAt().toString());
    m.put("findings", stored.findings());
    try {
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve(id + ".report.json"), stored.reportJson());
      AtomicFiles.write(dir.resolve(id + ".json"), Json.pretty(m) + "\n");
    } catch (IOException e) {
      throw error("cannot add a scan of " + scan.cluster(), e);
    }
    all.put(id, new Scan(id, stored.cluster(), stored.scannedAt(), stored.findings(), ""));
    return stored;
  }

  private Scan withReport(Scan s) throws StoreException {
    try {
      String report = Files.readString(dir.resolve(s.id() + ".report.json"));
      return new Scan(s.id(), s.cluster(), s.scannedAt(), s.findings(), report);
    } catch (NoSuchFileException e) {
      throw error("the report of scan " + s.id() + " is missing", e);
    } catch (IOException e) {
      throw error("cannot read the report of scan " + s.id(), e);
    }
  }

  @Override
  public synchronized Optional<Scan> get(long id) throws StoreException {
    Scan s = summaries().get(id);
    return s == null ? Optional.empty() : Optional.of(withReport(s));
  }

  @Override
  public synchronized List<Scan> history(String cluster, int max) throws StoreException {
    List<Scan> out = new ArrayList<>();
    for (Scan s : summaries().values()) {
      if (s.cluster().equals(cluster)) {
        out.add(s);
      }
    }
    out.sort(NEWEST_FIRST);
    return List.copyOf(out.subList(0, Math.min(Math.max(0, max), out.size())));
  }

  @Override
  public synchronized Optional<Scan> latest(String cluster) throws StoreException {
    List<Scan> h = history(cluster, 1);
    return h.isEmpty() ? Optional.empty() : Optional.of(withReport(h.get(0)));
  }
}
