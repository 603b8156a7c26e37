package dev.cairn.ethereum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminKeyFileTest {
  @TempDir Path tmp;

  private Path key(String mode) throws Exception {
    Assumptions.assumeTrue(
        tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    Path f = tmp.resolve("admin.key");
    Files.writeString(f, "0x" + "11".repeat(32) + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  @Test
  void adminKey_worldReadableFile_isRefusedAsSshDoes() throws Exception {
    Path f = key("rw-r--r--");

    assertThatThrownBy(() -> EthereumRegistries.adminKey(f))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the key file "
                          + f
                          + " is open to others than its owner (mode 0644), so the key may have"
                          + " been copied");
              assertThat(e.hint())
                  .hasValue(
                      "make it readable by its owner only (chmod 600 "
                          + f
                          + "), as ssh demands of keys");
              assertThat(e.getMessage()).doesNotContain("11111111");
            });
  }

  @Test
  void adminKey_groupWritableFile_isRefused() throws Exception {
    Path f = key("rw--w----");

    assertThatThrownBy(() -> EthereumRegistries.adminKey(f))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("(mode 0620)");
  }

  @Test
  void adminKey_ownerOnlyFile_isRead() throws Exception {
    assertThat(EthereumRegistries.adminKey(key("rw-------")).toString()).isEqualTo("***");
    assertThat(EthereumRegistries.adminKey(key("r--------")).toString()).isEqualTo("***");
  }
}
