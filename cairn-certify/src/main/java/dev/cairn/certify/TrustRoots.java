package dev.cairn.certify;

import dev.cairn.certify.internal.TrustStore;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.TrustRoot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A verifier's own settings in a trust root (docs/trust-root.md): whether it accepts certificates
 * made from a snapshot, and the checkpoint of the embedded log it pins. The pin moves only through
 * commands that write (certify, revoke, and {@link #refresh}), each after a consistency proof from
 * the pinned checkpoint; never through a verification.
 */
public final class TrustRoots {
  private final CairnHome home;

  private TrustRoots(CairnHome home) {
    this.home = home;
  }

  public static TrustRoots create(CairnHome home) {
    return new TrustRoots(home);
  }

  /**
   * The snapshot setting of a trust root after a change.
   *
   * @param changed false when it already was so
   */
  public record SnapshotSetting(Path trustRoot, boolean accepted, boolean changed) {}

  /**
   * Makes the trust root in {@code file} (null: the one in Cairn's home) accept or refuse
   * certificates made from a snapshot, whose cluster identity is only claimed.
   */
  public SnapshotSetting acceptSnapshots(@Nullable Path file, boolean accept)
      throws CertifyException {
    Path f = file != null ? file : home.trustRoot();
    TrustRoot t = read(f);
    if (t.acceptsSnapshots() == accept) {
      return new SnapshotSetting(f, accept, false);
    }
    write(f, t.withSnapshotsAccepted(accept));
    return new SnapshotSetting(f, accept, true);
  }

  /**
   * What a refresh pinned.
   *
   * @param log the log, for people
   * @param before the checkpoint pinned before (empty: none)
   * @param after the checkpoint pinned now
   */
  public record Refreshed(
      Path trustRoot, String log, Optional<Checkpoint> before, Checkpoint after) {}

  /**
   * Moves the trust root's pin of the embedded log to the log's current checkpoint, after checking
   * that it extends the pinned one (a consistency proof); the log is only read.
   *
   * @throws CertifyException when the log is missing, unreadable, or rolled back behind the pin
   */
  public Refreshed refresh(@Nullable Path file) throws CertifyException {
    Path f = file != null ? file : home.trustRoot();
    TrustRoot t = read(f);
    try {
      if (!Ledgers.exists(Ledgers.EMBEDDED, LedgerOptions.reading(home))) {
        throw new CertifyException(
            CertifyException.Reason.LEDGER,
            "there is no embedded log in "
                + home.ledger()
                + (t.checkpoints().isEmpty()
                    ? ""
                    : ", but the trust root pins its checkpoint at size "
                        + t.checkpoints().get(0).size()
                        + ": it was removed"),
            "restore the log directory from a backup");
      }
      try (Ledger log = Ledgers.open(Ledgers.EMBEDDED, LedgerOptions.reading(home))) {
        Checkpoint now = Checkpoint.parse(log.signedCheckpoint().orElseThrow());
        Optional<Checkpoint> before = t.pinnedCheckpoint(now.origin());
        TrustRoot next = t.withCheckpointOf(log);
        if (!next.equals(t)) {
          write(f, next);
        }
        return new Refreshed(f, log.describe(), before, now);
      }
    } catch (LedgerException e) {
      throw Certifier.ledgerError(e);
    }
  }

  /**
   * The witness settings of a trust root after a change.
   *
   * @param witnesses the verifier keys of the witnesses it trusts now
   * @param required how many of them must cosign
   */
  public record WitnessSetting(Path trustRoot, List<String> witnesses, int required) {}

  /**
   * Makes the trust root in {@code file} (null: Cairn's home's) trust the witness whose cosignature
   * verifier key is {@code verifierKey} from {@code now}.
   *
   * @throws CertifyException if it is not a witness verifier key
   */
  public WitnessSetting addWitness(@Nullable Path file, String verifierKey, Instant now)
      throws CertifyException {
    Path f = file != null ? file : home.trustRoot();
    TrustRoot t = read(f);
    TrustRoot next;
    try {
      next = t.withWitness(verifierKey.strip(), now);
    } catch (IllegalArgumentException e) {
      throw new CertifyException(
          CertifyException.Reason.INPUT,
          String.valueOf(e.getMessage()),
          "pass the verifier key cairn ledger witness prints (name+hash+key)");
    }
    if (!next.equals(t)) {
      write(f, next);
    }
    return witnesses(f, next);
  }

  /**
   * Makes the trust root in {@code file} demand {@code n} cosignatures by the witnesses it trusts
   * on the checkpoint a verification relies on for revocation.
   *
   * @throws CertifyException if {@code n} is negative or more than the witnesses it trusts now
   */
  public WitnessSetting requireWitnesses(@Nullable Path file, int n) throws CertifyException {
    Path f = file != null ? file : home.trustRoot();
    TrustRoot t = read(f);
    int trusted = t.current(TrustRoot.WitnessKey.class).size();
    if (n < 0 || n > trusted) {
      throw new CertifyException(
          CertifyException.Reason.INPUT,
          "cannot require "
              + n
              + " witness cosignatures: the trust root "
              + f
              + " trusts "
              + trusted
              + " witness"
              + (trusted == 1 ? "" : "es"),
          "add the witnesses first (cairn trust add-witness KEY), or require at most " + trusted);
    }
    TrustRoot next = t.withRequiredWitnesses(n);
    if (!next.equals(t)) {
      write(f, next);
    }
    return witnesses(f, next);
  }

  /**
   * The builder settings of a trust root after a change.
   *
   * @param builderKeys the key ids ({@code sha256:} of the SubjectPublicKeyInfo) of the builder
   *     keys it trusts now
   * @param acceptsUnattested whether it accepts provenance from builders that name no measurement
   * @param changed false when it already was so
   */
  public record BuilderSetting(
      Path trustRoot, List<String> builderKeys, boolean acceptsUnattested, boolean changed) {}

  /**
   * Makes the trust root in {@code file} (null: Cairn's home's; made if there is none) trust the
   * builder key {@code spki} (an ECDSA P-256 SubjectPublicKeyInfo) for builds that finished from
   * {@code from} on (a key already trusted from later is trusted from {@code from}): a plain
   * builder's key, whose provenance names no measurement, so that it verifies only where the trust
   * root also accepts unattested builders ({@link #acceptUnattestedBuilders}).
   *
   * @throws CertifyException if it is not an ECDSA P-256 key, or was retired after {@code from}
   */
  public BuilderSetting addBuilderKey(@Nullable Path file, byte[] spki, Instant from)
      throws CertifyException {
    Path f = file != null ? file : home.trustRoot();
    TrustRoot t = readOrEmpty(f);
    TrustRoot next;
    try {
      next = t.withTrusted(new TrustRoot.BuilderKey(spki), from);
    } catch (IllegalArgumentException e) {
      throw new CertifyException(
          CertifyException.Reason.INPUT,
          String.valueOf(e.getMessage()),
          "give the PEM public key of the builder's ECDSA P-256 key pair (cosign.pub), trusted"
              + " from a time after its last retirement");
    }
    boolean changed = !next.equals(t) || !java.nio.file.Files.exists(f);
    if (changed) {
      write(f, next);
    }
    return builders(f, next, changed);
  }

  /**
   * Makes the trust root in {@code file} (null: Cairn's home's; made if there is none) accept or
   * refuse image provenance from builders that name no measurement: their keys are held outside any
   * TEE, so whoever holds one can sign what they like.
   */
  public BuilderSetting acceptUnattestedBuilders(@Nullable Path file, boolean accept)
      throws CertifyException {
    Path f = file != null ? file : home.trustRoot();
    TrustRoot t = readOrEmpty(f);
    boolean changed = t.acceptsUnattestedBuilders() != accept || !java.nio.file.Files.exists(f);
    TrustRoot next = t.withUnattestedBuildersAccepted(accept);
    if (changed) {
      write(f, next);
    }
    return builders(f, next, changed);
  }

  private static BuilderSetting builders(Path f, TrustRoot t, boolean changed) {
    return new BuilderSetting(
        f,
        t.current(TrustRoot.BuilderKey.class).stream().map(TrustRoot.BuilderKey::keyId).toList(),
        t.acceptsUnattestedBuilders(),
        changed);
  }

  private static TrustRoot readOrEmpty(Path f) throws CertifyException {
    try {
      return TrustStore.read(f).orElse(TrustRoot.empty());
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.INPUT, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
    }
  }

  private static WitnessSetting witnesses(Path f, TrustRoot t) {
    return new WitnessSetting(
        f,
        t.current(TrustRoot.WitnessKey.class).stream()
            .map(TrustRoot.WitnessKey::verifierKey)
            .toList(),
        t.requiredWitnesses());
  }

  private static TrustRoot read(Path f) throws CertifyException {
    try {
      return TrustStore.read(f)
          .orElseThrow(
              () ->
                  new CertifyException(
                      CertifyException.Reason.INPUT,
                      "there is no trust root " + f,
                      "certify first (it writes the trust root), or name the trust root's file"));
    } catch (CertifyException e) {
      throw e;
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.INPUT, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
    }
  }

  private static void write(Path f, TrustRoot t) throws CertifyException {
    try {
      TrustStore.write(f, t);
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.STATE, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
    }
  }
}
