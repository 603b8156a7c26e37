package dev.cairn.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A transparency log checkpoint in the C2SP tlog-checkpoint format: origin, tree size and root
 * hash, each on its own line, as the body of a signed note.
 *
 * @param origin unique name of the log
 * @param size number of entries
 * @param root Merkle tree hash of those entries
 * @param signedNote the whole signed note (body, blank line, signature lines)
 */
public record Checkpoint(String origin, long size, byte[] root, String signedNote) {
  public Checkpoint {
    root = root.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  @Override
  public boolean equals(@org.jspecify.annotations.Nullable Object o) {
    return o instanceof Checkpoint c
        && origin.equals(c.origin)
        && size == c.size
        && java.util.Arrays.equals(root, c.root)
        && signedNote.equals(c.signedNote);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(origin, size, java.util.Arrays.hashCode(root), signedNote);
  }

  @Override
  public String toString() {
    return "Checkpoint["
        + origin
        + " "
        + size
        + " "
        + Base64.getEncoder().encodeToString(root)
        + "]";
  }

  /** The note body: {@code origin\nsize\nbase64(root)\n}. */
  public static String body(String origin, long size, byte[] root) {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
  }

  public String body() {
    return body(origin, size, root);
  }

  /** The prefix of the extension line by which a checkpoint commits to its revocation map. */
  public static final String REVOCATIONS = "revocations ";

  /**
   * The note body with Cairn's one extension line, {@code revocations <count> <base64(map root)>}:
   * the root of the sparse Merkle tree ({@link SparseMerkle}) of the certificates revoked by the
   * first {@code size} entries.
   */
  public static String body(String origin, long size, byte[] root, Revocations revocations) {
    return body(origin, size, root)
        + REVOCATIONS
        + revocations.count()
        + " "
        + Base64.getEncoder().encodeToString(revocations.root())
        + "\n";
  }

  /**
   * What a checkpoint says of its log's revoked certificates.
   *
   * @param count how many certificates are revoked
   * @param root the root of their sparse Merkle tree, keyed by certificate digest
   */
  public record Revocations(long count, byte[] root) {
    public Revocations {
      if (count < 0 || root.length != Merkle.HASH) {
        throw new IllegalArgumentException("a revocation map has a count and a 32-byte root");
      }
      root = root.clone();
    }

    @Override
    public byte[] root() {
      return root.clone();
    }

    @Override
    public boolean equals(@org.jspecify.annotations.Nullable Object o) {
      return o instanceof Revocations r
          && count == r.count
          && java.util.Arrays.equals(root, r.root);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(root);
    }

    @Override
    public String toString() {
      return "Revocations[" + count + " " + Base64.getEncoder().encodeToString(root) + "]";
    }
  }

  /** The signed text of the note: everything before the blank line, with its final newline. */
  public String text() {
    int sep = signedNote.indexOf("\n\n");
    return signedNote.substring(0, sep + 1);
  }

  /**
   * The revocation map this checkpoint commits to (its {@code revocations} extension line); empty
   * for a checkpoint without one (signed by an older Cairn).
   *
   * @throws LedgerException if the line is there but malformed
   */
  public java.util.Optional<Revocations> revocations() throws LedgerException {
    List<String> lines = text().lines().toList();
    for (int i = 3; i < lines.size(); i++) {
      String l = lines.get(i);
      if (!l.startsWith(REVOCATIONS)) {
        continue;
      }
      String[] p = l.substring(REVOCATIONS.length()).split(" ", -1);
      try {
        if (p.length != 2) {
          throw new IllegalArgumentException("want count and root");
        }
        return java.util.Optional.of(
            new Revocations(Long.parseLong(p[0]), Base64.getDecoder().decode(p[1])));
      } catch (IllegalArgumentException e) {
        throw new LedgerException(
            "checkpoint of " + origin + " at size " + size + " has a malformed revocations line",
            null,
            e);
      }
    }
    return java.util.Optional.empty();
  }

  /** Parses the body of a checkpoint (extension lines after the root are allowed and ignored). */
  public static Checkpoint parse(String signedNote) throws LedgerException {
    int sep = signedNote.indexOf("\n\n");
    if (sep < 0) {
      throw new LedgerException(
          "checkpoint is not a signed note (no blank line before signatures)", null);
    }
    List<String> lines = signedNote.substring(0, sep + 1).lines().toList();
    if (lines.size() < 3) {
      throw new LedgerException("checkpoint body needs origin, size and root hash lines", null);
    }
    try {
      long size = Long.parseLong(lines.get(1));
      byte[] root = Base64.getDecoder().decode(lines.get(2));
      if (size < 0 || root.length != Merkle.HASH) {
        throw new IllegalArgumentException("bad size or root");
      }
      return new Checkpoint(lines.get(0), size, root, signedNote);
    } catch (IllegalArgumentException e) {
      throw new LedgerException("checkpoint has a malformed size or root hash line", null, e);
    }
  }

  /** The signed note's text as bytes, as signed. */
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
