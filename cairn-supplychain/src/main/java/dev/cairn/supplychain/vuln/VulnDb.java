package dev.cairn.supplychain.vuln;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Text;
import dev.cairn.supplychain.vuln.internal.OsvStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The offline vulnerability database in Cairn's home ({@code vulndb/}): OSV entries imported from
 * files a user carries in, by base ecosystem, indexed by package. See {@code
 * docs/adr/0015-vuln-db.md} for why it is plain files and how it stays whole through a crash.
 */
public final class VulnDb {
  /** The directory in Cairn's home. */
  public static final String DIR = "vulndb";

  private final OsvStore store;
  private final Clock clock;

  private VulnDb(Path dir, Clock clock) {
    this.store = new OsvStore(dir);
    this.clock = clock;
  }

  /** The database in {@code home}, timed by {@code clock}. */
  public static VulnDb open(CairnHome home, Clock clock) {
    return new VulnDb(home.dir(DIR), clock);
  }

  /** The database in {@code dir}, for tests and tools that keep it elsewhere. */
  public static VulnDb at(Path dir, Clock clock) {
    return new VulnDb(dir, clock);
  }

  /**
   * What an import did.
   *
   * @param record the import (the earlier one, if {@code repeated})
   * @param repeated whether this exact file was imported before, so nothing changed
   */
  public record Imported(DbImport record, boolean repeated) {}

  /**
   * Imports OSV entries from an OSV JSON file (one entry, or an array of entries), an {@code
   * all.zip} export, or a directory of them. All or nothing: an entry that cannot be read fails the
   * whole import and leaves the database as it was. The same file imported again changes nothing;
   * an entry whose id is stored replaces it only when its {@code modified} is later.
   *
   * @throws VulnException when the source cannot be read or holds a malformed entry
   */
  public Imported importFrom(Path source) throws VulnException {
    if (!Files.exists(source)) {
      throw new VulnException(
          "cannot import " + source + ": no such file or directory",
          "give an OSV JSON file, an all.zip export or a directory of them");
    }
    OsvStore.Source src;
    try {
      src = OsvStore.read(source);
    } catch (IOException e) {
      throw new VulnException(
          "cannot read " + source + ": " + Text.reason(e),
          "give an OSV JSON file, an all.zip export or a directory of them",
          e);
    }
    List<Map<String, Object>> entries = new ArrayList<>();
    for (OsvStore.Document d : src.documents()) {
      Object parsed;
      try {
        parsed = Json.parse(new String(d.bytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new VulnException(
            d.where() + ": not JSON: " + Text.reason(e),
            "give OSV JSON files (osv.dev's exports); nothing was imported");
      }
      List<?> items = parsed instanceof List<?> l ? l : java.util.Collections.singletonList(parsed);
      for (Object o : items) {
        if (!(o instanceof Map<?, ?> m)) {
          throw new VulnException(
              d.where() + ": not an OSV entry (a JSON object)",
              "give OSV JSON files (osv.dev's exports); nothing was imported");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) m;
        try {
          dev.cairn.supplychain.vuln.internal.Osv.fromJson(entry);
        } catch (IllegalArgumentException e) {
          throw new VulnException(
              d.where() + ": " + e.getMessage(), "fix or drop that entry; nothing was imported");
        }
        entries.add(entry);
      }
    }
    try {
      OsvStore.Outcome o =
          store.importEntries(source.toString(), src.digest(), entries, clock.instant());
      return new Imported(record(o.record()), o.repeated());
    } catch (IOException e) {
      throw new VulnException(
          "cannot write the vulnerability database: " + Text.reason(e),
          "check that Cairn's home is writable; the database is as it was before",
          e);
    }
  }

  /**
   * What the database holds.
   *
   * @throws VulnException when its files cannot be read
   */
  public DbStatus status() throws VulnException {
    OsvStore.Summary s;
    try {
      s = store.summary();
    } catch (IOException e) {
      throw new VulnException(
          "cannot read the vulnerability database: " + Text.reason(e),
          "import the OSV files again into a fresh Cairn home",
          e);
    }
    List<DbImport> imports = new ArrayList<>();
    List<String> digests = new ArrayList<>();
    for (OsvStore.ImportRecord r : s.imports()) {
      imports.add(record(r));
      digests.add(r.digest());
    }
    java.util.Collections.sort(digests);
    return new DbStatus(
        imports, s.entries(), s.newestModified(), Digest.sha256(Json.canonical(digests)));
  }

  /** The stored entries of the wanted packages (base ecosystem → package keys). */
  Map<String, Map<String, List<dev.cairn.supplychain.vuln.internal.Osv>>> lookup(
      Map<String, Set<String>> wanted) throws VulnException {
    try {
      return store.lookup(wanted);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new VulnException(
          "cannot read the vulnerability database: " + e.getMessage(),
          "import the OSV files again into a fresh Cairn home",
          e);
    }
  }

  private static DbImport record(OsvStore.ImportRecord r) {
    return new DbImport(
        r.source(),
        Digest.parse(r.digest()),
        r.importedAt(),
        r.entries(),
        r.newestModified(),
        r.added(),
        r.replaced());
  }
}
