package dev.cairn.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.ledger.internal.EntryStore;
import dev.cairn.ledger.internal.HashTree;
import dev.cairn.ledger.internal.Jackson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The embedded ledger: an append-only transparency log on disk. Entries are RFC 6962 leaves
 * (canonical JSON of {@link LedgerEntry}); every append is fsynced before a new C2SP checkpoint,
 * signed by the log's Ed25519 note key, replaces the old one atomically. A process killed in the
 * middle of an append loses at most that append; reopening recovers.
 */
public final class TransparencyLog implements Ledger {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  /** How long an open waits for another process (or thread) to let go of the log. */
  static final Duration LOCK_WAIT = Duration.ofSeconds(10);

  private final EntryStore store;
  private final HashTree tree;
  private final @Nullable NoteSigner signer;
  private final String verifierKey;
  private final String origin;
  private final Path dir;
  private final Revocations revocations;
  private Checkpoint checkpoint;

  private TransparencyLog(
      Path dir,
      EntryStore store,
      HashTree tree,
      @Nullable NoteSigner signer,
      String verifierKey,
      String origin,
      Revocations revocations,
      Checkpoint cp) {
    this.dir = dir;
    this.revocations = revocations;
    this.store = store;
    this.tree = tree;
    this.signer = signer;
    this.verifierKey = verifierKey;
    this.origin = origin;
    this.checkpoint = cp;
  }

  /**
   * Opens (or creates) the log in {@code dir} to write, recovering from a crash if needed. {@code
   * signer} signs checkpoints; the origin line is {@code cairn.local/log/<key id>}. A log whose
   * entries are ahead of its checkpoint (a crash between the two) gets a new checkpoint signed.
   *
   * @throws LedgerException if the directory is in use, unreadable, or its entries do not match its
   *     own signed checkpoint
   */
  public static TransparencyLog open(Path dir, NoteSigner signer) throws LedgerException {
    return open(dir, signer, LOCK_WAIT);
  }

  static TransparencyLog open(Path dir, NoteSigner signer, Duration lockWait)
      throws LedgerException {
    String origin = originOf(signer.verifierKey());
    HashTree tree = new HashTree();
    Revocations revoked = new Revocations();
    EntryStore store = EntryStore.open(dir, replay(tree, revoked), lockWait);
    try {
      Optional<String> saved = store.readCheckpoint();
      Checkpoint cp =
          saved.isPresent()
              ? check(dir, saved.get(), signer.verifierKey(), origin, tree, revoked)
              : null;
      TransparencyLog log =
          new TransparencyLog(
              dir,
              store,
              tree,
              signer,
              signer.verifierKey(),
              origin,
              revoked,
              cp == null ? sign(signer, origin, tree, revoked) : cp);
      if (cp == null || cp.size() < tree.size() || cp.revocations().isEmpty()) {
        // entries fsynced before a crash, but not yet checkpointed: commit them now (and a
        // checkpoint signed by an older Cairn gets the revocation map it lacks)
        log.checkpoint = sign(signer, origin, tree, revoked);
        store.writeCheckpoint(log.checkpoint.signedNote());
      }
      return log;
    } catch (LedgerException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Opens an existing log only to read, with a shared lock, so that any number of readers work at
   * once: nothing is created, signed, truncated or written. The log's own signed checkpoint must be
   * there and verify with {@code verifierKey}; entries after it (a crash between an append and its
   * checkpoint, or an append under way) are not covered by it, and proofs are against it.
   *
   * @throws LedgerException if there is no log, no checkpoint, or its entries do not match it
   */
  public static TransparencyLog openReadOnly(Path dir, String verifierKey) throws LedgerException {
    return openReadOnly(dir, verifierKey, LOCK_WAIT);
  }

  static TransparencyLog openReadOnly(Path dir, String verifierKey, Duration lockWait)
      throws LedgerException {
    String origin = originOf(verifierKey);
    HashTree tree = new HashTree();
    Revocations revoked = new Revocations();
    EntryStore store = EntryStore.openReadOnly(dir, replay(tree, revoked), lockWait);
    try {
      Optional<String> saved = store.readCheckpoint();
      if (saved.isEmpty()) {
        throw new LedgerException(
            "the log in "
                + dir
                + " has no signed checkpoint"
                + (tree.size() > 0 ? " for its " + tree.size() + " entries" : "")
                + " (removed?)",
            "restore the log directory from a backup");
      }
      Checkpoint cp = check(dir, saved.get(), verifierKey, origin, tree, revoked);
      return new TransparencyLog(dir, store, tree, null, verifierKey, origin, revoked, cp);
    } catch (LedgerException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** The origin line of the log whose checkpoints {@code verifierKey} verifies. */
  static String originOf(String verifierKey) {
    String[] parts = verifierKey.split("\\+", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a note verifier key: " + verifierKey);
    }
    return "cairn.local/log/" + parts[1];
  }

  /** The saved checkpoint, verified against the key and the entries on disk. */
  private static Checkpoint check(
      Path dir, String saved, String verifierKey, String origin, HashTree tree, Revocations revoked)
      throws LedgerException {
    NoteSigner.verify(saved, verifierKey);
    Checkpoint cp = Checkpoint.parse(saved);
    if (!cp.origin().equals(origin)) {
      throw new LedgerException(
          "log in " + dir + " belongs to " + cp.origin() + ", not " + origin,
          "open it with its own key");
    }
    if (cp.size() > tree.size()) {
      throw new LedgerException(
          "log in "
              + dir
              + " is corrupt: its checkpoint covers "
              + cp.size()
              + " entries but "
              + tree.size()
              + " are on disk",
          "restore the log directory from a backup");
    }
    if (!java.security.MessageDigest.isEqual(cp.root(), tree.root(cp.size()))) {
      throw new LedgerException(
          "log in " + dir + " is corrupt: its entries do not match its signed checkpoint",
          "restore the log directory from a backup");
    }
    Optional<Checkpoint.Revocations> said = cp.revocations();
    if (said.isPresent() && !said.get().equals(revoked.at(cp.size()))) {
      // anyone who holds the entries can recompute the map: a log whose checkpoint commits to
      // another one hides (or invents) a revocation
      throw new LedgerException(
          "log in "
              + dir
              + " is corrupt: its signed checkpoint commits to another revocation map than its"
              + " entries make ("
              + said.get().count()
              + " revoked, the entries revoke "
              + revoked.at(cp.size()).count()
              + ")",
          "restore the log directory from a backup");
    }
    return cp;
  }

  private static EntryStore.RecordListener replay(HashTree tree, Revocations revoked) {
    return (index, data) -> {
      tree.append(Merkle.leafHash(data));
      revoked.record(index, data);
    };
  }

  private static Checkpoint sign(
      NoteSigner signer, String origin, HashTree tree, Revocations revoked) {
    byte[] root = tree.root(tree.size());
    String note = signer.sign(Checkpoint.body(origin, tree.size(), root, revoked.at(tree.size())));
    return new Checkpoint(origin, tree.size(), root, note);
  }

  /**
   * The certificates revoked by the log's entries, in order, and the sparse Merkle tree of those
   * revoked by the first n entries (for the checkpoint of size n).
   */
  private static final class Revocations {
    private static final byte[] REVOKED_TAIL =
        "\"type\":\"revoked\"}".getBytes(StandardCharsets.UTF_8);

    /** Index of the entry, certificate digest, leaf hash of the entry; in index order. */
    private final List<Object[]> revoked = new ArrayList<>();

    private SparseMerkle.@Nullable Map32 cached;
    private long cachedSize = -1;

    synchronized void record(long index, byte[] data) throws LedgerException {
      // canonical JSON sorts keys, so "type" comes last: only a revocation ends so
      if (!endsWith(data, REVOKED_TAIL)) {
        return;
      }
      LedgerEntry e = parse(data);
      if (e instanceof LedgerEntry.Revoked r) {
        revoked.add(new Object[] {index, r.certificate().bytes(), Merkle.leafHash(data)});
        cached = null;
      }
    }

    synchronized SparseMerkle.Map32 map(long size) {
      SparseMerkle.Map32 m = cached;
      if (m != null && cachedSize == size) {
        return m;
      }
      m = new SparseMerkle.Map32();
      for (Object[] r : revoked) {
        if ((long) r[0] < size) {
          m.putIfAbsent((byte[]) r[1], (byte[]) r[2]);
        }
      }
      cached = m;
      cachedSize = size;
      return m;
    }

    Checkpoint.Revocations at(long size) {
      SparseMerkle.Map32 m = map(size);
      return new Checkpoint.Revocations(m.size(), m.root());
    }

    private static boolean endsWith(byte[] data, byte[] tail) {
      if (data.length < tail.length) {
        return false;
      }
      for (int i = 0; i < tail.length; i++) {
        if (data[data.length - tail.length + i] != tail[i]) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * The proof, against the current checkpoint, that {@code certificate} is not revoked (or, if it
   * is, of its revocation), for a certificate bundle to carry: then a verifier needs no log.
   *
   * @param consistencyFrom also prove the current checkpoint consistent with the tree of this size
   *     (the checkpoint a verifier's trust root pins), or -1 for no such proof
   * @throws LedgerException if the current checkpoint commits to no revocation map (a log opened
   *     only to read, whose checkpoint an older Cairn signed)
   */
  public synchronized RevocationProof revocationProof(Digest certificate, long consistencyFrom)
      throws LedgerException {
    if (checkpoint.revocations().isEmpty()) {
      throw new LedgerException(
          describe()
              + "'s checkpoint (size "
              + checkpoint.size()
              + ") commits to no revocation map: an older Cairn signed it",
          "certify, revoke or witness once with this Cairn: the log's next checkpoint commits to"
              + " one");
    }
    if (consistencyFrom > checkpoint.size()) {
      throw new LedgerException(
          describe()
              + " is at size "
              + checkpoint.size()
              + ", behind the checkpoint to prove it consistent with (size "
              + consistencyFrom
              + ")",
          "restore the log from a backup that holds that checkpoint");
    }
    SparseMerkle.Proof p = revocations.map(checkpoint.size()).proof(certificate.bytes());
    byte[] entry = null;
    if (!p.absent()) {
      Optional<Long> i = indexOf(certificate, LedgerEntry.Revoked.class);
      if (i.isPresent() && i.get() < checkpoint.size()) {
        entry = store.read(i.get());
      }
    }
    return new RevocationProof(
        checkpoint.signedNote(),
        certificate,
        entry,
        p,
        consistencyFrom < 0 || consistencyFrom == checkpoint.size() ? -1 : consistencyFrom,
        consistencyFrom < 0 || consistencyFrom == checkpoint.size()
            ? List.of()
            : tree.consistencyProof(consistencyFrom, checkpoint.size()));
  }

  /**
   * Adds the signatures of {@code cosignedNote} that the current checkpoint lacks (a witness's
   * cosignatures) to it, and saves it: {@code cosignedNote} must be the current checkpoint's text.
   * A later append signs a new checkpoint, which needs cosigning again.
   *
   * @throws LedgerException if the note is not of the current checkpoint, or the log was opened
   *     only to read
   */
  public synchronized Checkpoint addCosignatures(String cosignedNote) throws LedgerException {
    writer();
    int sep = cosignedNote.indexOf("\n\n");
    if (sep < 0 || !cosignedNote.substring(0, sep + 1).equals(checkpoint.text())) {
      throw new LedgerException(
          "the cosigned checkpoint is not "
              + describe()
              + "'s current one (size "
              + checkpoint.size()
              + ")",
          "cosign the log's current checkpoint");
    }
    StringBuilder note = new StringBuilder(checkpoint.signedNote());
    java.util.Set<String> have =
        new java.util.HashSet<>(checkpoint.signedNote().substring(sep + 2).lines().toList());
    for (String line : cosignedNote.substring(sep + 2).lines().toList()) {
      if (line.startsWith("\u2014 ") && have.add(line)) {
        note.append(line).append('\n');
      }
    }
    Checkpoint next = new Checkpoint(origin, checkpoint.size(), checkpoint.root(), note.toString());
    if (!next.equals(checkpoint)) {
      store.writeCheckpoint(next.signedNote());
      checkpoint = next;
    }
    return checkpoint;
  }

  /** Whether this log was opened only to read. */
  public boolean readOnly() {
    return signer == null;
  }

  private NoteSigner writer() throws LedgerException {
    NoteSigner s = signer;
    if (s == null) {
      throw new LedgerException(describe() + " was opened only to read", null);
    }
    return s;
  }

  @Override
  public String describe() {
    return "embedded transparency log " + dir;
  }

  public String origin() {
    return origin;
  }

  /** The key that verifies this log's checkpoints ({@code name+hash+key}). */
  @Override
  public synchronized Optional<String> signedCheckpoint() {
    return Optional.of(checkpoint.signedNote());
  }

  @Override
  public Optional<String> checkpointKey() {
    return Optional.of(verifierKey());
  }

  public String verifierKey() {
    return verifierKey;
  }

  public synchronized Checkpoint checkpoint() {
    return checkpoint;
  }

  @Override
  public java.util.OptionalLong entryCount() {
    return java.util.OptionalLong.of(size());
  }

  @Override
  public java.util.OptionalLong indexOf(Digest certificate) throws LedgerException {
    Optional<Long> i = indexOfCertificate(certificate);
    return i.isPresent() ? java.util.OptionalLong.of(i.get()) : java.util.OptionalLong.empty();
  }

  @Override
  public synchronized List<Digest> clustersStartingWith(String hexPrefix) throws LedgerException {
    java.util.TreeSet<Digest> matches =
        new java.util.TreeSet<>(java.util.Comparator.comparing(Digest::toString));
    for (long i = 0; i < size(); i++) {
      if (entry(i) instanceof LedgerEntry.Issued is && is.cluster().hex().startsWith(hexPrefix)) {
        matches.add(is.cluster());
      }
    }
    return List.copyOf(matches);
  }

  public synchronized long size() {
    return tree.size();
  }

  /** The stored bytes of entry {@code index} (the leaf data). */
  public synchronized byte[] entryBytes(long index) throws LedgerException {
    return store.read(index);
  }

  public synchronized LedgerEntry entry(long index) throws LedgerException {
    return parse(store.read(index));
  }

  public synchronized List<byte[]> inclusionProof(long index, long size) {
    return tree.inclusionProof(index, size);
  }

  @Override
  public synchronized List<byte[]> consistencyProof(long size1, long size2) {
    return tree.consistencyProof(size1, size2);
  }

  /** The root hash of the first {@code size} entries (what an older checkpoint signed). */
  public synchronized byte[] rootAt(long size) {
    return tree.root(size);
  }

  /** A receipt for entry {@code index} against the current checkpoint. */
  public synchronized Receipt receipt(long index) {
    return new Receipt(index, checkpoint, tree.inclusionProof(index, checkpoint.size()));
  }

  public static byte[] bytes(LedgerEntry e) {
    return Json.canonical(e.toMap()).getBytes(StandardCharsets.UTF_8);
  }

  static LedgerEntry parse(byte[] b) throws LedgerException {
    try {
      return LedgerEntry.fromMap(JSON.readValue(b, Map.class));
    } catch (IOException | IllegalArgumentException | java.time.DateTimeException e) {
      throw new LedgerException("unreadable ledger entry: " + e.getMessage(), null, e);
    }
  }

  static long key(Digest d) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(d.hex().substring(0, 16))).getLong();
  }

  @Override
  public synchronized Receipt issue(LedgerEntry.Issued entry) throws LedgerException {
    writer();
    Optional<Long> existing = indexOfIssued(entry.certificate());
    if (existing.isPresent()) {
      if (!entry(existing.get()).equals(entry)) {
        throw new LedgerException(
            "certificate " + entry.certificate() + " is already in the log with different content",
            null);
      }
      return receipt(existing.get());
    }
    return appendAll(List.of(entry)).get(0);
  }

  @Override
  public synchronized Receipt revoke(LedgerEntry.Revoked entry) throws LedgerException {
    writer();
    if (indexOfIssued(entry.certificate()).isEmpty()) {
      throw new LedgerException(
          "no certificate " + entry.certificate() + " in " + describe(),
          "check the certificate digest");
    }
    Optional<Long> existing = indexOf(entry.certificate(), LedgerEntry.Revoked.class);
    if (existing.isPresent()) {
      return receipt(existing.get());
    }
    return appendAll(List.of(entry)).get(0);
  }

  /**
   * Appends entries as one durable batch (one fsync, one checkpoint). No deduplication: use {@link
   * #issue} and {@link #revoke} for that.
   */
  public synchronized List<Receipt> appendAll(List<? extends LedgerEntry> entries)
      throws LedgerException {
    NoteSigner w = writer();
    List<byte[]> data = new ArrayList<>(entries.size());
    for (LedgerEntry e : entries) {
      data.add(bytes(e));
    }
    long first =
        store.appendAll(
            data,
            entries.stream().map(e -> key(e.certificate())).toList(),
            entries.stream()
                .map(
                    e ->
                        e instanceof LedgerEntry.Issued i
                            ? key(i.cluster())
                            : EntryStore.NO_CLUSTER)
                .toList());
    for (int i = 0; i < data.size(); i++) {
      tree.append(Merkle.leafHash(data.get(i)));
      revocations.record(first + i, data.get(i));
    }
    Checkpoint next = sign(w, origin, tree, revocations);
    store.writeCheckpoint(next.signedNote());
    checkpoint = next;
    List<Receipt> out = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      out.add(receipt(first + i));
    }
    return out;
  }

  private Optional<Long> indexOfIssued(Digest certificate) throws LedgerException {
    return indexOf(certificate, LedgerEntry.Issued.class);
  }

  private Optional<Long> indexOf(Digest certificate, Class<? extends LedgerEntry> type)
      throws LedgerException {
    for (long i : store.byCertificate(key(certificate))) {
      LedgerEntry e = entry(i);
      if (type.isInstance(e) && e.certificate().equals(certificate)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /** The index of a certificate's issue entry, if present. */
  public synchronized Optional<Long> indexOfCertificate(Digest certificate) throws LedgerException {
    return indexOfIssued(certificate);
  }

  /** The index of a certificate's revocation entry, if present. */
  public synchronized Optional<Long> indexOfRevocation(Digest certificate) throws LedgerException {
    return indexOf(certificate, LedgerEntry.Revoked.class);
  }

  @Override
  public synchronized Optional<LedgerEntry.Issued> find(Digest certificate) throws LedgerException {
    Optional<Long> i = indexOfIssued(certificate);
    return i.isEmpty() ? Optional.empty() : Optional.of((LedgerEntry.Issued) entry(i.get()));
  }

  @Override
  public synchronized Optional<LedgerEntry.Revoked> revocation(Digest certificate)
      throws LedgerException {
    Optional<Long> i = indexOf(certificate, LedgerEntry.Revoked.class);
    return i.isEmpty() ? Optional.empty() : Optional.of((LedgerEntry.Revoked) entry(i.get()));
  }

  @Override
  public synchronized List<LedgerEntry.Issued> history(Digest cluster) throws LedgerException {
    List<LedgerEntry.Issued> out = new ArrayList<>();
    for (long i : store.byCluster(key(cluster))) {
      if (entry(i) instanceof LedgerEntry.Issued is && is.cluster().equals(cluster)) {
        out.add(is);
      }
    }
    return out;
  }

  @Override
  public synchronized void close() {
    store.close();
  }
}
