package dev.cairn.ledger;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Digest;
import dev.cairn.ledger.WitnessException.Reason;
import dev.cairn.ledger.internal.LogLock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A transparency log witness (C2SP tlog-witness): it keeps, for each log, the latest checkpoint it
 * cosigned, and cosigns a new checkpoint ({@link #addCheckpoint}) only when a consistency proof
 * shows that it extends that one. A log that forks (shows one view to some and another to others)
 * or rolls back can then no longer get both views cosigned: a verifier that demands cosignatures
 * ({@link TrustRoot#requiredWitnesses()}) needs the witnesses to lie too.
 *
 * <p>State: one file per log in {@code <state>/logs/}, named by the SHA-256 of its origin, holding
 * the latest cosigned checkpoint; it is replaced atomically (written, synced, renamed, the
 * directory synced) <em>before</em> the cosignature is returned, and the check of the old size and
 * the write happen under the state's exclusive lock, held while the witness is open. A crash leaves
 * the old checkpoint or the new one, never neither: a state file that cannot be read fails every
 * request for that log rather than being taken for "never seen" (which would let a rolled back log
 * be cosigned).
 */
public final class Witness implements AutoCloseable {
  static final Duration LOCK_WAIT = Duration.ofSeconds(10);

  private final Path dir;
  private final NoteSigner key;
  private final Clock clock;
  private final LogLock lock;

  private Witness(Path dir, NoteSigner key, Clock clock, LogLock lock) {
    this.dir = dir;
    this.key = key;
    this.clock = clock;
    this.lock = lock;
  }

  /**
   * Opens (creating if needed) the witness state in {@code stateDir}, with its exclusive lock.
   *
   * @param key the witness's signing key; its name is the witness's name
   * @throws LedgerException if another process holds the state, or it cannot be created
   */
  public static Witness open(Path stateDir, NoteSigner key, Clock clock) throws LedgerException {
    try {
      Files.createDirectories(stateDir.resolve("logs"));
    } catch (IOException e) {
      throw new LedgerException(
          "cannot create the witness state " + stateDir + ": " + e.getMessage(),
          "check the directory's permissions",
          e);
    }
    LogLock lock = LogLock.acquire(stateDir, false, LOCK_WAIT, "the witness state");
    return new Witness(stateDir, key, clock, lock);
  }

  /** The verifier key of this witness's cosignatures, for a trust root to list. */
  public String verifierKey() {
    return Cosignature.verifierKey(key);
  }

  public String name() {
    return key.name();
  }

  /**
   * An {@code add-checkpoint} request: the size of the checkpoint the log believes the witness last
   * cosigned, a consistency proof from it, and the new checkpoint (a signed note).
   */
  public record Request(long oldSize, List<byte[]> proof, String checkpoint) {
    /** tlog-witness allows at most 63 proof lines. */
    static final int MAX_PROOF = 63;

    public Request {
      proof = proof.stream().map(byte[]::clone).toList();
    }

    /** The request body of tlog-witness: {@code old N}, proof lines, a blank line, the note. */
    public String toText() {
      StringBuilder b = new StringBuilder("old ").append(oldSize).append('\n');
      proof.forEach(p -> b.append(Base64.getEncoder().encodeToString(p)).append('\n'));
      return b.append('\n').append(checkpoint).toString();
    }

    /**
     * Parses a tlog-witness request body.
     *
     * @throws WitnessException ({@link Reason#BAD_REQUEST}) naming what is malformed
     */
    public static Request parse(String body) throws WitnessException {
      int sep = body.indexOf("\n\n");
      if (!body.startsWith("old ") || sep < 0) {
        throw bad("the request does not start with an 'old <size>' line and a blank line");
      }
      String[] lines = body.substring(0, sep).split("\n", -1);
      long old;
      try {
        old = Long.parseLong(lines[0].substring(4));
        if (old < 0 || !lines[0].substring(4).equals(Long.toString(old))) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw bad("the old size line is not 'old <size>' in decimal: " + lines[0]);
      }
      List<byte[]> proof = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        byte[] h;
        try {
          h = Base64.getDecoder().decode(lines[i]);
        } catch (IllegalArgumentException e) {
          throw bad("consistency proof line " + i + " is not base64");
        }
        if (h.length != Merkle.HASH) {
          throw bad("consistency proof line " + i + " is not a 32-byte hash");
        }
        proof.add(h);
      }
      if (proof.size() > MAX_PROOF) {
        throw bad("more than " + MAX_PROOF + " consistency proof lines");
      }
      return new Request(old, proof, body.substring(sep + 2));
    }
  }

  private static WitnessException bad(String why) {
    return new WitnessException(
        Reason.BAD_REQUEST,
        "malformed add-checkpoint request: " + why,
        "send 'old <size>', the consistency proof lines, a blank line and the checkpoint",
        -1);
  }

  /** The latest checkpoint this witness cosigned of the log named {@code origin}, if any. */
  public synchronized Optional<Checkpoint> latest(String origin) throws LedgerException {
    Path f = file(origin);
    String note;
    try {
      note = Files.readString(f, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw corrupt(f, String.valueOf(e.getMessage()), e);
    }
    Checkpoint cp;
    try {
      cp = Checkpoint.parse(note);
    } catch (LedgerException e) {
      throw corrupt(f, String.valueOf(e.getMessage()), e);
    }
    if (!cp.origin().equals(origin)) {
      throw corrupt(f, "it holds a checkpoint of " + cp.origin() + ", not of " + origin, null);
    }
    return Optional.of(cp);
  }

  private static LedgerException corrupt(Path f, String why, @Nullable Throwable cause) {
    return new LedgerException(
        "the witness state " + f + " cannot be read (" + why + ")",
        "restore the witness state from a backup: starting it afresh would let a rolled back log"
            + " be cosigned",
        cause);
  }

  /**
   * Verifies {@code request} as tlog-witness's {@code add-checkpoint} does and, if it holds, saves
   * the checkpoint as this log's latest and returns this witness's cosignature line on it.
   *
   * @param logKeys the note verifier keys of the logs this witness witnesses; a log is known by its
   *     origin: the key's name, or (Cairn's logs) {@code cairn.local/log/<key hash>}
   * @throws WitnessException when it refuses, with the reason
   * @throws LedgerException when its state cannot be read or written
   */
  public synchronized String addCheckpoint(Request request, List<String> logKeys)
      throws LedgerException {
    Checkpoint cp;
    try {
      cp = Checkpoint.parse(request.checkpoint());
      Cosignature.text(request.checkpoint());
    } catch (LedgerException e) {
      throw bad("the checkpoint: " + e.getMessage());
    }
    List<String> keys = new ArrayList<>();
    for (String k : logKeys) {
      String[] p = k.split("\\+", 3);
      if (p.length == 3
          && (p[0].equals(cp.origin()) || ("cairn.local/log/" + p[1]).equals(cp.origin()))) {
        keys.add(k);
      }
    }
    if (keys.isEmpty()) {
      throw new WitnessException(
          Reason.UNKNOWN_LOG,
          "witness " + key.name() + " knows no log " + cp.origin(),
          "give the witness the log's verifier key",
          -1);
    }
    boolean signed = false;
    for (String k : keys) {
      try {
        NoteSigner.verify(request.checkpoint(), k);
        signed = true;
        break;
      } catch (LedgerException e) {
        // another key of the log may have signed it
      }
    }
    if (!signed) {
      throw new WitnessException(
          Reason.FORBIDDEN,
          "the checkpoint of " + cp.origin() + " is not signed by a key the witness trusts for it",
          "check the log's verifier key",
          -1);
    }
    if (request.oldSize() > cp.size()) {
      throw new WitnessException(
          Reason.BAD_REQUEST,
          "the old size "
              + request.oldSize()
              + " is larger than the checkpoint's size "
              + cp.size()
              + " of "
              + cp.origin(),
          null,
          -1);
    }
    Optional<Checkpoint> last = latest(cp.origin());
    long lastSize = last.map(Checkpoint::size).orElse(0L);
    if (request.oldSize() != lastSize) {
      throw new WitnessException(
          Reason.CONFLICT,
          "witness "
              + key.name()
              + " last cosigned "
              + cp.origin()
              + " at size "
              + lastSize
              + ", not "
              + request.oldSize()
              + (cp.size() < lastSize
                  ? ": the log's checkpoint (size "
                      + cp.size()
                      + ") is behind it, rolled back or forked"
                  : ""),
          "send a consistency proof from size " + lastSize,
          lastSize);
    }
    if (last.isEmpty()) {
      if (!request.proof().isEmpty()) {
        throw bad("a consistency proof from size 0 is empty");
      }
    } else if (cp.size() == lastSize) {
      if (!java.security.MessageDigest.isEqual(cp.root(), last.get().root())) {
        throw new WitnessException(
            Reason.CONFLICT,
            "the checkpoint of "
                + cp.origin()
                + " at size "
                + cp.size()
                + " has another root hash than the one witness "
                + key.name()
                + " cosigned at that size: the log forked",
            "treat the log as compromised: it signed two different trees of one size",
            lastSize);
      }
    } else if (!Merkle.verifyConsistency(
        lastSize, cp.size(), request.proof(), last.get().root(), cp.root())) {
      throw new WitnessException(
          Reason.INCONSISTENT,
          "the checkpoint of "
              + cp.origin()
              + " at size "
              + cp.size()
              + " is not an extension of the one witness "
              + key.name()
              + " cosigned at size "
              + lastSize
              + ": the consistency proof does not verify (a fork, or a log rolled back and"
              + " regrown)",
          "treat the log as compromised, or send the right consistency proof",
          lastSize);
    }
    save(cp);
    return Cosignature.sign(key, Cosignature.text(request.checkpoint()), clock.instant());
  }

  /**
   * What witnessing a log did.
   *
   * @param before the checkpoint the witness had cosigned before (empty: none)
   * @param checkpoint the log's checkpoint, now with this witness's cosignature
   * @param cosignature the cosignature line
   */
  public record Witnessed(Optional<Checkpoint> before, Checkpoint checkpoint, String cosignature) {}

  /**
   * Witnesses a log this process can read directly: builds the {@code add-checkpoint} request from
   * the last checkpoint this witness cosigned of it (the consistency proof comes from the log),
   * cosigns if it holds, and, for a log open to write, adds the cosignature to the log's
   * checkpoint.
   *
   * @throws WitnessException when the log is behind or not an extension of what was cosigned
   */
  public synchronized Witnessed cosign(TransparencyLog log) throws LedgerException {
    Checkpoint cp = log.checkpoint();
    Optional<Checkpoint> before = latest(cp.origin());
    long old = before.map(Checkpoint::size).orElse(0L);
    if (old > cp.size()) {
      throw new WitnessException(
          Reason.CONFLICT,
          log.describe()
              + " is at size "
              + cp.size()
              + ", behind the checkpoint witness "
              + key.name()
              + " cosigned (size "
              + old
              + "): it was rolled back or replaced",
          "restore the log from a backup that holds the cosigned checkpoint",
          old);
    }
    List<byte[]> proof = old == 0 ? List.of() : log.consistencyProof(old, cp.size());
    String line =
        addCheckpoint(new Request(old, proof, cp.signedNote()), List.of(log.verifierKey()));
    Checkpoint after =
        log.readOnly()
            ? new Checkpoint(cp.origin(), cp.size(), cp.root(), cp.signedNote() + line)
            : log.addCosignatures(cp.signedNote() + line);
    return new Witnessed(before, after, line);
  }

  private Path file(String origin) {
    return dir.resolve("logs").resolve(Digest.sha256(origin).hex() + ".checkpoint");
  }

  /** Replaces the log's latest checkpoint, durably (the directory too) before returning. */
  private void save(Checkpoint cp) throws LedgerException {
    Path f = file(cp.origin());
    try {
      AtomicFiles.write(f, cp.signedNote());
      try (FileChannel d = FileChannel.open(f.getParent(), StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException e) {
      throw new LedgerException(
          "cannot save the witness state " + f + ": " + e.getMessage(),
          "free space or fix the directory's permissions; nothing was cosigned",
          e);
    }
  }

  private static final String KEY_HEADER = "cairn-witness-key v1";

  /**
   * Makes a new witness key named {@code name} in {@code file} (mode 0600), refusing to replace
   * one.
   *
   * @throws LedgerException if the file exists or cannot be written
   */
  public static NoteSigner createKey(Path file, String name) throws LedgerException {
    if (Files.exists(file)) {
      throw new LedgerException(
          "the witness key " + file + " already exists", "use it, or name another file");
    }
    NoteSigner k;
    try {
      k = NoteSigner.generate(name);
    } catch (IllegalArgumentException e) {
      throw new LedgerException(
          "not a witness name: " + name,
          "name it like a URL without a scheme, with no spaces or '+' (witness.example.com/w1)");
    }
    String text =
        KEY_HEADER
            + "\n"
            + name
            + "\n"
            + Base64.getEncoder().encodeToString(k.pkcs8())
            + "\n"
            + Base64.getEncoder().encodeToString(k.publicKey())
            + "\n";
    try {
      AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      throw new LedgerException(
          "cannot write the witness key " + file + ": " + e.getMessage(), null, e);
    }
    return k;
  }

  /**
   * Reads a witness key made by {@link #createKey}. A key file that others can read is refused, as
   * ssh refuses one.
   *
   * @throws LedgerException if it is missing, readable by others, or not a witness key
   */
  public static NoteSigner readKey(Path file) throws LedgerException {
    try {
      if (!Files.exists(file)) {
        throw new LedgerException(
            "there is no witness key " + file, "make one with --create-key NAME");
      }
      try {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
            Files.getPosixFilePermissions(file);
        if (perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
            || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
          throw new LedgerException(
              "the witness key " + file + " is readable by others",
              "chmod 600 " + file + " (and make a new key if others may have read it)");
        }
      } catch (UnsupportedOperationException e) {
        // not POSIX: the directory's own permissions apply
      }
      List<String> l = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (l.size() != 4 || !l.get(0).equals(KEY_HEADER)) {
        throw new LedgerException(
            "not a witness key: " + file, "pass the file that --create-key wrote");
      }
      return NoteSigner.of(
          l.get(1), Base64.getDecoder().decode(l.get(2)), Base64.getDecoder().decode(l.get(3)));
    } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
      // the message never quotes the file's contents (a private key)
      throw new LedgerException(
          "cannot read the witness key " + file + " (" + e.getClass().getSimpleName() + ")",
          "pass the file that --create-key wrote",
          e);
    }
  }

  @Override
  public void close() {
    lock.close();
  }

  @Override
  public String toString() {
    return "Witness[" + verifierKey() + " " + dir + "]";
  }
}
