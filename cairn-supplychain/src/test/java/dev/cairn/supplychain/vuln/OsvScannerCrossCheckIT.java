package dev.cairn.supplychain.vuln;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import dev.cairn.testing.OsvScannerTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cairn's matches against the reference implementation's: osv-scanner 2.6.0, offline, on the same
 * CycloneDX SBOM and the same OSV fixtures (as per-ecosystem {@code all.zip} files in the layout
 * its local database reads, {@code osv-scalibr/<ecosystem>/all.zip}).
 */
class OsvScannerCrossCheckIT {
  @TempDir Path tmp;

  /**
   * The one place the two differ, on purpose: the OSV specification's evaluation applies {@code
   * limit} events to every range (its {@code BeforeLimits}); osv-scanner applies them only to
   * {@code GIT} ranges, so it reports minimist 1.2.8 although the range stops at 1.2.6.
   */
  static final Set<String> SPEC_OVER_OSV_SCANNER = Set.of("npm minimist 1.2.8 GHSA-9999-bbbb-0003");

  @Test
  void cairnMatches_equalOsvScanners() throws Exception {
    Path dbRoot = tmp.resolve("osvdb");
    for (String e : Fixtures.ECOSYSTEMS) {
      Fixtures.allZip(e, dbRoot.resolve("osv-scalibr").resolve(e).resolve("all.zip"));
    }
    Path sbom = Files.copy(Fixtures.sbom(), tmp.resolve("app.cdx.json"));
    OsvScannerTool.Scan s = OsvScannerTool.scanSbom(tmp, dbRoot, sbom);
    assertThat(s.exitCode()).as(s.log()).isEqualTo(1);
    assertThat(s.log()).contains("Loaded Debian local db").contains("Loaded Maven local db");

    Set<String> theirs = new TreeSet<>();
    List<Set<String>> theirGroups = new ArrayList<>();
    Map<String, Object> report = Json.parseObject(s.json());
    for (Object res : (List<?>) report.get("results")) {
      for (Object po : (List<?>) ((Map<?, ?>) res).get("packages")) {
        Map<?, ?> p = (Map<?, ?>) po;
        Map<?, ?> pkg = (Map<?, ?>) p.get("package");
        String key =
            pkg.get("ecosystem")
                + " "
                + shortName((String) pkg.get("name"))
                + " "
                + pkg.get("version");
        if (p.get("vulnerabilities") instanceof List<?> vs) {
          for (Object v : vs) {
            theirs.add(key + " " + ((Map<?, ?>) v).get("id"));
          }
        }
        if (p.get("groups") instanceof List<?> gs) {
          for (Object g : gs) {
            Set<String> ids = new TreeSet<>();
            for (Object id : (List<?>) ((Map<?, ?>) g).get("ids")) {
              ids.add(key + " " + id);
            }
            theirGroups.add(ids);
          }
        }
      }
    }

    VulnDb db = VulnDb.at(tmp.resolve("cairn"), Fixtures.CLOCK);
    for (String e : Fixtures.ECOSYSTEMS) {
      db.importFrom(dbRoot.resolve("osv-scalibr").resolve(e).resolve("all.zip"));
    }
    VulnGateResult r = VulnGate.scan(db, sbom, VulnGate.Options.defaults(), Fixtures.CLOCK);
    Set<String> ours = new TreeSet<>();
    List<Set<String>> ourGroups = new ArrayList<>();
    for (VulnFinding f : r.findings()) {
      String key = f.ecosystem() + " " + shortName(f.packageName()) + " " + f.version();
      Set<String> group = new TreeSet<>();
      for (String id : f.matched()) {
        ours.add(key + " " + id);
        group.add(key + " " + id);
      }
      ourGroups.add(group);
    }

    assertThat(ours).hasSize(13);
    Set<String> onlyTheirs = new TreeSet<>(theirs);
    onlyTheirs.removeAll(ours);
    Set<String> onlyOurs = new TreeSet<>(ours);
    onlyOurs.removeAll(theirs);
    assertThat(onlyOurs).as("matched by Cairn only").isEmpty();
    assertThat(onlyTheirs).as("matched by osv-scanner only").isEqualTo(SPEC_OVER_OSV_SCANNER);
    theirGroups.removeIf(g -> g.stream().anyMatch(SPEC_OVER_OSV_SCANNER::contains));
    assertThat(ourGroups)
        .as("one finding per vulnerability group")
        .containsExactlyInAnyOrderElementsOf(theirGroups);
  }

  /** Maven's {@code group:artifact} as osv-scanner names the package (the artifact). */
  private static String shortName(String name) {
    int c = name.lastIndexOf(':');
    return c < 0 ? name : name.substring(c + 1);
  }
}
