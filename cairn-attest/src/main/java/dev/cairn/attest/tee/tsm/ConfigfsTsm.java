package dev.cairn.attest.tee.tsm;

import dev.cairn.attest.AttestationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Obtains TEE evidence inside a confidential VM through Linux's configfs-tsm ({@code
 * /sys/kernel/config/tsm/report}, Documentation/ABI/testing/configfs-tsm): one request makes an
 * entry ({@code mkdir}), writes {@code privlevel} (optional, 0-3: the SEV-SNP VMPL) and {@code
 * inblob} (the 64 bytes of report data), reads {@code generation}, {@code outblob} (the report or
 * quote), {@code provider} and {@code auxblob} (SEV-SNP: the certificate table), reads {@code
 * generation} again and removes the entry. If the generation changed, another writer raced on the
 * entry and the evidence may carry its report data: the request fails rather than return it.
 *
 * <p>The kernel's TSM driver (sev-guest, tdx-guest) does the hardware request; Cairn then verifies
 * the outblob like any other evidence ({@code SnpReport.parse} + {@code SnpVerifier}). Not
 * thread-safe per entry; each call uses its own entry, so concurrent calls are fine.
 */
public final class ConfigfsTsm {
  /** Where Linux mounts the report interface. */
  public static final Path DEFAULT_ROOT = Path.of("/sys/kernel/config/tsm/report");

  /** configfs-tsm takes at most 64 bytes of inblob; Cairn always sends exactly 64. */
  public static final int INBLOB_SIZE = 64;

  /** The highest privilege level the ABI defines (TSM_PRIVLEVEL_MAX). */
  public static final int PRIVLEVEL_MAX = 3;

  /**
   * The file operations a request makes, as system calls on configfs; the kernel acts on them
   * (mkdir creates the attributes, a write bumps the generation, reading outblob makes the report).
   * A test's fake kernel implements the same on a temp dir.
   */
  interface Configfs {
    void mkdir(Path entry) throws IOException;

    void write(Path attribute, byte[] data) throws IOException;

    byte[] read(Path attribute) throws IOException;

    boolean exists(Path attribute);

    void rmdir(Path entry) throws IOException;
  }

  private static final Configfs CONFIGFS =
      new Configfs() {
        @Override
        public void mkdir(Path entry) throws IOException {
          Files.createDirectory(entry);
        }

        @Override
        public void write(Path attribute, byte[] data) throws IOException {
          Files.write(attribute, data, StandardOpenOption.WRITE);
        }

        @Override
        public byte[] read(Path attribute) throws IOException {
          return Files.readAllBytes(attribute);
        }

        @Override
        public boolean exists(Path attribute) {
          return Files.exists(attribute);
        }

        @Override
        public void rmdir(Path entry) throws IOException {
          Files.delete(entry);
        }
      };

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path root;
  private final Configfs fs;

  private ConfigfsTsm(Path root, Configfs fs) {
    this.root = Objects.requireNonNull(root, "root");
    this.fs = fs;
  }

  /** The interface at {@link #DEFAULT_ROOT}. */
  public static ConfigfsTsm system() {
    return at(DEFAULT_ROOT);
  }

  /** The interface at {@code root} (a configfs {@code tsm/report} directory). */
  public static ConfigfsTsm at(Path root) {
    return new ConfigfsTsm(root, CONFIGFS);
  }

  static ConfigfsTsm at(Path root, Configfs fs) {
    return new ConfigfsTsm(root, fs);
  }

  public Path root() {
    return root;
  }

  /** Whether the report interface is there (a confidential VM with CONFIG_TSM_REPORTS). */
  public boolean available() {
    return Files.isDirectory(root);
  }

  /** Evidence binding {@code reportData} (64 bytes) at the provider's default privilege level. */
  public TsmReport report(byte[] reportData) throws AttestationException {
    return request(reportData, -1);
  }

  /** Evidence binding {@code reportData} (64 bytes) at {@code privlevel} (0-3). */
  public TsmReport report(byte[] reportData, int privlevel) throws AttestationException {
    if (privlevel < 0 || privlevel > PRIVLEVEL_MAX) {
      throw new IllegalArgumentException("privlevel must be 0 to 3, not " + privlevel);
    }
    return request(reportData, privlevel);
  }

  private TsmReport request(byte[] reportData, int privlevel) throws AttestationException {
    if (reportData.length != INBLOB_SIZE) {
      throw new IllegalArgumentException(
          "report data must be " + INBLOB_SIZE + " bytes, not " + reportData.length);
    }
    if (!available()) {
      throw new AttestationException(
          "configfs-tsm: " + root + " does not exist: not a confidential VM with TSM reports",
          "run inside an SEV-SNP or TDX guest whose kernel has CONFIG_TSM_REPORTS, with configfs"
              + " mounted (mount -t configfs none /sys/kernel/config)");
    }
    Path entry = root.resolve("cairn-" + HexFormat.of().formatHex(nonce()));
    try {
      fs.mkdir(entry);
    } catch (IOException e) {
      throw failure(entry, "mkdir", e);
    }
    try {
      if (privlevel >= 0) {
        long floor = readNumber(entry, "privlevel_floor", 0);
        if (privlevel < floor) {
          throw new AttestationException(
              "configfs-tsm: privlevel " + privlevel + " is below the provider's floor " + floor,
              "ask for privlevel " + floor + " or higher");
        }
        write(entry, "privlevel", Integer.toString(privlevel).getBytes(StandardCharsets.US_ASCII));
      }
      write(entry, "inblob", reportData);
      long before = readNumber(entry, "generation", -1);
      byte[] outblob = read(entry, "outblob");
      String provider = new String(read(entry, "provider"), StandardCharsets.UTF_8).strip();
      byte[] auxblob = fs.exists(entry.resolve("auxblob")) ? read(entry, "auxblob") : new byte[0];
      long after = readNumber(entry, "generation", -1);
      if (after != before) {
        throw new AttestationException(
            "configfs-tsm: "
                + entry
                + " was written by another process between our write and read (generation "
                + before
                + " became "
                + after
                + "): the report may carry its data",
            "retry; make sure only the attestation agent uses " + root);
      }
      if (outblob.length == 0) {
        throw new AttestationException(
            "configfs-tsm: " + entry.resolve("outblob") + " is empty",
            "check the kernel log (dmesg) of the TSM provider " + provider);
      }
      return new TsmReport(provider, after, outblob, auxblob);
    } finally {
      try {
        fs.rmdir(entry);
      } catch (IOException e) {
        // the entry stays behind; the evidence read is still valid, and a later request uses its
        // own
      }
    }
  }

  private static byte[] nonce() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return b;
  }

  private void write(Path entry, String name, byte[] data) throws AttestationException {
    try {
      fs.write(entry.resolve(name), data);
    } catch (IOException e) {
      throw failure(entry.resolve(name), "write", e);
    }
  }

  private byte[] read(Path entry, String name) throws AttestationException {
    try {
      return fs.read(entry.resolve(name));
    } catch (IOException e) {
      throw failure(entry.resolve(name), "read", e);
    }
  }

  /** A decimal attribute; {@code absent} when the file does not exist ({@code -1}: required). */
  private long readNumber(Path entry, String name, long absent) throws AttestationException {
    Path p = entry.resolve(name);
    if (absent >= 0 && !fs.exists(p)) {
      return absent;
    }
    String s = new String(read(entry, name), StandardCharsets.US_ASCII).strip();
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new AttestationException(
          "configfs-tsm: " + p + " holds '" + s + "', not a number",
          "check that " + entry.getParent() + " is a configfs-tsm report directory");
    }
  }

  private static AttestationException failure(Path p, String op, IOException e) {
    String why =
        e instanceof NoSuchFileException
            ? "no such file: is " + p.getParent() + " a configfs-tsm report entry?"
            : String.valueOf(e.getMessage());
    return new AttestationException(
        "configfs-tsm: " + op + " " + p + " failed: " + why,
        "run as root inside the confidential VM; the kernel log (dmesg) names the TSM provider's error",
        e);
  }
}
