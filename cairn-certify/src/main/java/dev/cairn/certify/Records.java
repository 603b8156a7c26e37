package dev.cairn.certify;

import dev.cairn.certify.internal.TrustStore;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import dev.cairn.ledger.Certificate;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.LedgerReceipt;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.NoteSigner;
import dev.cairn.ledger.RevocationProof;
import dev.cairn.ledger.TransparencyLog;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.ledger.Witness;
import dev.cairn.ledger.WitnessException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/** A ledger's records: revoking a certificate, and a cluster's history. */
public final class Records {
  private final CairnHome home;
  private final Clock clock;

  private Records(CairnHome home, Clock clock) {
    this.home = home;
    this.clock = clock;
  }

  public static Records create(CairnHome home, Clock clock) {
    return new Records(home, clock);
  }

  /** The key a ledger needs to accept a revocation, asked for only if it needs one. */
  @FunctionalInterface
  public interface KeySource {
    Secret key() throws CairnException;
  }

  /** What a revocation recorded. */
  public record Revoked(Digest certificate, String ledger, LedgerReceipt receipt) {}

  /**
   * Revokes {@code bundle}'s certificate on {@code ledger} (null: where it was recorded: the
   * embedded log, or the chain the trust root pins, never an endpoint the certificate file names).
   * On the embedded log the log must extend the checkpoint the home's trust root pins, and the pin
   * then moves to the checkpoint that covers the revocation.
   */
  public Revoked revoke(
      CertificateBundle bundle, String reason, @Nullable URI ledger, KeySource adminKey)
      throws CertifyException {
    Digest d = bundle.envelope().digest();
    TrustRoot trust;
    try {
      trust = TrustStore.read(home.trustRoot()).orElse(null);
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.STATE, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
    }
    List<TrustRoot.LedgerPin> pins =
        trust == null ? List.of() : trust.current(TrustRoot.LedgerPin.class);
    TrustRoot.LedgerPin pin = pins.isEmpty() ? null : pins.get(pins.size() - 1);
    String pinned = pin == null ? "" : pin.registry();
    ChainReceipt recorded = bundle.chain();
    if (recorded != null && ledger == null && pinned.isEmpty()) {
      throw new CertifyException(
          CertifyException.Reason.INPUT,
          "the certificate is recorded on a chain and no registry is pinned in the trust root",
          "name the registry it is recorded on");
    }
    try {
      URI where =
          ledger != null ? ledger : recorded != null ? Ledgers.parse(pinned) : Ledgers.EMBEDDED;
      LedgerOptions options = LedgerOptions.writing(home);
      if (Ledgers.needsSigner(where)) {
        Long chainId = null;
        if (pin != null && where.toString().equals(pinned) && pin.chainId() != 0) {
          chainId = pin.chainId();
        } else if (recorded != null) {
          chainId = recorded.chainId();
        }
        Secret key = adminKey.key();
        options = options.withSigner(key).withExpectedChainId(chainId);
      }
      try (Ledger l = Ledgers.open(where, options)) {
        if (trust != null) {
          // never append to a log rolled back behind what the trust root has seen of it
          trust.requireConsistent(l);
        }
        LedgerReceipt r = l.revoke(new LedgerEntry.Revoked(d, reason, clock.instant()));
        if (trust != null && l.signedCheckpoint().isPresent()) {
          // the pin moves to the checkpoint that covers the revocation: rolling the log back
          // behind it, to undo the revocation, is then caught by every verification
          TrustRoot t = TrustStore.read(home.trustRoot()).orElse(trust);
          TrustStore.write(home.trustRoot(), t.withCheckpointOf(l));
        }
        return new Revoked(d, l.describe(), r);
      }
    } catch (CertifyException e) {
      throw e;
    } catch (LedgerException e) {
      throw Certifier.ledgerError(e);
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.INPUT, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
    }
  }

  /**
   * A certificate with a fresh revocation proof.
   *
   * @param bundle the certificate carrying it
   * @param checkpoint the checkpoint it is against (the embedded log's current one)
   * @param revoked whether it proves the certificate revoked
   * @param consistencyFrom the pinned size it carries a consistency proof from, or -1
   */
  public record Proven(
      CertificateBundle bundle, Checkpoint checkpoint, boolean revoked, long consistencyFrom) {}

  /**
   * Gives {@code bundle} a proof, against the embedded log's current checkpoint, that it is not
   * revoked (or that it is): the proof a verification without the log checks. When the trust root
   * in {@code trustFile} (null: the home's) pins an older checkpoint of the log, the proof also
   * carries a consistency proof from it, so that a verifier holding that root accepts it. The log
   * is only read.
   *
   * @throws CertifyException if the certificate is not on the embedded log, the log is missing, or
   *     it is behind the pin
   */
  public Proven prove(CertificateBundle bundle, @Nullable Path trustFile) throws CertifyException {
    if (bundle.chain() != null) {
      throw new CertifyException(
          CertifyException.Reason.INPUT,
          "the certificate is recorded on " + bundle.ledger() + ", not on the embedded log",
          "verify it against its chain: a chain record needs no revocation proof");
    }
    Path f = trustFile != null ? trustFile : home.trustRoot();
    TrustRoot trust;
    try {
      trust = TrustStore.read(f).orElse(TrustRoot.empty());
      if (!Ledgers.exists(Ledgers.EMBEDDED, LedgerOptions.reading(home))) {
        throw new CertifyException(
            CertifyException.Reason.LEDGER,
            "there is no embedded log in " + home.ledger() + " to prove revocations from",
            "run this where the certificate's log is");
      }
      try (Ledger l = Ledgers.open(Ledgers.EMBEDDED, LedgerOptions.reading(home))) {
        TransparencyLog log = (TransparencyLog) l;
        trust.requireConsistent(log);
        if (log.indexOfCertificate(bundle.envelope().digest()).isEmpty()) {
          throw new CertifyException(
              CertifyException.Reason.INPUT,
              "certificate " + bundle.envelope().digest() + " is not in " + log.describe(),
              "run this where the certificate's log is");
        }
        long from = trust.pinnedCheckpoint(log.origin()).map(Checkpoint::size).orElse(-1L);
        RevocationProof p = log.revocationProof(bundle.envelope().digest(), from);
        return new Proven(
            bundle.withRevocationProof(p),
            log.checkpoint(),
            p.revocation() != null,
            p.consistencyFrom());
      }
    } catch (CertifyException e) {
      throw e;
    } catch (LedgerException e) {
      throw Certifier.ledgerError(e);
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.INPUT, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
    }
  }

  /**
   * Witnesses the embedded log in Cairn's home with {@code key} (state in {@code stateDir}):
   * cosigns its current checkpoint if it extends the last one this witness cosigned, and adds the
   * cosignature to the log's checkpoint (so the log is opened to write).
   *
   * @throws CertifyException when there is no log, or the witness refuses (a fork or a rollback:
   *     {@link CertifyException.Reason#INTEGRITY})
   */
  public Witness.Witnessed witness(Path stateDir, NoteSigner key) throws CertifyException {
    try {
      if (!Ledgers.exists(Ledgers.EMBEDDED, LedgerOptions.reading(home))) {
        throw new CertifyException(
            CertifyException.Reason.LEDGER,
            "there is no embedded log in " + home.ledger() + " to witness",
            "run this in the home whose log to witness (--home or CAIRN_HOME)");
      }
      try (Ledger l = Ledgers.open(Ledgers.EMBEDDED, LedgerOptions.writing(home));
          Witness w = Witness.open(stateDir, key, clock)) {
        return w.cosign((TransparencyLog) l);
      }
    } catch (WitnessException e) {
      throw new CertifyException(
          CertifyException.Reason.INTEGRITY,
          "witness " + key.name() + " refuses: " + e.getMessage(),
          e.hint().orElse(null),
          e);
    } catch (LedgerException e) {
      throw Certifier.ledgerError(e);
    }
  }

  /** One certificate in a cluster's history. */
  public record Entry(
      OptionalLong index,
      Digest certificate,
      Instant issuedAt,
      Instant expiresAt,
      String locator,
      Status status,
      Optional<LedgerEntry.Revoked> revocation) {}

  /** A certificate's standing now. */
  public enum Status {
    VALID,
    EXPIRED,
    REVOKED
  }

  /** A cluster's certificates on one ledger, oldest first. */
  public record History(Digest cluster, String ledger, OptionalLong size, List<Entry> entries) {
    public History {
      entries = List.copyOf(entries);
    }

    /** As plain values: the stable JSON of {@code ledger history -o json}. */
    public java.util.Map<String, Object> document() {
      java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
      doc.put("cluster", cluster.toString());
      doc.put("ledger", ledger);
      size.ifPresent(n -> doc.put("size", n));
      List<Object> rows = new ArrayList<>();
      for (Entry e : entries) {
        java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
        e.index().ifPresent(i -> row.put("index", i));
        row.put("certificate", e.certificate().toString());
        row.put("issuedAt", e.issuedAt().toString());
        row.put("expiresAt", e.expiresAt().toString());
        row.put("locator", e.locator());
        row.put("status", e.status().name().toLowerCase(java.util.Locale.ROOT));
        e.revocation()
            .ifPresent(
                r -> {
                  row.put("revokedAt", r.revokedAt().toString());
                  row.put("reason", r.reason());
                });
        rows.add(row);
      }
      doc.put("certificates", rows);
      return doc;
    }
  }

  /**
   * The history of the cluster {@code cluster} names: its id ({@code sha256:<hex>}), a prefix of 8+
   * hex digits (as in {@code cluster-<hex>.cert.json}), or one of its certificate files.
   */
  public History history(String cluster, URI ledger) throws CertifyException {
    try (Ledger l = Ledgers.open(ledger, LedgerOptions.reading(home))) {
      Digest id = resolve(cluster, l);
      Instant now = clock.instant();
      List<Entry> rows = new ArrayList<>();
      for (LedgerEntry.Issued is : l.history(id)) {
        Optional<LedgerEntry.Revoked> rev = l.revocation(is.certificate());
        Status st =
            rev.isPresent()
                ? Status.REVOKED
                : is.expiresAt().isAfter(now) ? Status.VALID : Status.EXPIRED;
        rows.add(
            new Entry(
                l.indexOf(is.certificate()),
                is.certificate(),
                is.issuedAt(),
                is.expiresAt(),
                is.locator(),
                st,
                rev));
      }
      return new History(id, l.describe(), l.entryCount(), rows);
    } catch (LedgerException e) {
      throw Certifier.ledgerError(e);
    } catch (CertifyException e) {
      throw e;
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.INPUT, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
    }
  }

  private static Digest resolve(String arg, Ledger ledger) throws CairnException {
    Path f = Path.of(arg);
    if (Files.isRegularFile(f)) {
      try {
        CertificateBundle b = CertificateBundle.parse(Files.readString(f));
        return Certificate.parse(b.envelope().payload()).clusterId();
      } catch (java.io.IOException e) {
        throw new CertifyException(
            CertifyException.Reason.INPUT, "cannot read " + f + ": " + e.getMessage(), null, e);
      }
    }
    String hex = arg.startsWith("sha256:") ? arg.substring(7) : arg;
    hex = hex.startsWith("cluster-") ? hex.substring(8) : hex;
    if (hex.endsWith(".cert.json")) {
      hex = hex.substring(0, hex.length() - ".cert.json".length());
    }
    if (!hex.matches("[0-9a-f]{8,64}")) {
      throw new CertifyException(
          CertifyException.Reason.INPUT,
          "not a cluster id or certificate file: " + arg,
          "pass sha256:<hex>, 8 or more hex digits of it, or a .cert.json");
    }
    if (hex.length() == 64) {
      return Digest.parse("sha256:" + hex);
    }
    List<Digest> matches = ledger.clustersStartingWith(hex);
    if (matches.size() != 1) {
      throw new CertifyException(
          CertifyException.Reason.INPUT,
          (matches.isEmpty()
                  ? "no cluster on the ledger"
                  : matches.size() + " clusters on the ledger")
              + " with an id starting "
              + hex,
          matches.isEmpty()
              ? "check the id (verify prints it) and Cairn's home"
              : "give more digits");
    }
    return matches.get(0);
  }
}
