package dev.cairn.supplychain.sbom;

import static dev.cairn.supplychain.sbom.SbomDirectoryTest.OPTIONS;
import static dev.cairn.supplychain.sbom.SbomDirectoryTest.purls;
import static dev.cairn.supplychain.sbom.SbomDirectoryTest.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Go build info in the pre-1.18 pointer format, in an ELF file laid out as the Go linker lays it
 * out (no section headers: found in the first writable segment). The inline format of Go 1.18+ is
 * checked on a real binary in {@link GoBinarySbomIT}.
 */
class GoBuildInfoTest {
  @TempDir Path dir;

  static final String MODINFO =
      "path\texample.com/old/cmd/tool\n"
          + "mod\texample.com/old\tv1.4.0\th1:abc=\n"
          + "dep\tgolang.org/x/text\tv0.3.7\th1:def=\n"
          + "dep\tgithub.com/pkg/errors\tv0.8.0\th1:ghi=\n"
          + "=>\tgithub.com/pkg/errors\tv0.9.1\th1:jkl=\n";

  /** An ELF64 little-endian file with the build info header pointing at Go string headers. */
  static byte[] pointerFormatElf(String goVersion, String modinfo) {
    long vaddr = 0x500000;
    int segOff = 0x200;
    ByteBuffer b = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    b.putShort(16, (short) 2); // ET_EXEC
    b.putShort(18, (short) 62); // x86-64
    b.putInt(20, 1);
    b.putLong(0x20, 64); // e_phoff
    b.putLong(0x28, 0); // no section headers
    b.putShort(0x34, (short) 64);
    b.putShort(0x36, (short) 56);
    b.putShort(0x38, (short) 1);
    b.putShort(0x3A, (short) 64);
    // PT_LOAD, RW
    b.putInt(64, 1);
    b.putInt(68, 6);
    b.putLong(72, segOff);
    b.putLong(80, vaddr);
    b.putLong(88, vaddr);
    b.putLong(96, 0x1000 - segOff);
    b.putLong(104, 0x1000 - segOff);
    b.putLong(112, 0x1000);
    byte[] magic = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    int h = segOff + 0x20; // 16-byte aligned, not at the start
    b.put(h, magic);
    b.put(h + 14, (byte) 8);
    b.put(h + 15, (byte) 0);
    b.putLong(h + 16, vaddr + 0x60);
    b.putLong(h + 24, vaddr + 0x70);
    byte[] vers = goVersion.getBytes(StandardCharsets.UTF_8);
    byte[] mod =
        ("0123456789abcdef" + modinfo + "fedcba9876543210").getBytes(StandardCharsets.UTF_8);
    int vs = segOff + 0x100;
    int ms = segOff + 0x120;
    b.putLong(segOff + 0x60, vaddr + 0x100);
    b.putLong(segOff + 0x68, vers.length);
    b.putLong(segOff + 0x70, vaddr + 0x120);
    b.putLong(segOff + 0x78, mod.length);
    b.put(vs, vers);
    b.put(ms, mod);
    return b.array();
  }

  @Test
  void pointerFormat_moduleDepsReplacementAndStdlib() throws Exception {
    Path bin = dir.resolve("usr/local/bin/tool");
    Files.createDirectories(bin.getParent());
    Files.write(bin, pointerFormatElf("go1.17.13", MODINFO));
    Sbom s = valid(Sboms.directory(dir, OPTIONS));
    assertThat(purls(s))
        .containsExactly(
            "pkg:golang/example.com/old@v1.4.0",
            "pkg:golang/github.com/pkg/errors@v0.9.1",
            "pkg:golang/golang.org/x/text@v0.3.7",
            "pkg:golang/stdlib@1.17.13");
    Component main = s.components().get(0);
    assertThat(main.type()).isEqualTo(Component.Type.APPLICATION);
    assertThat(main.name()).isEqualTo("example.com/old");
    assertThat(main.hashes()).containsKey("SHA-256");
    assertThat(main.locations()).containsExactly("usr/local/bin/tool");
    assertThat(s.components().get(3).version()).isEqualTo("go1.17.13");
  }

  @Test
  void elfWithoutBuildInfo_isNoComponent() throws Exception {
    byte[] elf = pointerFormatElf("go1.17.13", MODINFO);
    // break the magic
    elf[0x200 + 0x20 + 3] = 'X';
    Files.write(dir.resolve("tool"), elf);
    assertThat(Sboms.directory(dir, OPTIONS).components()).isEmpty();
  }
}
