package dev.cairn.supplychain.sbom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/** Real-format package databases and archives, written by the tests. */
final class Fixtures {
  private Fixtures() {}

  static final String DPKG_STATUS =
      """
      Package: base-files
      Essential: yes
      Status: install ok installed
      Priority: required
      Section: admin
      Installed-Size: 341
      Maintainer: Santiago Vila <sanvila@debian.org>
      Architecture: amd64
      Multi-Arch: foreign
      Version: 12.4+deb12u5
      Description: Debian base system miscellaneous files
       This package contains the basic filesystem hierarchy of a Debian system.

      Package: libc6
      Status: install ok installed
      Priority: optional
      Section: libs
      Architecture: amd64
      Multi-Arch: same
      Source: glibc
      Version: 2.36-9+deb12u4
      Depends: libgcc-s1
      Description: GNU C Library: Shared libraries

      Package: login
      Status: install ok installed
      Architecture: amd64
      Source: shadow (1:4.13+dfsg1-1)
      Version: 1:4.13+dfsg1-1+b1
      Description: system login tools

      Package: removed-pkg
      Status: deinstall ok config-files
      Architecture: amd64
      Version: 1.0-1
      Description: gone, only its config files are left
      """;

  static final String COPYRIGHT_LIBC6 =
      """
      Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
      Upstream-Name: glibc

      Files: *
      Copyright: 1991-2023 Free Software Foundation, Inc.
      License: LGPL-2.1+
       This library is free software.

      Files: debian/*
      Copyright: 1998 the Debian maintainers
      License: GPL-2+
       On Debian systems, see /usr/share/common-licenses/GPL-2.
      """;

  static final String OS_RELEASE =
      """
      PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
      NAME="Debian GNU/Linux"
      VERSION_ID="12"
      VERSION="12 (bookworm)"
      ID=debian
      """;

  static final String APK_INSTALLED =
      """
      C:Q1Ppk1iiJm21kS0K2ZqLmYlFZbbo0=
      P:musl
      V:1.2.5-r0
      A:x86_64
      S:406460
      I:625664
      T:the musl c library (libc) implementation
      U:https://musl.libc.org/
      L:MIT
      o:musl
      m:Natanael Copa <ncopa@alpinelinux.org>
      F:lib
      R:ld-musl-x86_64.so.1

      C:Q1lxWEe5DwH7Rpy7Pu+6A0FRUAgBA=
      P:busybox-binsh
      V:1.36.1-r29
      A:x86_64
      L:GPL-2.0-only
      o:busybox
      T:busybox ash /bin/sh
      """;

  static final String METADATA =
      """
      Metadata-Version: 2.1
      Name: Requests_Toolbelt
      Version: 1.0.0
      Summary: A utility belt for advanced users of python-requests
      License: Apache 2.0
      Classifier: License :: OSI Approved :: Apache Software License
      Classifier: Programming Language :: Python :: 3

      A long description, which names License: nothing.
      """;

  static final String PKG_INFO =
      """
      Metadata-Version: 1.2
      Name: six
      Version: 1.16.0
      License: UNKNOWN
      Classifier: License :: OSI Approved :: MIT License
      """;

  static final String PACKAGE_LOCK_V3 =
      """
      {
        "name": "web",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "requires": true,
        "packages": {
          "": {"name": "web", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}},
          "node_modules/left-pad": {
            "version": "1.3.0",
            "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
            "integrity": "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQEq0MTlRu4nf9tPrHWlH8B6LPnpjsPHsQGaYGR0oE2ZoKAQ==",
            "license": "WTFPL"
          },
          "node_modules/@types/node": {
            "version": "20.11.5",
            "integrity": "sha512-g557vgQjUUfN76MZAN/dt1z3dzcUsimuysco0KeluHgrPdJXkP/XdAURgyO2W9fZWHRtRBiVKzKn8vyOAwlG+w==",
            "dev": true,
            "license": "MIT"
          },
          "node_modules/a/node_modules/b": {"version": "2.0.0", "license": "(MIT OR Apache-2.0)"},
          "packages/local": {"version": "0.0.1", "link": true}
        }
      }
      """;

  static final String PACKAGE_LOCK_V1 =
      """
      {
        "name": "old",
        "version": "1.0.0",
        "lockfileVersion": 1,
        "dependencies": {
          "debug": {"version": "2.6.9", "integrity": "sha1-XRKFFd8TT/Mn6QpMk/Tgd6U2NB8=",
            "requires": {"ms": "2.0.0"},
            "dependencies": {"ms": {"version": "2.0.0"}}}
        }
      }
      """;

  static void write(Path root, String rel, String text) throws IOException {
    Path f = root.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text, StandardCharsets.UTF_8);
  }

  static void write(Path root, String rel, byte[] bytes) throws IOException {
    Path f = root.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.write(f, bytes);
  }

  /** A Debian-like root: os-release, a status file with four stanzas, copyright, md5sums. */
  static void debianRoot(Path root) throws IOException {
    write(root, "etc/os-release", OS_RELEASE);
    write(root, "var/lib/dpkg/status", DPKG_STATUS);
    write(root, "usr/share/doc/libc6/copyright", COPYRIGHT_LIBC6);
    write(root, "usr/share/doc/base-files/copyright", "This is not machine-readable.\n");
    write(
        root,
        "var/lib/dpkg/info/libc6:amd64.md5sums",
        "d41d8cd98f00b204e9800998ecf8427e  lib/x86_64-linux-gnu/libc.so.6\n");
  }

  static String pomProperties(String g, String a, String v) {
    return "#Generated by Maven\ngroupId=" + g + "\nartifactId=" + a + "\nversion=" + v + "\n";
  }

  static String pomXml(String license) {
    return "<project><modelVersion>4.0.0</modelVersion><licenses><license><name>"
        + license
        + "</name></license></licenses></project>";
  }

  /** A jar: its entries (name to content), with a manifest of {@code manifest} main attributes. */
  static byte[] jar(Map<String, String> manifest, Map<String, byte[]> entries, boolean stored)
      throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(out, m)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry z = new ZipEntry(e.getKey());
        if (stored && e.getKey().endsWith(".jar")) {
          // Spring Boot stores nested jars uncompressed
          z.setMethod(ZipEntry.STORED);
          z.setSize(e.getValue().length);
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          z.setCrc(crc.getValue());
        }
        jar.putNextEntry(z);
        jar.write(e.getValue());
        jar.closeEntry();
      }
    }
    return out.toByteArray();
  }

  static Map<String, byte[]> entries(String... nameThenText) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < nameThenText.length; i += 2) {
      m.put(nameThenText[i], nameThenText[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  /** A shaded jar: its own pom.properties and two shaded-in libraries', with a pom license. */
  static byte[] shadedJar() throws IOException {
    return jar(
        Map.of("Bundle-License", "https://www.apache.org/licenses/LICENSE-2.0.txt"),
        entries(
            "META-INF/maven/com.example/app-shaded/pom.properties",
            pomProperties("com.example", "app-shaded", "2.1.0"),
            "META-INF/maven/com.example/app-shaded/pom.xml",
            pomXml("Apache License, Version 2.0"),
            "META-INF/maven/com.google.guava/guava/pom.properties",
            pomProperties("com.google.guava", "guava", "33.0.0-jre"),
            "META-INF/maven/org.slf4j/slf4j-api/pom.properties",
            pomProperties("org.slf4j", "slf4j-api", "2.0.9"),
            "META-INF/maven/org.slf4j/slf4j-api/pom.xml",
            pomXml("MIT License"),
            "com/example/App.class",
            "not really a class"),
        false);
  }

  /** A library jar with only a manifest (no pom.properties). */
  static byte[] manifestOnlyJar() throws IOException {
    return jar(
        Map.of(
            "Bundle-SymbolicName", "org.example.plain;singleton:=true",
            "Bundle-Version", "3.4.5",
            "Implementation-Title", "plain",
            "Bundle-License", "EPL-2.0"),
        entries("org/example/Plain.class", "x"),
        false);
  }

  /** A Spring Boot fat jar with {@code n} nested library jars (and one shaded jar among them). */
  static byte[] springBootJar(int n) throws IOException {
    Map<String, byte[]> e = new LinkedHashMap<>();
    e.put(
        "META-INF/maven/com.example/demo/pom.properties",
        pomProperties("com.example", "demo", "0.0.1-SNAPSHOT").getBytes(StandardCharsets.UTF_8));
    e.put("BOOT-INF/classes/com/example/Demo.class", new byte[] {1, 2, 3});
    for (int i = 0; i < n; i++) {
      e.put(
          "BOOT-INF/lib/lib" + i + "-1." + i + ".0.jar",
          jar(
              Map.of(),
              entries(
                  "META-INF/maven/org.example.libs/lib" + i + "/pom.properties",
                  pomProperties("org.example.libs", "lib" + i, "1." + i + ".0")),
              false));
    }
    e.put("BOOT-INF/lib/app-shaded-2.1.0.jar", shadedJar());
    e.put("BOOT-INF/lib/plain-3.4.5.jar", manifestOnlyJar());
    return jar(Map.of("Main-Class", "org.springframework.boot.loader.launch.JarLauncher"), e, true);
  }
}
