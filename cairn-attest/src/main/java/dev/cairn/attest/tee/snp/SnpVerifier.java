package dev.cairn.attest.tee.snp;

import dev.cairn.attest.tee.TcbStatus;
import dev.cairn.attest.tee.TeeVerification;
import dev.cairn.attest.tee.snp.internal.AmdRoots;
import dev.cairn.attest.tee.snp.internal.Certs;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Verifies SEV-SNP attestation reports offline, failing closed at the first link that breaks:
 *
 * <ol>
 *   <li>{@code vcek-chain}: the VCEK (or VLEK) is signed by its ASK (ASVK), the ASK by an ARK that
 *       is trusted — one of AMD's ARKs for Milan, Genoa and Turin pinned in code, or only the roots
 *       given with {@link Builder#trustRoot} — and the ARK by itself (RSA-PSS SHA-384 each); all
 *       three valid at the verification time;
 *   <li>{@code report-signature}: ECDSA P-384 with SHA-384 over bytes 0x000-0x29F by the
 *       endorsement key the report names (SIGNING_KEY);
 *   <li>{@code reported-tcb}: the report's REPORTED_TCB is the TCB the VCEK was issued for (its
 *       blSPL, teeSPL, snpSPL, ucodeSPL extensions) and its CHIP_ID the VCEK's hwID;
 *   <li>{@code policy}: the {@link SnpPolicyCheck} (by default: no debuggable guest).
 * </ol>
 *
 * A report that passes is {@link TcbStatus#UP_TO_DATE}: AMD issues a VCEK per chip and TCB, so a
 * report matching its VCEK runs the TCB AMD certified. Thread-safe.
 */
public final class SnpVerifier {
  public static final String VCEK_CHAIN = "vcek-chain";
  public static final String REPORT_SIGNATURE = "report-signature";
  public static final String REPORTED_TCB = "reported-tcb";
  public static final String POLICY = "policy";

  private final List<X509Certificate> roots;
  private final boolean pinned;
  private final SnpPolicyCheck policy;

  private SnpVerifier(List<X509Certificate> roots, boolean pinned, SnpPolicyCheck policy) {
    this.roots = List.copyOf(roots);
    this.pinned = pinned;
    this.policy = policy;
  }

  /** AMD's pinned ARKs and the default policy check. */
  public static SnpVerifier standard() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a verifier. */
  public static final class Builder {
    private final List<X509Certificate> roots = new ArrayList<>();
    private SnpPolicyCheck policy = SnpPolicyCheck.DEFAULT;

    private Builder() {}

    /**
     * Trusts {@code root} as an ARK <em>instead of</em> AMD's pinned ones (call again to add more):
     * for test chips and private roots, only when a user names the file ({@code --trust-root}).
     */
    public Builder trustRoot(X509Certificate root) {
      roots.add(Objects.requireNonNull(root, "root"));
      return this;
    }

    public Builder policy(SnpPolicyCheck policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public SnpVerifier build() {
      return roots.isEmpty()
          ? new SnpVerifier(AmdRoots.arks(), true, policy)
          : new SnpVerifier(roots, false, policy);
    }
  }

  /** A link broke: the step and its message. */
  private static final class StepFailed extends Exception {
    private static final long serialVersionUID = 1L;
    final String step;

    StepFailed(String step, String message) {
      super(message, null, false, false);
      this.step = step;
    }
  }

  /**
   * Verifies {@code report} with {@code collateral} as of {@code at} (certificate validity). Never
   * throws for bad evidence: every failure is a {@link TeeVerification.Failed}.
   */
  public TeeVerification verify(SnpReport report, SnpCollateral collateral, Instant at) {
    List<String> passed = new ArrayList<>();
    try {
      X509Certificate ek = chain(report, collateral, at);
      passed.add(VCEK_CHAIN);
      signature(report, ek);
      passed.add(REPORT_SIGNATURE);
      tcb(report, ek);
      passed.add(REPORTED_TCB);
      Optional<String> violation = policy.violation(report);
      if (violation.isPresent()) {
        throw new StepFailed(POLICY, violation.get());
      }
      passed.add(POLICY);
      return new TeeVerification.Verified(report, TcbStatus.UP_TO_DATE, List.of(), passed);
    } catch (StepFailed f) {
      return new TeeVerification.Failed(f.step, String.valueOf(f.getMessage()), passed);
    }
  }

  // ---- vcek-chain ----

  private X509Certificate chain(SnpReport report, SnpCollateral collateral, Instant at)
      throws StepFailed {
    String ekName = report.signingKey() == SnpReport.SigningKey.VLEK ? "VLEK" : "VCEK";
    X509Certificate ek;
    try {
      ek = Certs.one(collateral.endorsementKey());
    } catch (GeneralSecurityException e) {
      throw new StepFailed(VCEK_CHAIN, ekName + " certificate is unreadable: " + e.getMessage());
    }
    List<X509Certificate> given = new ArrayList<>();
    for (byte[] c : collateral.chain()) {
      try {
        given.addAll(Certs.all(c));
      } catch (GeneralSecurityException e) {
        throw new StepFailed(
            VCEK_CHAIN, "a certificate of the ASK/ARK chain is unreadable: " + e.getMessage());
      }
    }
    String askName = ekName.equals("VLEK") ? "ASVK" : "ASK";
    X509Certificate ask = null;
    for (X509Certificate c : given) {
      if (!Certs.selfIssued(c) && c.getSubjectX500Principal().equals(ek.getIssuerX500Principal())) {
        ask = c;
      }
    }
    if (ask == null) {
      if (!given.isEmpty()) {
        throw new StepFailed(
            VCEK_CHAIN,
            "the collateral's chain has no "
                + askName
                + " named "
                + Certs.cn(ek.getIssuerX500Principal())
                + ", the "
                + ekName
                + "'s issuer");
      }
      for (AmdRoots.Product p : AmdRoots.products()) {
        for (X509Certificate c : List.of(p.ask(), p.asvk())) {
          if (c.getSubjectX500Principal().equals(ek.getIssuerX500Principal())) {
            ask = c;
          }
        }
      }
      if (ask == null) {
        throw new StepFailed(
            VCEK_CHAIN,
            ekName
                + " is issued by "
                + Certs.cn(ek.getIssuerX500Principal())
                + ", not by the ASK of Milan, Genoa or Turin; pass its ASK and ARK (AMD KDS"
                + " cert_chain) in the collateral");
      }
    }
    X509Certificate ark = null;
    for (X509Certificate c : given) {
      if (Certs.selfIssued(c) && c.getSubjectX500Principal().equals(ask.getIssuerX500Principal())) {
        if (roots.stream().noneMatch(r -> Certs.sameEncoding(r, c))) {
          throw new StepFailed(
              VCEK_CHAIN,
              "the ARK in the collateral ("
                  + Certs.cn(c.getSubjectX500Principal())
                  + ", sha256 "
                  + AmdRoots.fingerprint(c)
                  + ") is not "
                  + (pinned ? "one of AMD's pinned ARKs" : "a root given as trusted")
                  + "; a root is trusted only when pinned or given explicitly");
        }
        ark = c;
      }
    }
    if (ark == null) {
      for (X509Certificate r : roots) {
        if (r.getSubjectX500Principal().equals(ask.getIssuerX500Principal())) {
          ark = r;
        }
      }
    }
    if (ark == null) {
      throw new StepFailed(
          VCEK_CHAIN,
          askName
              + " "
              + Certs.cn(ask.getSubjectX500Principal())
              + " is issued by "
              + Certs.cn(ask.getIssuerX500Principal())
              + ", which is not a trusted root (trusted: "
              + String.join(
                  ", ", roots.stream().map(r -> Certs.cn(r.getSubjectX500Principal())).toList())
              + ")");
    }
    verifySignature(ark, ark, "ARK", "itself");
    verifySignature(ask, ark, askName, "ARK " + Certs.cn(ark.getSubjectX500Principal()));
    verifySignature(ek, ask, ekName, askName + " " + Certs.cn(ask.getSubjectX500Principal()));
    valid(ark, "ARK", at);
    valid(ask, askName, at);
    valid(ek, ekName, at);
    if (!(ek.getPublicKey() instanceof ECPublicKey key)
        || key.getParams().getCurve().getField().getFieldSize() != 384) {
      throw new StepFailed(
          VCEK_CHAIN, ekName + " key is " + ek.getPublicKey().getAlgorithm() + ", not ECDSA P-384");
    }
    return ek;
  }

  private static void verifySignature(
      X509Certificate cert, X509Certificate issuer, String name, String by) throws StepFailed {
    try {
      cert.verify(issuer.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new StepFailed(
          VCEK_CHAIN,
          name
              + " "
              + Certs.cn(cert.getSubjectX500Principal())
              + ": its signature by "
              + by
              + " does not verify ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + ")");
    }
  }

  private static void valid(X509Certificate c, String name, Instant at) throws StepFailed {
    try {
      c.checkValidity(Date.from(at));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new StepFailed(
          VCEK_CHAIN,
          name
              + " "
              + Certs.cn(c.getSubjectX500Principal())
              + " is not valid at "
              + at
              + " (valid "
              + c.getNotBefore().toInstant()
              + " to "
              + c.getNotAfter().toInstant()
              + ")");
    }
  }

  // ---- report-signature ----

  private static void signature(SnpReport report, X509Certificate ek) throws StepFailed {
    SnpReport.SigningKey kind = report.signingKey();
    if (kind == SnpReport.SigningKey.NONE) {
      throw new StepFailed(REPORT_SIGNATURE, "the report is not signed (SIGNING_KEY 7)");
    }
    String cn = Certs.cn(ek.getSubjectX500Principal());
    String expected = "CN=SEV-" + kind.name();
    if (!cn.equals(expected)) {
      throw new StepFailed(
          REPORT_SIGNATURE,
          "the report is signed by its "
              + kind.name()
              + " (SIGNER_INFO), but the collateral's certificate is "
              + cn);
    }
    if (report.signatureAlgo() != SnpReport.ECDSA_P384_SHA384) {
      throw new StepFailed(
          REPORT_SIGNATURE,
          "SIGNATURE_ALGO " + report.signatureAlgo() + " is not 1 (ECDSA P-384 with SHA-384)");
    }
    byte[] p1363 = new byte[96];
    if (!component(report.signatureR(), p1363, 0) || !component(report.signatureS(), p1363, 48)) {
      throw new StepFailed(
          REPORT_SIGNATURE, "SIGNATURE.R or .S is larger than 384 bits: not a P-384 signature");
    }
    boolean ok;
    try {
      Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
      s.initVerify(ek.getPublicKey());
      s.update(report.signedBytes());
      ok = s.verify(p1363);
    } catch (GeneralSecurityException e) {
      ok = false;
    }
    if (!ok) {
      throw new StepFailed(
          REPORT_SIGNATURE,
          "the signature over bytes 0x000-0x29F does not verify with the "
              + kind.name()
              + "'s key: the report was changed or signed by another chip");
    }
  }

  /** AMD's 72-byte little-endian integer into 48 big-endian bytes at {@code at}. */
  private static boolean component(byte[] le, byte[] out, int at) {
    for (int i = 48; i < le.length; i++) {
      if (le[i] != 0) {
        return false;
      }
    }
    for (int i = 0; i < 48; i++) {
      out[at + 47 - i] = le[i];
    }
    return true;
  }

  // ---- reported-tcb ----

  private static final String KDS = "1.3.6.1.4.1.3704.1.";

  private static void tcb(SnpReport report, X509Certificate ek) throws StepFailed {
    String kind = report.signingKey().name();
    @Nullable String product;
    try {
      product = Certs.ia5Extension(ek, KDS + "2");
    } catch (GeneralSecurityException e) {
      throw new StepFailed(REPORTED_TCB, kind + " productName extension: " + e.getMessage());
    }
    if (product != null && product.startsWith("Turin")) {
      throw new StepFailed(
          REPORTED_TCB,
          kind
              + " is for "
              + product
              + ": Turin's TCB_VERSION layout (with an FMC SPL) is not supported yet, so its"
              + " reported TCB cannot be checked");
    }
    SnpTcb reported = report.reportedTcb();
    String[] names = {"blSPL", "teeSPL", "spl4", "spl5", "spl6", "spl7", "snpSPL", "ucodeSPL"};
    String[] oids = {"3.1", "3.2", "3.4", "3.5", "3.6", "3.7", "3.3", "3.8"};
    boolean[] required = {true, true, false, false, false, false, true, true};
    for (int i = 0; i < 8; i++) {
      @Nullable Integer spl;
      try {
        spl = Certs.intExtension(ek, KDS + oids[i]);
      } catch (GeneralSecurityException e) {
        throw new StepFailed(REPORTED_TCB, kind + " " + names[i] + " extension: " + e.getMessage());
      }
      if (spl == null && required[i]) {
        throw new StepFailed(
            REPORTED_TCB, kind + " has no " + names[i] + " extension (" + KDS + oids[i] + ")");
      }
      int expected = spl == null ? 0 : spl;
      if (reported.part(i) != expected) {
        throw new StepFailed(
            REPORTED_TCB,
            "REPORTED_TCB "
                + names[i]
                + " is "
                + reported.part(i)
                + " but the "
                + kind
                + " was issued for "
                + expected
                + " ("
                + reported
                + "): fetch the "
                + kind
                + " for the reported TCB");
      }
    }
    if (report.signingKey() == SnpReport.SigningKey.VCEK) {
      byte[] hwid;
      try {
        hwid = Certs.rawOctetExtension(ek, KDS + "4", 64);
      } catch (GeneralSecurityException e) {
        throw new StepFailed(REPORTED_TCB, "VCEK hwID extension: " + e.getMessage());
      }
      if (hwid == null) {
        throw new StepFailed(REPORTED_TCB, "VCEK has no hwID extension (" + KDS + "4)");
      }
      if (report.maskChipKey()) {
        throw new StepFailed(
            REPORTED_TCB,
            "the report's CHIP_ID is masked (MASK_CHIP_KEY): it cannot be bound to the VCEK's"
                + " hwID");
      }
      if (!Arrays.equals(hwid, report.chipId())) {
        throw new StepFailed(
            REPORTED_TCB,
            "CHIP_ID "
                + HexFormat.of().formatHex(report.chipId()).substring(0, 16)
                + "... is not the VCEK's hwID "
                + HexFormat.of().formatHex(hwid).substring(0, 16)
                + "...: the VCEK belongs to another chip");
      }
    }
  }
}
