package dev.cairn.supplychain.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Digest;
import dev.cairn.testing.CycloneDx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each cataloger on real-format fixtures; every SBOM checked by CycloneDX's own validator. */
class SbomDirectoryTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  static final Sboms.Options OPTIONS = Sboms.Options.of(CLOCK).withTool("cairn 0.1.0-test");

  @TempDir Path dir;

  static Sbom valid(Sbom s) throws Exception {
    CycloneDx.assertValid(s.toJson());
    return s;
  }

  static Component only(Sbom s, String purl) {
    Optional<Component> c = s.components().stream().filter(x -> x.purl().equals(purl)).findFirst();
    assertThat(c).as("component " + purl + " in " + purls(s)).isPresent();
    return c.orElseThrow();
  }

  static List<String> purls(Sbom s) {
    return s.components().stream().map(Component::purl).toList();
  }

  @Test
  void dpkg_installedStanzas_withSourceVersionsLicensesAndMd5sumsHash() throws Exception {
    Fixtures.debianRoot(dir);
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    assertThat(purls(s))
        .containsExactly(
            "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc",
            "pkg:deb/debian/login@1%3A4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12"
                + "&upstream=shadow%401%3A4.13%2Bdfsg1-1",
            "pkg:generic/debian@12");
    Component libc = only(s, s.components().get(1).purl());
    assertThat(libc.version()).isEqualTo("2.36-9+deb12u4");
    assertThat(libc.licenses()).containsExactly("GPL-2.0-or-later", "LGPL-2.1-or-later");
    assertThat(libc.hashes())
        .containsExactly(
            Map.entry(
                "SHA-256",
                Digest.sha256(
                        Files.readAllBytes(dir.resolve("var/lib/dpkg/info/libc6:amd64.md5sums")))
                    .hex()));
    assertThat(libc.locations()).containsExactly("/var/lib/dpkg/status");
    Component base = s.components().get(0);
    assertThat(base.licenses()).as("a copyright file that is not machine-readable").isEmpty();
    assertThat(base.hashes()).as("no md5sums list").isEmpty();
    assertThat(s.subject().type()).isEqualTo(Component.Type.APPLICATION);
  }

  @Test
  void dpkg_distrolessStatusD_eachFileAStanza() throws Exception {
    Fixtures.write(dir, "etc/os-release", Fixtures.OS_RELEASE);
    Fixtures.write(
        dir,
        "var/lib/dpkg/status.d/tzdata",
        "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n");
    Fixtures.write(dir, "var/lib/dpkg/status.d/tzdata.md5sums", "abc  usr/share/zoneinfo/UTC\n");
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    Component tz = only(s, "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12");
    assertThat(tz.hashes()).containsKey("SHA-256");
  }

  @Test
  void apk_installedDb_withLicenseOriginAndControlChecksum() throws Exception {
    Fixtures.write(dir, "etc/os-release", "ID=alpine\nVERSION_ID=3.20.0\n");
    Fixtures.write(dir, "lib/apk/db/installed", Fixtures.APK_INSTALLED);
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    Component musl = only(s, "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.0");
    assertThat(musl.licenses()).containsExactly("MIT");
    assertThat(musl.hashes())
        .containsExactly(Map.entry("SHA-1", "3e99358a2266db5912d0ad99a8b99894565b6e8d"));
    Component sh =
        only(
            s,
            "pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.0"
                + "&upstream=busybox");
    assertThat(sh.licenses()).containsExactly("GPL-2.0-only");
  }

  @Test
  void jar_shaded_everyPomPropertiesAComponent_theOwnOneHashed() throws Exception {
    byte[] jar = Fixtures.shadedJar();
    Fixtures.write(dir, "lib/app-shaded-2.1.0.jar", jar);
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    assertThat(purls(s))
        .containsExactly(
            "pkg:maven/com.example/app-shaded@2.1.0",
            "pkg:maven/com.google.guava/guava@33.0.0-jre",
            "pkg:maven/org.slf4j/slf4j-api@2.0.9");
    Component own = s.components().get(0);
    assertThat(own.group()).isEqualTo("com.example");
    assertThat(own.hashes()).containsExactly(Map.entry("SHA-256", Digest.sha256(jar).hex()));
    assertThat(own.licenses())
        .containsExactly("Apache-2.0", "https://www.apache.org/licenses/LICENSE-2.0.txt");
    Component slf4j = s.components().get(2);
    assertThat(slf4j.hashes()).as("shaded in: not the jar's hash").isEmpty();
    assertThat(slf4j.licenses()).containsExactly("MIT");
    assertThat(slf4j.locations())
        .containsExactly(
            "lib/app-shaded-2.1.0.jar!/META-INF/maven/org.slf4j/slf4j-api/pom.properties");
  }

  @Test
  void jar_manifestOnly_namedByBundleSymbolicName() throws Exception {
    Fixtures.write(dir, "plain-3.4.5.jar", Fixtures.manifestOnlyJar());
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    Component c = only(s, "pkg:maven/org.example/plain@3.4.5");
    assertThat(c.licenses()).containsExactly("EPL-2.0");
  }

  @Test
  void jar_springBoot_nestedJarsRecursively() throws Exception {
    byte[] fat = Fixtures.springBootJar(5);
    Fixtures.write(dir, "app.jar", fat);
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    // the app, 5 libraries, the shaded jar and its 2 shaded-in libraries, the manifest-only jar
    assertThat(s.components()).hasSize(10);
    Component lib3 = only(s, "pkg:maven/org.example.libs/lib3@1.3.0");
    assertThat(lib3.locations()).containsExactly("app.jar!/BOOT-INF/lib/lib3-1.3.0.jar");
    assertThat(lib3.hashes()).containsKey("SHA-256");
    only(s, "pkg:maven/org.slf4j/slf4j-api@2.0.9");
    only(s, "pkg:maven/org.example/plain@3.4.5");
    assertThat(only(s, "pkg:maven/com.example/demo@0.0.1-SNAPSHOT").hashes())
        .containsExactly(Map.entry("SHA-256", Digest.sha256(fat).hex()));
  }

  @Test
  void jar_nestedPastTheDepthLimit_isSkippedAndNamed() throws Exception {
    Fixtures.write(dir, "app.jar", Fixtures.springBootJar(1));
    Sbom s =
        valid(
            Sboms.directory(
                dir, OPTIONS.withLimits(new Limits(1 << 30, 1 << 30, 0, 1000, 1L << 30))));
    assertThat(purls(s)).containsExactly("pkg:maven/com.example/demo@0.0.1-SNAPSHOT");
    assertThat(s.warnings()).anyMatch(w -> w.contains("BOOT-INF/lib/lib0-1.0.0.jar: nested"));
  }

  @Test
  void npm_lockV3_packagesWithIntegrityAndLicenses_rootAndLinksLeftOut() throws Exception {
    Fixtures.write(dir, "package-lock.json", Fixtures.PACKAGE_LOCK_V3);
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    assertThat(purls(s))
        .containsExactly(
            "pkg:npm/%40types/node@20.11.5", "pkg:npm/b@2.0.0", "pkg:npm/left-pad@1.3.0");
    Component lp = s.components().get(2);
    assertThat(lp.licenses()).containsExactly("WTFPL");
    assertThat(lp.hashes().get("SHA-512")).hasSize(128).startsWith("5c8e4c3f354d0298");
    assertThat(s.components().get(1).licenses()).containsExactly("MIT OR Apache-2.0");
    assertThat(s.components().get(0).name()).isEqualTo("@types/node");
  }

  @Test
  void npm_lockV1_nestedDependencies() throws Exception {
    Fixtures.write(dir, "package-lock.json", Fixtures.PACKAGE_LOCK_V1);
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    assertThat(purls(s)).containsExactly("pkg:npm/debug@2.6.9", "pkg:npm/ms@2.0.0");
    assertThat(s.components().get(0).hashes()).containsOnlyKeys("SHA-1");
  }

  @Test
  void npm_nodeModulesPackageJson_mergedWithTheLockEntry() throws Exception {
    Fixtures.write(dir, "package-lock.json", Fixtures.PACKAGE_LOCK_V3);
    Fixtures.write(
        dir,
        "node_modules/left-pad/package.json",
        "{\"name\":\"left-pad\",\"version\":\"1.3.0\",\"license\":\"WTFPL\"}");
    Fixtures.write(
        dir,
        "node_modules/@scope/thing/package.json",
        "{\"name\":\"@scope/thing\",\"version\":\"0.1.0\",\"license\":{\"type\":\"ISC\"}}");
    Fixtures.write(dir, "node_modules/left-pad/lib/package.json", "{\"type\":\"module\"}");
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    Component lp = only(s, "pkg:npm/left-pad@1.3.0");
    assertThat(lp.locations())
        .containsExactly("node_modules/left-pad/package.json", "package-lock.json");
    assertThat(lp.hashes()).containsOnlyKeys("SHA-256", "SHA-512");
    assertThat(only(s, "pkg:npm/%40scope/thing@0.1.0").licenses()).containsExactly("ISC");
  }

  @Test
  void python_distInfoAndEggInfo() throws Exception {
    Fixtures.write(
        dir,
        "usr/lib/python3/dist-packages/requests_toolbelt-1.0.0.dist-info/METADATA",
        Fixtures.METADATA);
    Fixtures.write(dir, "usr/lib/python3/dist-packages/six-1.16.0.egg-info", Fixtures.PKG_INFO);
    Fixtures.write(
        dir,
        "venv/lib/x.egg-info/PKG-INFO",
        "Metadata-Version: 2.4\nName: x\nVersion: 2\nLicense-Expression: MIT OR 0BSD\n");
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    assertThat(purls(s))
        .containsExactly("pkg:pypi/requests-toolbelt@1.0.0", "pkg:pypi/six@1.16.0", "pkg:pypi/x@2");
    assertThat(s.components().get(0).licenses()).containsExactly("Apache-2.0");
    assertThat(s.components().get(0).name()).isEqualTo("Requests_Toolbelt");
    assertThat(s.components().get(1).licenses()).as("from the classifier").containsExactly("MIT");
    assertThat(s.components().get(2).licenses()).containsExactly("MIT OR 0BSD");
  }

  @Test
  void json_isDeterministic_andReadsBack() throws Exception {
    Fixtures.debianRoot(dir);
    Fixtures.write(dir, "app.jar", Fixtures.springBootJar(3));
    Fixtures.write(dir, "package-lock.json", Fixtures.PACKAGE_LOCK_V3);
    Sbom a = valid(Sboms.directory(dir, OPTIONS));
    Sbom b = Sboms.directory(dir, OPTIONS);
    assertThat(new String(b.toJson())).isEqualTo(new String(a.toJson()));
    assertThat(a.serialNumber()).matches("urn:uuid:[0-9a-f-]{36}");
    Path f = dir.resolve("out/sbom.cdx.json");
    Files.createDirectories(f.getParent());
    a.write(f);
    Sbom read = Sbom.read(f);
    assertThat(read.components()).isEqualTo(a.components());
    assertThat(read.timestamp()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    assertThat(read.tool()).isEqualTo("cairn 0.1.0-test");
    Sbom later =
        Sboms.directory(dir, Sboms.Options.of(Clock.offset(CLOCK, java.time.Duration.ofHours(1))));
    assertThat(later.serialNumber()).isNotEqualTo(a.serialNumber());
  }

  @Test
  void read_refusesWhatIsNoCycloneDx_namingTheFile() throws Exception {
    Path f = dir.resolve("x.json");
    Files.writeString(f, "{\"bomFormat\":\"SPDX\"}");
    assertThatThrownBy(() -> Sbom.read(f))
        .isInstanceOf(SbomException.class)
        .hasMessage(f + " is not a CycloneDX JSON SBOM: bomFormat is SPDX, not CycloneDX");
    Files.writeString(
        f, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{}]}");
    assertThatThrownBy(() -> Sbom.read(f)).hasMessageEndingWith("components[0] has no name");
    assertThatThrownBy(() -> Sbom.read(dir.resolve("none.json")))
        .hasMessage("there is no SBOM " + dir.resolve("none.json"));
    assertThatThrownBy(() -> Sboms.directory(dir.resolve("nope"), OPTIONS))
        .hasMessage("there is no directory " + dir.resolve("nope"));
  }

  @Test
  void read_anotherToolsSbom_nestedComponentsFlattened() throws Exception {
    Path f = dir.resolve("other.json");
    Files.writeString(
        f,
        """
        {"bomFormat":"CycloneDX","specVersion":"1.4","version":1,
         "components":[{"type":"library","name":"a","version":"1","purl":"pkg:npm/a@1",
           "components":[{"type":"library","name":"b","version":"2","purl":"pkg:npm/b@2"}]}]}
        """);
    assertThat(purls(Sbom.read(f))).containsExactly("pkg:npm/a@1", "pkg:npm/b@2");
  }
}
