package dev.cairn.certify;

import dev.cairn.attest.Attestations;
import dev.cairn.attest.Evidence;
import dev.cairn.certify.internal.TrustStore;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Keys;
import dev.cairn.ledger.CertificateBundle;
import dev.cairn.ledger.CertificateVerifier;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerException;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.RegistryView;
import dev.cairn.ledger.TrustRoot;
import dev.cairn.ledger.VerificationException;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.Clusters;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Verifies certificates from public data and holds the rules for which ledger and trust root a
 * verification reads: the trust root given, or the one in Cairn's home; a chain only where the
 * verifier names it or the trust root pins it, never where the certificate says (its author could
 * name their own node); for a certificate on the embedded log, the log in Cairn's home, which must
 * be there (a removed log would undo its revocations) and extend the checkpoint the trust root pins
 * — or, when the log is not there, the bundle's revocation proof against that pin. A verification
 * only reads: it never creates, signs or writes anything, and takes the log's shared lock, so that
 * any number run at once.
 */
public final class Verifier {
  private final CairnHome home;
  private final Clock clock;

  private Verifier(CairnHome home, Clock clock) {
    this.home = home;
    this.clock = clock;
  }

  public static Verifier create(CairnHome home, Clock clock) {
    return new Verifier(home, clock);
  }

  /**
   * Verifies; a broken link is a {@link VerifyResult.NotVerified}, never an exception.
   *
   * @throws CertifyException when the trust root or the live cluster cannot be read
   */
  public VerifyResult verify(VerifyRequest request) throws CertifyException {
    CertificateBundle bundle = request.certificate();
    if (request.requireLiveIdentity() && request.kubeconfig() == null) {
      return notVerified(
          bundle,
          new VerificationException(
              "cluster identity",
              "this verification requires the live cluster's identity, and no live cluster was"
                  + " read",
              "read the live cluster the certificate is for",
              dev.cairn.core.Fix.of("verify.live-identity")));
    }
    Path trustFile = request.trustRoot() != null ? request.trustRoot() : home.trustRoot();
    TrustRoot anchors;
    try {
      anchors =
          TrustStore.read(trustFile)
              .orElseThrow(
                  () ->
                      new CertifyException(
                          CertifyException.Reason.INPUT,
                          "cannot read trust anchors " + trustFile + ": no such file",
                          "check the path"));
    } catch (CertifyException e) {
      throw e;
    } catch (CairnException e) {
      throw new CertifyException(
          CertifyException.Reason.INPUT, String.valueOf(e.getMessage()), e.hint().orElse(null), e);
    }
    Digest live = null;
    if (request.kubeconfig() != null) {
      try {
        live = Clusters.identity(ClusterOptions.of(request.kubeconfig())).id();
      } catch (CairnException e) {
        throw new CertifyException(
            CertifyException.Reason.INPUT,
            String.valueOf(e.getMessage()),
            e.hint().orElse(null),
            e);
      }
    }
    URI chosen;
    try {
      chosen = choose(request.ledger(), bundle, anchors);
    } catch (VerificationException e) {
      return notVerified(bundle, e);
    }
    Ledger ledger = null;
    try {
      if (chosen != null) {
        try {
          ledger = Ledgers.open(chosen, LedgerOptions.reading(home));
        } catch (LedgerException e) {
          // the embedded log is there, but unreadable (its checkpoint removed, say): what it says
          // about revocations can't be trusted
          return notVerified(
              bundle,
              new VerificationException(
                  bundle.chain() == null ? "ledger consistency" : "ledger record",
                  String.valueOf(e.getMessage()),
                  e.hint().orElse(null)));
        }
      }
      CertificateVerifier.Result r;
      try {
        r =
            CertificateVerifier.verify(
                bundle,
                anchors,
                Verifier::checkEvidence,
                clock.instant(),
                ledger,
                live,
                request.allowSnapshot());
      } catch (VerificationException e) {
        return notVerified(bundle, e);
      }
      List<String> notChecked = new ArrayList<>();
      if (!r.links().contains("revocation")) {
        notChecked.add("revocation");
      }
      if (live == null) {
        notChecked.add("cluster identity");
      }
      return new VerifyResult.Verified(
          r.certificateDigest(),
          bundle.ledger(),
          r.certificate(),
          r.links(),
          ledger instanceof RegistryView && ledger != null ? ledger.describe() : null,
          notChecked,
          !r.certificate().source().equals("snapshot")
              ? null
              : anchors.acceptsSnapshots()
                  ? VerifyResult.SnapshotAcceptance.TRUST_ROOT
                  : VerifyResult.SnapshotAcceptance.REQUEST);
    } finally {
      if (ledger != null) {
        ledger.close();
      }
    }
  }

  /** The ledger a verification reads, or null for none. */
  private @Nullable URI choose(
      VerifyRequest.LedgerChoice choice, CertificateBundle bundle, TrustRoot anchors)
      throws VerificationException {
    try {
      return switch (choice) {
        case VerifyRequest.LedgerChoice.Offline o -> null;
        case VerifyRequest.LedgerChoice.Named n -> {
          if (bundle.chain() == null && !Ledgers.isEmbedded(n.ledger())) {
            throw new VerificationException(
                "ledger record",
                "the certificate is recorded on the "
                    + bundle.ledger()
                    + " log, not on "
                    + Ledgers.redacted(n.ledger().toString()),
                "verify it against its own log (the default), or against the embedded one");
          }
          if (bundle.chain() == null) {
            requireEmbeddedLog();
          }
          yield n.ledger();
        }
        case VerifyRequest.LedgerChoice.Default d -> {
          if (bundle.chain() != null) {
            // a registry the trust root pins, never the certificate's URL: the pin of the
            // registry (contract and chain) the certificate names, so that certificates on an
            // older registry (contract version 1) verify beside newer ones; else the newest pin
            List<TrustRoot.LedgerPin> pins = anchors.current(TrustRoot.LedgerPin.class);
            ChainReceipt named = Objects.requireNonNull(bundle.chain());
            List<TrustRoot.LedgerPin> same =
                pins.stream()
                    .filter(p -> p.sameRegistry(named.contract(), named.chainId()))
                    .toList();
            List<TrustRoot.LedgerPin> pick = same.isEmpty() ? pins : same;
            yield pick.isEmpty() ? null : Ledgers.parse(pick.get(pick.size() - 1).registry());
          }
          // a certificate recorded on the embedded log fails closed without it: a removed log
          // would otherwise undo its revocation; unless it carries a revocation proof, which
          // stands in for the log (checked against the checkpoint the trust root pins)
          if (bundle.revocationProof() != null
              && !Ledgers.exists(Ledgers.EMBEDDED, LedgerOptions.reading(home))) {
            yield null;
          }
          requireEmbeddedLog();
          yield Ledgers.EMBEDDED;
        }
      };
    } catch (LedgerException e) {
      throw new VerificationException(
          "ledger record", String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
  }

  private void requireEmbeddedLog() throws VerificationException, LedgerException {
    if (!Ledgers.exists(Ledgers.EMBEDDED, LedgerOptions.reading(home))) {
      throw new VerificationException(
          "ledger consistency",
          "the certificate is recorded on the embedded log, and there is no log in "
              + home.ledger()
              + " (removed?), so its revocation cannot be checked",
          "restore the log directory from a backup, or verify offline, knowing that revocation is"
              + " then not checked",
          dev.cairn.core.Fix.of("verify.log-missing", "dir", home.ledger().toString()));
    }
  }

  private static VerifyResult.NotVerified notVerified(
      CertificateBundle bundle, VerificationException e) {
    String m = String.valueOf(e.getMessage());
    String prefix = e.link() + ": ";
    return new VerifyResult.NotVerified(
        bundle.envelope().digest(),
        bundle.ledger(),
        e.link(),
        m.startsWith(prefix) ? m.substring(prefix.length()) : m,
        e.hint().orElse(null),
        e.fix().orElse(null));
  }

  /**
   * How this verifier checks a certificate's TEE evidence, for callers of the ledger's verifier.
   */
  public static CertificateVerifier.EvidenceCheck evidenceCheck() {
    return Verifier::checkEvidence;
  }

  /** The scanner's evidence, checked with the platform keys the trust root lists. */
  static void checkEvidence(
      String json, List<byte[]> platformKeys, Set<Digest> measurements, byte[] reportData)
      throws CairnException {
    Evidence e = Evidence.parse(json);
    for (byte[] k : platformKeys) {
      PublicKey pk;
      try {
        pk = Keys.ed25519Public(k);
      } catch (java.security.GeneralSecurityException ex) {
        continue;
      }
      if (Keys.keyId(pk).equals(e.platformKey())) {
        Attestations.verify(e, pk, measurements, reportData);
        return;
      }
    }
    throw new CairnException(
        "evidence is signed by platform key "
            + e.platformKey()
            + ", which the trust anchors do not list",
        null);
  }
}
