package dev.cairn.supplychain.vuln.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Package URLs to OSV ecosystems and names. */
class PurlTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12|Debian:12|openssl|3.0.11-1~deb12u2",
        "pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&upstream=openssl&distro=debian-12.4|Debian:12|openssl|3.0.11-1",
        "pkg:deb/debian/libc6@2.36-9?upstream=glibc%402.36-9&distro=bookworm|Debian:12|glibc|2.36-9",
        "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1|Debian|zlib1g|1:1.2.13.dfsg-1",
        "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.20.3|Alpine:v3.20|busybox|1.36.1-r15",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar|Maven|org.apache.logging.log4j:log4j-core|2.14.1",
        "pkg:npm/%40babel/traverse@7.22.0|npm|@babel/traverse|7.22.0",
        "pkg:npm/lodash@4.17.20|npm|lodash|4.17.20",
        "pkg:pypi/django@3.2.0|PyPI|django|3.2.0",
        "pkg:golang/github.com/gin-gonic/gin@v1.9.0|Go|github.com/gin-gonic/gin|v1.9.0",
        "pkg:golang/golang.org/x/net@v0.0.0-20220906165146-f3363e06e74c#html|Go|golang.org/x/net|v0.0.0-20220906165146-f3363e06e74c"
      })
  void purl_mapsToOsvPackage(String purl, String ecosystem, String name, String version) {
    Purl p = Purl.parse(purl);
    assertThat(Ecosystems.of(p)).contains(ecosystem);
    assertThat(Ecosystems.name(p)).isEqualTo(name);
    assertThat(p.version()).isEqualTo(version);
  }

  @ParameterizedTest
  @CsvSource({"notapurl", "pkg:", "pkg:npm", "pkg:npm/"})
  void notPurls_areRefused(String s) {
    assertThatThrownBy(() -> Purl.parse(s)).isInstanceOf(IllegalArgumentException.class);
  }
}
