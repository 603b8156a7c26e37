package dev.cairn.supplychain.vuln.internal;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The vulnerability database's files. Each import writes a whole new generation directory beside
 * the current one — per base ecosystem one file of entries (a line per entry: id, modified, package
 * keys, canonical JSON, sorted by id) and one index (package key → byte ranges of its entries),
 * plus a summary of the imports — syncs it, and only then names it in {@code current} with an
 * atomic rename. A crash at any point leaves the previous generation current and whole; a
 * half-written generation is removed by the next import. Ecosystems an import does not touch are
 * hard-linked from the previous generation, not rewritten. Imports take a file lock, so two
 * processes importing at once run one after the other.
 */
public final class OsvStore {
  private static final String CURRENT = "current";
  private static final String SUMMARY = "summary.json";

  private final Path dir;

  public OsvStore(Path dir) {
    this.dir = dir;
  }

  /** One document read from a source: where it came from (for errors) and its bytes. */
  public record Document(String where, byte[] bytes) {}

  /** A source's documents and the digest naming it. */
  public record Source(Digest digest, List<Document> documents) {}

  /** An import as the summary records it. */
  public record ImportRecord(
      String source,
      String digest,
      Instant importedAt,
      Map<String, Integer> entries,
      @Nullable Instant newestModified,
      int added,
      int replaced) {}

  /** The current generation's summary. */
  public record Summary(
      List<ImportRecord> imports, Map<String, Integer> entries, @Nullable Instant newestModified) {
    public static final Summary EMPTY = new Summary(List.of(), Map.of(), null);
  }

  /** What an import did. */
  public record Outcome(ImportRecord record, boolean repeated) {}

  // ---- reading sources ----------------------------------------------------------------------

  /**
   * Reads an OSV JSON file, an {@code all.zip} export (a zip of JSON files), or a directory of
   * either (recursively, in name order).
   */
  public static Source read(Path source) throws IOException {
    List<Document> docs = new ArrayList<>();
    if (Files.isDirectory(source)) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(source)) {
        files =
            s.filter(Files::isRegularFile)
                .filter(p -> name(p).endsWith(".json") || name(p).endsWith(".zip"))
                .sorted()
                .toList();
      }
      List<Object> parts = new ArrayList<>();
      for (Path f : files) {
        byte[] b = Files.readAllBytes(f);
        parts.add(List.of(source.relativize(f).toString(), Digest.sha256(b).toString()));
        add(f.toString(), b, docs);
      }
      return new Source(Digest.sha256(Json.canonical(parts)), docs);
    }
    byte[] b = Files.readAllBytes(source);
    add(source.toString(), b, docs);
    return new Source(Digest.sha256(b), docs);
  }

  private static String name(Path p) {
    return String.valueOf(p.getFileName());
  }

  private static void add(String where, byte[] b, List<Document> docs) throws IOException {
    if (where.endsWith(".zip") || (b.length > 3 && b[0] == 'P' && b[1] == 'K' && b[2] == 3)) {
      try (ZipInputStream z = new ZipInputStream(new java.io.ByteArrayInputStream(b))) {
        for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
          if (!e.isDirectory() && e.getName().endsWith(".json")) {
            docs.add(new Document(where + "!" + e.getName(), readAll(z)));
          }
        }
      }
    } else {
      docs.add(new Document(where, b));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    in.transferTo(o);
    return o.toByteArray();
  }

  // ---- the generation's files ---------------------------------------------------------------

  /** The current generation's directory, or empty. */
  private @Nullable Path current() throws IOException {
    Path c = dir.resolve(CURRENT);
    if (!Files.exists(c)) {
      return null;
    }
    String g = Files.readString(c).strip();
    if (!g.matches("gen-[0-9]{8}")) {
      throw new IOException(c + " names no generation: '" + g + "'");
    }
    Path gen = dir.resolve(g);
    if (!Files.isDirectory(gen)) {
      throw new IOException(c + " names " + g + ", which is missing");
    }
    return gen;
  }

  /** What the current generation holds. */
  public Summary summary() throws IOException {
    Path gen = current();
    return gen == null ? Summary.EMPTY : readSummary(gen);
  }

  @SuppressWarnings("unchecked")
  private static Summary readSummary(Path gen) throws IOException {
    Map<String, Object> m = Json.parseObject(Files.readString(gen.resolve(SUMMARY)));
    List<ImportRecord> imports = new ArrayList<>();
    for (Object o : (List<Object>) m.getOrDefault("imports", List.of())) {
      Map<String, Object> r = (Map<String, Object>) o;
      imports.add(
          new ImportRecord(
              String.valueOf(r.get("source")),
              String.valueOf(r.get("digest")),
              Instant.parse(String.valueOf(r.get("importedAt"))),
              counts(r.get("entries")),
              r.get("newestModified") instanceof String s ? Instant.parse(s) : null,
              ((Number) r.getOrDefault("added", 0L)).intValue(),
              ((Number) r.getOrDefault("replaced", 0L)).intValue()));
    }
    return new Summary(
        imports,
        counts(m.get("entries")),
        m.get("newestModified") instanceof String s ? Instant.parse(s) : null);
  }

  private static Map<String, Integer> counts(@Nullable Object o) {
    Map<String, Integer> out = new TreeMap<>();
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(String.valueOf(e.getKey()), ((Number) e.getValue()).intValue());
      }
    }
    return out;
  }

  private static String file(String base) {
    return base.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** One stored line, split. */
  private record Line(String id, Instant modified, String text) {}

  // ---- importing ----------------------------------------------------------------------------

  /**
   * Imports {@code entries} (already parsed from {@code source}) as one import.
   *
   * @param sourceName the source as the user named it
   */
  public Outcome importEntries(
      String sourceName, Digest digest, List<Map<String, Object>> entries, Instant now)
      throws IOException {
    Files.createDirectories(dir);
    try (FileChannel lockFile =
            FileChannel.open(
                dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = lockFile.lock()) {
      Path gen = current();
      Summary summary = gen == null ? Summary.EMPTY : readSummary(gen);
      for (ImportRecord r : summary.imports()) {
        if (r.digest().equals(digest.toString())) {
          return new Outcome(r, true);
        }
      }
      // new entries by base ecosystem
      Map<String, Map<String, Osv>> byBase = new TreeMap<>();
      Map<String, String> jsonById = new HashMap<>();
      Map<String, Integer> counts = new TreeMap<>();
      Instant newest = null;
      for (Map<String, Object> e : entries) {
        Osv o = Osv.fromJson(e);
        Set<String> ecos = new TreeSet<>();
        for (Osv.Affected a : o.affected()) {
          if (!a.ecosystem().isEmpty()) {
            ecos.add(a.ecosystem());
          }
        }
        for (String eco : ecos) {
          counts.merge(eco, 1, Integer::sum);
          Map<String, Osv> m = byBase.computeIfAbsent(Ecosystems.base(eco), k -> new TreeMap<>());
          Osv before = m.get(o.id());
          if (before == null || o.modified().isAfter(before.modified())) {
            m.put(o.id(), o);
            jsonById.put(o.id() + "\u0000" + o.modified(), Json.canonical(e));
          }
        }
        if (newest == null || o.modified().isAfter(newest)) {
          newest = o.modified();
        }
      }
      int next = gen == null ? 1 : Integer.parseInt(name(gen).substring(4)) + 1;
      Path out = dir.resolve(String.format(java.util.Locale.ROOT, "gen-%08d", next));
      deleteTree(out);
      Files.createDirectories(out);
      int added = 0;
      int replaced = 0;
      Map<String, Integer> totals = new TreeMap<>(summary.entries());
      for (Map.Entry<String, Map<String, Osv>> be : byBase.entrySet()) {
        String base = be.getKey();
        Map<String, Line> lines = new TreeMap<>();
        if (gen != null && Files.exists(gen.resolve(file(base) + ".jsonl"))) {
          try (Stream<String> s = Files.lines(gen.resolve(file(base) + ".jsonl"))) {
            s.forEach(
                l -> {
                  int t1 = l.indexOf('\t');
                  int t2 = l.indexOf('\t', t1 + 1);
                  String id = l.substring(0, t1);
                  lines.put(id, new Line(id, Instant.parse(l.substring(t1 + 1, t2)), l));
                });
          }
        }
        for (Osv o : be.getValue().values()) {
          Line old = lines.get(o.id());
          if (old != null && !o.modified().isAfter(old.modified())) {
            continue;
          }
          if (old == null) {
            added++;
          } else {
            replaced++;
          }
          Set<String> keys = new TreeSet<>();
          for (Osv.Affected a : o.affected()) {
            if (Ecosystems.base(a.ecosystem()).equals(base) && !a.name().isEmpty()) {
              keys.add(Ecosystems.key(a.ecosystem(), a.name()));
            }
          }
          String json =
              java.util.Objects.requireNonNull(jsonById.get(o.id() + "\u0000" + o.modified()));
          lines.put(
              o.id(),
              new Line(
                  o.id(),
                  o.modified(),
                  o.id() + "\t" + o.modified() + "\t" + String.join("\u001f", keys) + "\t" + json));
        }
        writeEcosystem(out, base, lines.values());
        totals.put(base, lines.size());
      }
      if (gen != null) {
        try (Stream<Path> s = Files.list(gen)) {
          for (Path p : s.toList()) {
            String n = name(p);
            if (n.equals(SUMMARY) || Files.exists(out.resolve(n))) {
              continue;
            }
            try {
              Files.createLink(out.resolve(n), p);
            } catch (IOException | UnsupportedOperationException e) {
              Files.copy(p, out.resolve(n));
            }
          }
        }
      }
      ImportRecord rec =
          new ImportRecord(sourceName, digest.toString(), now, counts, newest, added, replaced);
      List<ImportRecord> imports = new ArrayList<>(summary.imports());
      imports.add(rec);
      Instant dataNewest = summary.newestModified();
      if (newest != null && (dataNewest == null || newest.isAfter(dataNewest))) {
        dataNewest = newest;
      }
      writeSynced(out.resolve(SUMMARY), summaryJson(imports, totals, dataNewest));
      syncDir(out);
      AtomicFiles.write(dir.resolve(CURRENT), name(out) + "\n");
      syncDir(dir);
      // keep the previous generation: a scan that read "current" just before the switch still
      // finds the generation it named
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.toList()) {
          if (name(p).startsWith("gen-") && !p.equals(out) && (gen == null || !p.equals(gen))) {
            deleteTree(p);
          }
        }
      }
      return new Outcome(rec, false);
    }
  }

  private static String summaryJson(
      List<ImportRecord> imports, Map<String, Integer> totals, @Nullable Instant newest) {
    List<Object> is = new ArrayList<>();
    for (ImportRecord r : imports) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", r.source());
      m.put("digest", r.digest());
      m.put("importedAt", r.importedAt().toString());
      m.put("entries", r.entries());
      if (r.newestModified() != null) {
        m.put("newestModified", r.newestModified().toString());
      }
      m.put("added", r.added());
      m.put("replaced", r.replaced());
      is.add(m);
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("imports", is);
    s.put("entries", totals);
    if (newest != null) {
      s.put("newestModified", newest.toString());
    }
    return Json.pretty(s);
  }

  private static void writeEcosystem(Path gen, String base, java.util.Collection<Line> lines)
      throws IOException {
    Map<String, List<String>> index = new TreeMap<>();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Line l : lines) {
      byte[] b = (l.text() + "\n").getBytes(StandardCharsets.UTF_8);
      long offset = data.size();
      data.write(b);
      String[] parts = l.text().split("\t", 4);
      if (!parts[2].isEmpty()) {
        for (String key : parts[2].split("\u001f")) {
          index.computeIfAbsent(key, k -> new ArrayList<>()).add(offset + ":" + (b.length - 1));
        }
      }
    }
    writeSynced(gen.resolve(file(base) + ".jsonl"), data.toByteArray());
    StringBuilder idx = new StringBuilder();
    for (Map.Entry<String, List<String>> e : index.entrySet()) {
      idx.append(e.getKey()).append('\t').append(String.join(",", e.getValue())).append('\n');
    }
    writeSynced(gen.resolve(file(base) + ".idx"), idx.toString());
  }

  private static void writeSynced(Path f, String text) throws IOException {
    writeSynced(f, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void writeSynced(Path f, byte[] data) throws IOException {
    try (FileChannel c =
        FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        c.write(b);
      }
      c.force(true);
    } catch (FileAlreadyExistsException e) {
      throw new IOException(f + " exists in a fresh generation", e);
    }
  }

  private static void syncDir(Path d) {
    try (FileChannel c = FileChannel.open(d, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException e) {
      // not every file system lets a directory be synced; the rename is still atomic
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  // ---- querying -----------------------------------------------------------------------------

  /**
   * The stored entries of each wanted package, by base ecosystem and package key; a package with
   * none is absent from the result. Reads only the indexes of the ecosystems asked for and the
   * lines they point at.
   */
  public Map<String, Map<String, List<Osv>>> lookup(Map<String, Set<String>> wanted)
      throws IOException {
    Path gen = current();
    Map<String, Map<String, List<Osv>>> out = new TreeMap<>();
    if (gen == null) {
      return out;
    }
    for (Map.Entry<String, Set<String>> w : wanted.entrySet()) {
      Path idx = gen.resolve(file(w.getKey()) + ".idx");
      Path data = gen.resolve(file(w.getKey()) + ".jsonl");
      if (!Files.exists(idx)) {
        continue;
      }
      Map<String, String> ranges = new HashMap<>();
      try (Stream<String> s = Files.lines(idx)) {
        s.forEach(
            l -> {
              int t = l.indexOf('\t');
              String key = l.substring(0, t);
              if (w.getValue().contains(key)) {
                ranges.put(key, l.substring(t + 1));
              }
            });
      }
      if (ranges.isEmpty()) {
        continue;
      }
      Map<Long, Osv> parsed = new HashMap<>();
      Map<String, List<Osv>> found = new TreeMap<>();
      try (FileChannel c = FileChannel.open(data, StandardOpenOption.READ)) {
        for (Map.Entry<String, String> r : new TreeMap<>(ranges).entrySet()) {
          List<Osv> list = new ArrayList<>();
          for (String range : r.getValue().split(",")) {
            int colon = range.indexOf(':');
            long off = Long.parseLong(range.substring(0, colon));
            int len = Integer.parseInt(range.substring(colon + 1));
            Osv o = parsed.get(off);
            if (o == null) {
              o = parseLine(c, off, len, data);
              parsed.put(off, o);
            }
            list.add(o);
          }
          found.put(r.getKey(), list);
        }
      }
      out.put(w.getKey(), found);
    }
    return out;
  }

  private static Osv parseLine(FileChannel c, long off, int len, Path data) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    while (b.hasRemaining()) {
      if (c.read(b, off + b.position()) < 0) {
        throw new IOException(data + " is shorter than its index says");
      }
    }
    String line = new String(b.array(), StandardCharsets.UTF_8);
    String[] parts = line.split("\t", 4);
    if (parts.length != 4) {
      throw new IOException(data + ": the index points at no entry at byte " + off);
    }
    try {
      return Osv.fromJson(Json.parseObject(parts[3]));
    } catch (IllegalArgumentException e) {
      throw new UncheckedIOException(new IOException(data + ": " + e.getMessage(), e));
    }
  }
}
