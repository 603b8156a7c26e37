package dev.cairn.supplychain.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store: imports, idempotence, newer entries winning, crash safety. */
class VulnDbTest {
  @TempDir Path tmp;

  private VulnDb db() {
    return VulnDb.at(tmp.resolve("db"), Fixtures.CLOCK);
  }

  @Test
  void importDirectory_recordsDigestCountsAndNewestModified() throws Exception {
    VulnDb db = db();
    VulnDb.Imported i = db.importFrom(Fixtures.osvDir());
    assertThat(i.repeated()).isFalse();
    assertThat(i.record().entries())
        .containsEntry("Debian:12", 6)
        .containsEntry("Debian:11", 1)
        .containsEntry("Alpine:v3.20", 3)
        .containsEntry("Maven", 3)
        .containsEntry("npm", 3)
        .containsEntry("PyPI", 2)
        .containsEntry("Go", 2);
    assertThat(i.record().added()).isEqualTo(20);
    assertThat(i.record().newestModified()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
    assertThat(i.record().importedAt()).isEqualTo(Fixtures.CLOCK.instant());
    DbStatus s = db.status();
    assertThat(s.imports()).hasSize(1);
    assertThat(s.entries()).containsEntry("Debian", 7).containsEntry("npm", 3);
    assertThat(s.total()).isEqualTo(20);
    assertThat(s.age(Fixtures.CLOCK.instant()))
        .hasValueSatisfying(a -> assertThat(a.toDays()).isEqualTo(4));
  }

  @Test
  void sameFileTwice_changesNothing() throws Exception {
    VulnDb db = db();
    Path zip = Fixtures.allZip("Debian", tmp.resolve("Debian/all.zip"));
    VulnDb.Imported first = db.importFrom(zip);
    DbStatus before = db.status();
    VulnDb.Imported again = db.importFrom(zip);
    assertThat(again.repeated()).isTrue();
    assertThat(again.record()).isEqualTo(first.record());
    assertThat(db.status()).isEqualTo(before);
    assertThat(first.record().digest().toString()).startsWith("sha256:");
  }

  @Test
  void zipsOfEachEcosystem_importAsOneDatabase() throws Exception {
    VulnDb db = db();
    for (String e : Fixtures.ECOSYSTEMS) {
      db.importFrom(Fixtures.allZip(e, tmp.resolve(e + "/all.zip")));
    }
    DbStatus s = db.status();
    assertThat(s.imports()).hasSize(6);
    assertThat(s.total()).isEqualTo(20);
    // the digest names what was imported, whatever the order
    VulnDb other = VulnDb.at(tmp.resolve("other"), Fixtures.CLOCK);
    for (String e : Fixtures.ECOSYSTEMS.reversed()) {
      other.importFrom(tmp.resolve(e + "/all.zip"));
    }
    assertThat(other.status().digest()).isEqualTo(s.digest());
  }

  @Test
  void newerModified_replacesOlder_olderDoesNot() throws Exception {
    VulnDb db = db();
    db.importFrom(Fixtures.osvDir());
    Path newer = tmp.resolve("newer.json");
    Files.writeString(
        newer,
        """
        {"id": "GHSA-9999-bbbb-0001", "modified": "2026-11-22T00:00:00Z",
         "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
           "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.19"}]}]}]}
        """);
    VulnDb.Imported i = db.importFrom(newer);
    assertThat(i.record().replaced()).isEqualTo(1);
    assertThat(i.record().added()).isZero();
    assertThat(db.status().newestModified()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
    // the newer entry says 4.17.20 is fixed
    VulnGateResult r =
        VulnGate.scan(db, Fixtures.sbom(), VulnGate.Options.defaults(), Fixtures.CLOCK);
    assertThat(r.findings()).noneMatch(f -> f.id().equals("GHSA-9999-bbbb-0001"));

    Path older = tmp.resolve("older.json");
    Files.writeString(
        older,
        Files.readString(newer).replace("2026-11-22", "2026-01-01").replace("4.17.19", "9.0.0"));
    VulnDb.Imported o = db.importFrom(older);
    assertThat(o.record().replaced()).isZero();
    r = VulnGate.scan(db, Fixtures.sbom(), VulnGate.Options.defaults(), Fixtures.CLOCK);
    assertThat(r.findings()).noneMatch(f -> f.id().equals("GHSA-9999-bbbb-0001"));
  }

  @Test
  void malformedEntry_failsTheWholeImport_andLeavesTheDatabaseAsItWas() throws Exception {
    VulnDb db = db();
    db.importFrom(Fixtures.osvDir());
    DbStatus before = db.status();
    Path bad = tmp.resolve("bad");
    Files.createDirectories(bad);
    Files.writeString(
        bad.resolve("a.json"),
        "{\"id\": \"X-1\", \"modified\": \"2026-11-23T00:00:00Z\", \"affected\": []}");
    Files.writeString(bad.resolve("b.json"), "{\"id\": \"X-2\", \"modified\": \"yesterday\"}");
    assertThatThrownBy(() -> db.importFrom(bad))
        .isInstanceOf(VulnException.class)
        .hasMessageContaining("b.json: X-2: 'modified' is not an RFC 3339 time: yesterday");
    Files.writeString(bad.resolve("b.json"), "{not json");
    assertThatThrownBy(() -> db.importFrom(bad))
        .isInstanceOf(VulnException.class)
        .hasMessageContaining("b.json: not JSON");
    assertThat(db.status()).isEqualTo(before);
  }

  @Test
  void halfWrittenGeneration_fromACrash_isIgnoredAndCleanedUp() throws Exception {
    VulnDb db = db();
    db.importFrom(Fixtures.allZip("npm", tmp.resolve("npm/all.zip")));
    DbStatus before = db.status();
    // a crash after writing part of the next generation, before naming it current
    Path half = tmp.resolve("db/gen-00000002");
    Files.createDirectories(half);
    Files.writeString(half.resolve("npm.jsonl"), "GHSA-x\t2026");
    assertThat(db.status()).isEqualTo(before);
    VulnGateResult r =
        VulnGate.scan(db, Fixtures.sbom(), VulnGate.Options.defaults(), Fixtures.CLOCK);
    assertThat(r.findings()).extracting(VulnFinding::id).contains("GHSA-9999-bbbb-0001");
    db.importFrom(Fixtures.allZip("Go", tmp.resolve("Go/all.zip")));
    try (Stream<Path> s = Files.list(tmp.resolve("db"))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("gen-")))
          .containsExactlyInAnyOrder("gen-00000001", "gen-00000002");
    }
    assertThat(db.status().entries()).containsEntry("npm", 3).containsEntry("Go", 2);
    // a third import drops the first generation, keeps the one before it
    db.importFrom(Fixtures.allZip("Maven", tmp.resolve("Maven/all.zip")));
    try (Stream<Path> s = Files.list(tmp.resolve("db"))) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("gen-")))
          .containsExactlyInAnyOrder("gen-00000002", "gen-00000003");
    }
  }

  @Test
  void missingSource_saysWhatToGive() {
    assertThatThrownBy(() -> db().importFrom(tmp.resolve("nope.zip")))
        .isInstanceOf(VulnException.class)
        .hasMessage("cannot import " + tmp.resolve("nope.zip") + ": no such file or directory");
  }

  @Test
  void lookup_readsOnlyTheWantedPackages() throws Exception {
    VulnDb db = db();
    db.importFrom(Fixtures.osvDir());
    var found = db.lookup(Map.of("Debian", Set.of("openssl", "nosuch"), "PyPI", Set.of("django")));
    assertThat(found.get("Debian")).containsOnlyKeys("openssl");
    assertThat(found.get("Debian").get("openssl"))
        .extracting(o -> o.id())
        .containsExactly("DEBIAN-CVE-2099-0001", "DEBIAN-CVE-2099-0002");
    assertThat(found.get("PyPI").get("django")).hasSize(1);
  }
}
