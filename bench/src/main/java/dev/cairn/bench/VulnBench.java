package dev.cairn.bench;

import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.vuln.SbomComponent;
import dev.cairn.supplychain.vuln.VulnDb;
import dev.cairn.supplychain.vuln.VulnGate;
import dev.cairn.supplychain.vuln.VulnGateResult;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The vulnerability gate's cost: importing a synthetic OSV database of ~50,000 entries (osv.dev
 * style all.zip files for Debian:12, Maven and npm, entries spread over thousands of packages with
 * one to three ranges each, CVSS vectors on most), and scanning an SBOM of 100 Debian packages and
 * 60 Maven components against it. Each round imports into a fresh home and scans once; the first
 * round (cold JVM) is shown apart, then median, min and max of the rest. Run: bench/run vuln
 * [rounds] [entries].
 */
public final class VulnBench {
  private VulnBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    int entries = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    Path dir = Files.createTempDirectory("cairn-vuln-bench");
    Random rnd = new Random(42);
    int debian = entries * 6 / 10;
    int maven = entries * 3 / 10;
    int npm = entries - debian - maven;
    List<Path> zips = new ArrayList<>();
    zips.add(zip(dir.resolve("Debian/all.zip"), "Debian:12", debian, 5000, rnd));
    zips.add(zip(dir.resolve("Maven/all.zip"), "Maven", maven, 3000, rnd));
    zips.add(zip(dir.resolve("npm/all.zip"), "npm", npm, 2000, rnd));
    long bytes = 0;
    for (Path z : zips) {
      bytes += Files.size(z);
    }
    List<SbomComponent> sbom = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String v = "1." + (i % 10) + "-" + (i % 4 + 1) + "~deb12u1";
      sbom.add(
          new SbomComponent(
              "pkg" + i,
              v,
              "pkg:deb/debian/pkg" + i + "@" + v + "?arch=amd64&distro=debian-12",
              ""));
    }
    for (int i = 0; i < 60; i++) {
      String v = "2." + (i % 12) + "." + (i % 5);
      sbom.add(
          new SbomComponent(
              "artifact" + i,
              v,
              "pkg:maven/org.example.g" + (i % 7) + "/artifact" + i + "@" + v,
              ""));
    }
    System.out.printf(
        Locale.ROOT,
        "vuln bench: %,d OSV entries (Debian:12 %,d, Maven %,d, npm %,d; %.1f MB of all.zip), SBOM of %d components (100 deb, 60 maven), %d rounds%n",
        entries,
        debian,
        maven,
        npm,
        bytes / 1e6,
        sbom.size(),
        rounds);
    List<Long> imports = new ArrayList<>();
    List<Long> scans = new ArrayList<>();
    int findings = 0;
    for (int r = 0; r < rounds; r++) {
      VulnDb db = VulnDb.at(dir.resolve("db" + r), Clock.systemUTC());
      long t0 = System.nanoTime();
      for (Path z : zips) {
        db.importFrom(z);
      }
      long t1 = System.nanoTime();
      VulnGateResult res =
          VulnGate.scan(
              db,
              "bench.cdx.json",
              Digest.sha256("bench"),
              sbom,
              VulnGate.Options.defaults(),
              Clock.systemUTC());
      long t2 = System.nanoTime();
      imports.add((t1 - t0) / 1_000_000);
      scans.add((t2 - t1) / 1_000_000);
      findings = res.findings().size();
    }
    System.out.printf(Locale.ROOT, "findings per scan: %d%n%n", findings);
    System.out.println(
        "| phase | first (cold JVM) | median | min | max | rounds after the first |");
    System.out.println("|---|---|---|---|---|---|");
    row("import (3 all.zip)", imports);
    row("scan (160 components)", scans);
  }

  private static void row(String name, List<Long> ms) {
    List<Long> rest = new ArrayList<>(ms.subList(1, ms.size()));
    rest.sort(Long::compare);
    long median =
        rest.size() % 2 == 1
            ? rest.get(rest.size() / 2)
            : (rest.get(rest.size() / 2 - 1) + rest.get(rest.size() / 2)) / 2;
    System.out.printf(
        Locale.ROOT,
        "| %s | %d ms | %d ms | %d ms | %d ms | %d |%n",
        name,
        ms.get(0),
        median,
        rest.get(0),
        rest.get(rest.size() - 1),
        rest.size());
  }

  /** An osv.dev-style all.zip: one JSON file per entry. */
  private static Path zip(Path out, String ecosystem, int n, int packages, Random rnd)
      throws Exception {
    Files.createDirectories(out.getParent());
    try (OutputStream o = Files.newOutputStream(out);
        ZipOutputStream z = new ZipOutputStream(o)) {
      for (int i = 0; i < n; i++) {
        int p = rnd.nextInt(packages);
        String name;
        List<Object> events = new ArrayList<>();
        String id;
        switch (ecosystem) {
          case "Maven" -> {
            name = "org.example.g" + (p % 7) + ":artifact" + p;
            id = String.format(Locale.ROOT, "GHSA-bench-%06d", i);
            events.add(Map.of("introduced", "2." + rnd.nextInt(6) + ".0"));
            events.add(Map.of("fixed", "2." + (6 + rnd.nextInt(6)) + "." + rnd.nextInt(5)));
          }
          case "npm" -> {
            name = "npm-pkg" + p;
            id = String.format(Locale.ROOT, "GHSA-npm-%06d", i);
            events.add(Map.of("introduced", "0"));
            events.add(
                Map.of("fixed", rnd.nextInt(5) + "." + rnd.nextInt(20) + "." + rnd.nextInt(10)));
          }
          default -> {
            name = "pkg" + p;
            id = String.format(Locale.ROOT, "DEBIAN-CVE-2099-%06d", i);
            events.add(Map.of("introduced", "0"));
            events.add(
                Map.of(
                    "fixed",
                    "1."
                        + rnd.nextInt(10)
                        + "-"
                        + (1 + rnd.nextInt(4))
                        + "~deb12u"
                        + rnd.nextInt(3)));
          }
        }
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("type", ecosystem.equals("npm") ? "SEMVER" : "ECOSYSTEM");
        range.put("events", events);
        Map<String, Object> pkg = new LinkedHashMap<>();
        pkg.put("ecosystem", ecosystem);
        pkg.put("name", name);
        Map<String, Object> affected = new LinkedHashMap<>();
        affected.put("package", pkg);
        affected.put("ranges", List.of(range));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("schema_version", "1.6.0");
        e.put("id", id);
        e.put(
            "modified",
            "2026-11-" + String.format(Locale.ROOT, "%02d", 1 + rnd.nextInt(28)) + "T00:00:00Z");
        e.put("aliases", List.of(String.format(Locale.ROOT, "CVE-2099-%06d", i)));
        e.put("summary", "synthetic entry " + i + " for " + name);
        e.put("details", "A synthetic vulnerability for the benchmark. ".repeat(4));
        e.put("affected", List.of(affected));
        if (rnd.nextInt(10) < 8) {
          String[] vectors = {
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
          };
          String v = vectors[rnd.nextInt(vectors.length)];
          e.put(
              "severity",
              List.of(Map.of("type", v.startsWith("CVSS:4") ? "CVSS_V4" : "CVSS_V3", "score", v)));
        }
        z.putNextEntry(new ZipEntry(id + ".json"));
        z.write(Json.pretty(e).getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return out;
  }
}
