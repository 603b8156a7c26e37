package dev.cairn.ledger.internal;

import dev.cairn.core.CairnHome;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.LedgerProvider;
import dev.cairn.ledger.NoteSigner;
import dev.cairn.ledger.TransparencyLog;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

/** The embedded transparency log in Cairn's home, signed with the home's log key. */
public final class EmbeddedLedgers implements LedgerProvider {
  /** The log's key name (the first word of its note verifier key). */
  public static final String KEY_NAME = "cairn-embedded-log";

  @Override
  public String scheme() {
    return "embedded";
  }

  @Override
  public String syntax() {
    return "embedded";
  }

  @Override
  public void check(URI ledger) throws LedgerException {
    if (ledger.getScheme() != null || !ledger.toString().equals("embedded")) {
      throw new LedgerException("unknown ledger " + ledger, "write it as embedded");
    }
  }

  @Override
  public boolean exists(URI ledger, LedgerOptions options) {
    return Files.isDirectory(options.home().ledger());
  }

  @Override
  public Ledger open(URI ledger, LedgerOptions options) throws LedgerException {
    CairnHome home = options.home();
    if (options.readOnly()) {
      if (!exists(ledger, options)) {
        throw new LedgerException(
            "there is no embedded ledger in " + home, "check CAIRN_HOME, or certify first");
      }
      return TransparencyLog.openReadOnly(home.ledger(), verifierKey(home));
    }
    return TransparencyLog.open(home.ledger(), signer(home, true));
  }

  /**
   * The note verifier key of the home's log, from the public half in its key file: a reader never
   * touches the private key.
   */
  public static String verifierKey(CairnHome home) throws LedgerException {
    Path keyFile = home.ledgerKey();
    try {
      if (!Files.exists(keyFile)) {
        throw new LedgerException(
            "the embedded ledger in " + home + " has no key file " + keyFile,
            "restore it from a backup");
      }
      List<String> l = Files.readAllLines(keyFile);
      if (l.size() < 2) {
        throw new LedgerException(
            "the embedded ledger's key file " + keyFile + " has no public key line",
            "restore it from a backup");
      }
      return NoteSigner.verifierKey(KEY_NAME, Base64.getDecoder().decode(l.get(1).strip()));
    } catch (IOException | RuntimeException e) {
      throw new LedgerException(
          "cannot read the embedded ledger's key in " + home + ": " + e.getMessage(),
          "check CAIRN_HOME",
          e);
    }
  }

  /** The home's log key, made on first use (mode 0600, public half written with it). */
  static NoteSigner signer(CairnHome home, boolean create) throws LedgerException {
    Path keyFile = home.ledgerKey();
    try {
      if (Files.exists(keyFile)) {
        List<String> l = Files.readAllLines(keyFile);
        return NoteSigner.of(
            KEY_NAME, Base64.getDecoder().decode(l.get(0)), Base64.getDecoder().decode(l.get(1)));
      }
      if (!create) {
        throw new LedgerException(
            "the embedded ledger in " + home + " has no key file " + keyFile,
            "restore it from a backup");
      }
      NoteSigner signer = NoteSigner.generate(KEY_NAME);
      Files.createDirectories(home.root());
      Path tmp = Files.createTempFile(home.root(), ".ledger-key", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not POSIX
      }
      Files.writeString(
          tmp,
          Base64.getEncoder().encodeToString(signer.pkcs8())
              + "\n"
              + Base64.getEncoder().encodeToString(signer.publicKey())
              + "\n");
      Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
      return signer;
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      throw new LedgerException(
          "cannot open the embedded ledger's key in " + home + ": " + e.getMessage(),
          "check CAIRN_HOME",
          e);
    }
  }
}
