package dev.cairn.supplychain;

import dev.cairn.attest.PublishedTrust;
import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Text;
import dev.cairn.ledger.TrustRoot;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Grows a trust root with what an attestation service published for its attested builder: the
 * builder's signing key, the builder measurements its policy approves, and the TEE platform keys
 * that sign the builder's evidence, each trusted from the time given (the start of the build, so
 * that what it signs verifies). It only grows (docs/trust-root.md).
 */
public final class BuilderTrust {
  private BuilderTrust() {}

  /**
   * Adds what {@code published} names to the trust root in {@code file} (made when missing), from
   * {@code from}; returns how many items were added.
   *
   * @throws CairnException when the file cannot be read or written, or {@code published} is not a
   *     builder's
   */
  public static int grow(Path file, PublishedTrust published, Instant from) throws CairnException {
    if (!published.isBuilder()) {
      throw new CairnException(
          "the attestation service published no builder key", "ask it for the builder's trust");
    }
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    synchronized (BuilderTrust.class) {
      try {
        Files.createDirectories(lockFile.toAbsolutePath().getParent());
        try (FileChannel ch =
                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.lock()) {
          return growLocked(file, published, from);
        }
      } catch (IOException e) {
        throw new CairnException(
            "cannot lock the trust root " + file + ": " + Text.describe(e), "check the path", e);
      }
    }
  }

  private static int growLocked(Path file, PublishedTrust published, Instant from)
      throws CairnException {
    TrustRoot before;
    try {
      before = Files.exists(file) ? TrustRoot.parse(Files.readString(file)) : TrustRoot.empty();
    } catch (IOException e) {
      throw new CairnException(
          "cannot read the trust root " + file + ": " + Text.describe(e), "check the path", e);
    }
    TrustRoot t = before;
    try {
      t = add(t, new TrustRoot.BuilderKey(published.builderKey()), from);
      for (Digest m : published.builderMeasurements()) {
        t = add(t, new TrustRoot.BuilderMeasurement(m), from);
      }
      for (byte[] k : published.platformKeys()) {
        t = add(t, new TrustRoot.PlatformKey(k), from);
      }
    } catch (IllegalArgumentException e) {
      throw new CairnException(
          "cannot add the builder to the trust root " + file + ": " + e.getMessage(),
          "check the windows in the trust root (docs/trust-root.md)",
          e);
    }
    if (t.equals(before) && Files.exists(file)) {
      return 0;
    }
    try {
      AtomicFiles.write(file, t.toJson());
    } catch (IOException e) {
      throw new CairnException(
          "cannot write the trust root " + file + ": " + Text.describe(e), "check the path", e);
    }
    return Math.max(1, t.entries().size() - before.entries().size());
  }

  /**
   * {@code item} trusted from {@code from} if the trust root has never known it. An item it knows
   * keeps its windows as they are: one the operator retired (a closed window) is not trusted again
   * by a pipeline run, and an open window is not moved back in time.
   */
  private static TrustRoot add(TrustRoot t, TrustRoot.Item item, Instant from) {
    for (TrustRoot.Entry e : t.entries()) {
      if (e.item().equals(item)) {
        return t;
      }
    }
    return t.withTrusted(item, from);
  }
}
