package dev.cairn.attest.tee.intel.internal;

import static dev.cairn.attest.tee.intel.IntelQuotes.COLLATERAL_VALIDITY;
import static dev.cairn.attest.tee.intel.IntelQuotes.CRL;
import static dev.cairn.attest.tee.intel.IntelQuotes.PCK_CHAIN;
import static dev.cairn.attest.tee.intel.IntelQuotes.QE_IDENTITY_SIGNATURE;
import static dev.cairn.attest.tee.intel.IntelQuotes.QE_REPORT_DATA;
import static dev.cairn.attest.tee.intel.IntelQuotes.QE_REPORT_SIGNATURE;
import static dev.cairn.attest.tee.intel.IntelQuotes.QUOTE_SIGNATURE;
import static dev.cairn.attest.tee.intel.IntelQuotes.TCB_INFO_SIGNATURE;
import static dev.cairn.attest.tee.intel.IntelQuotes.TCB_STATUS;

import dev.cairn.attest.tee.TcbStatus;
import dev.cairn.attest.tee.TeeVerification;
import dev.cairn.attest.tee.intel.IntelCollateral;
import dev.cairn.attest.tee.intel.IntelPolicy;
import dev.cairn.attest.tee.intel.IntelQuote;
import dev.cairn.attest.tee.intel.QuoteSignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The verification steps of {@code IntelQuotes.verify}, in order, failing closed. */
public final class QuoteVerifier {
  /** A step broke; carries the step name and a one-line message. */
  private static final class StepFailed extends Exception {
    private static final long serialVersionUID = 1L;
    final String step;

    StepFailed(String step, @Nullable String message) {
      super(message, null, false, false);
      this.step = step;
    }
  }

  private final IntelQuote quote;
  private final IntelCollateral collateral;
  private final IntelPolicy policy;
  private final X509Certificate root;
  private final List<String> passed = new ArrayList<>();

  private QuoteVerifier(IntelQuote quote, IntelCollateral collateral, IntelPolicy policy) {
    this.quote = quote;
    this.collateral = collateral;
    this.policy = policy;
    X509Certificate given = policy.trustRoot();
    this.root = given != null ? given : IntelRoots.production();
  }

  public static TeeVerification verify(
      IntelQuote quote, IntelCollateral collateral, IntelPolicy policy) {
    QuoteVerifier v = new QuoteVerifier(quote, collateral, policy);
    try {
      return v.run();
    } catch (StepFailed f) {
      return new TeeVerification.Failed(f.step, oneLine(f.getMessage()), v.passed);
    }
  }

  private TeeVerification run() throws StepFailed {
    QuoteSignature sig = quote.signatureData();
    Instant at = policy.at();

    // pck-chain
    byte[] chainBytes =
        sig.certificationDataType() == QuoteSignature.PCK_CERT_CHAIN
            ? sig.certificationData()
            : collateral.pckCertChain();
    if (chainBytes == null) {
      throw new StepFailed(
          PCK_CHAIN,
          "no PCK certificate: the quote's certification data is type "
              + sig.certificationDataType()
              + " (not 5, the PCK chain) and the collateral has no pckCert.pem and"
              + " pckSignChain.pem");
    }
    List<X509Certificate> pckChain;
    PckExtensions pck;
    try {
      pckChain = Certs.chain(Certs.parseAll(chainBytes), root, at);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new StepFailed(PCK_CHAIN, "PCK certificate chain: " + e.getMessage());
    }
    if (pckChain.size() < 3) {
      throw new StepFailed(
          PCK_CHAIN, "the PCK certificate is not issued by a PCK Platform or Processor CA");
    }
    X509Certificate pckCert = pckChain.get(0);
    X509Certificate pckCa = pckChain.get(1);
    try {
      pck = PckExtensions.of(pckCert);
    } catch (IOException e) {
      throw new StepFailed(PCK_CHAIN, e.getMessage());
    }
    passed.add(PCK_CHAIN);

    // crl
    X509CRL rootCrl = null;
    List<String> missing = new ArrayList<>();
    if (collateral.rootCaCrl() != null) {
      rootCrl = crl(collateral.rootCaCrl(), "root CA CRL", root, at);
      revoked(rootCrl, pckCa, "root CA CRL", CRL);
    } else {
      missing.add("no root CA CRL (rootCaCrl.der)");
    }
    if (collateral.pckCaCrl() != null) {
      X509CRL pckCrl = crl(collateral.pckCaCrl(), "PCK CA CRL", pckCa, at);
      revoked(pckCrl, pckCert, "PCK CA CRL", CRL);
    } else {
      missing.add("no PCK CA CRL (intermediateCaCrl.der or pckcrl)");
    }
    if (missing.isEmpty()) {
      passed.add(CRL);
    } else {
      unverifiable(CRL, String.join(" and ", missing) + " in the collateral");
    }

    // qe-report-signature
    if (!Certs.verifyRaw(pckCert.getPublicKey(), sig.qeReport().raw(), sig.qeReportSignature())) {
      throw new StepFailed(
          QE_REPORT_SIGNATURE,
          "the QE report's signature does not verify with the PCK certificate's key");
    }
    passed.add(QE_REPORT_SIGNATURE);

    // qe-report-data
    byte[] expected;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(sig.attestationKey());
      sha.update(sig.qeAuthData());
      expected = Arrays.copyOf(sha.digest(), 64);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    if (!MessageDigest.isEqual(expected, sig.qeReport().reportData())) {
      throw new StepFailed(
          QE_REPORT_DATA,
          "the QE report's report data is not SHA-256(attestation key || QE auth data): the"
              + " attestation key is not the one the QE certified");
    }
    passed.add(QE_REPORT_DATA);

    // quote-signature
    PublicKey attestationKey;
    try {
      attestationKey = Certs.p256(sig.attestationKey());
    } catch (GeneralSecurityException e) {
      throw new StepFailed(QUOTE_SIGNATURE, "the attestation key is not a P-256 point");
    }
    if (!Certs.verifyRaw(attestationKey, quote.signedBytes(), sig.signature())) {
      throw new StepFailed(
          QUOTE_SIGNATURE,
          "the quote's signature over header and body does not verify with the attestation key");
    }
    passed.add(QUOTE_SIGNATURE);

    // tcb-info-signature
    String tcbText = collateral.tcbInfo();
    if (tcbText == null) {
      throw new StepFailed(
          TCB_INFO_SIGNATURE, "no TCB info (tcbInfo.json) in the collateral: cannot judge the TCB");
    }
    SignedJson tcbInfo = signedJson(tcbText, "tcbInfo", "TCB info", TCB_INFO_SIGNATURE);
    signature(tcbInfo, collateral.tcbSignChain(), "TCB info", TCB_INFO_SIGNATURE, rootCrl);

    // qe-identity-signature
    SignedJson qeIdentity = null;
    String qeText = collateral.qeIdentity();
    if (qeText == null) {
      unverifiable(QE_IDENTITY_SIGNATURE, "no QE identity (qeIdentity.json) in the collateral");
    } else {
      qeIdentity = signedJson(qeText, "enclaveIdentity", "QE identity", QE_IDENTITY_SIGNATURE);
      byte[] chain = collateral.qeIdentitySignChain();
      signature(
          qeIdentity,
          chain != null ? chain : collateral.tcbSignChain(),
          "QE identity",
          QE_IDENTITY_SIGNATURE,
          rootCrl);
    }

    // collateral-validity
    window(tcbInfo.body(), "TCB info", at);
    if (qeIdentity != null) {
      window(qeIdentity.body(), "QE identity", at);
    }
    passed.add(COLLATERAL_VALIDITY);

    // tcb-status
    TcbEvaluator.Result result;
    try {
      result =
          TcbEvaluator.evaluate(
              quote, pck, tcbInfo.body(), qeIdentity == null ? null : qeIdentity.body());
    } catch (TcbEvaluator.TcbException e) {
      throw new StepFailed(TCB_STATUS, e.getMessage());
    }
    if (!policy.acceptedStatuses().contains(result.status())) {
      throw new StepFailed(
          TCB_STATUS,
          "TCB status "
              + result.status().wireName()
              + " is not accepted (accepted: "
              + policy.acceptedStatuses().stream()
                  .map(TcbStatus::wireName)
                  .collect(Collectors.toCollection(TreeSet::new))
              + ")"
              + (result.advisories().isEmpty() ? "" : "; advisories " + result.advisories()));
    }
    passed.add(TCB_STATUS);
    return new TeeVerification.Verified(quote, result.status(), result.advisories(), passed);
  }

  private void unverifiable(String step, String why) throws StepFailed {
    String message = "not verifiable: " + why;
    if (!policy.acceptUnverifiable().contains(step)) {
      throw new StepFailed(step, message + " (the policy requires this step)");
    }
    passed.add(step + " (" + message + "; accepted by policy)");
  }

  private static SignedJson signedJson(String text, String key, String what, String step)
      throws StepFailed {
    try {
      return SignedJson.parse(text, key);
    } catch (IOException | RuntimeException e) {
      throw new StepFailed(
          step, "the " + what + " is not a signed " + what + " response: " + e.getMessage());
    }
  }

  private void signature(
      SignedJson json,
      byte @Nullable [] chainBytes,
      String what,
      String step,
      @Nullable X509CRL rootCrl)
      throws StepFailed {
    if (chainBytes == null) {
      unverifiable(step, "no signing chain for the " + what + " (tcbSignChain.pem)");
      return;
    }
    List<X509Certificate> chain;
    try {
      chain = Certs.chain(Certs.parseAll(chainBytes), root, policy.at());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new StepFailed(step, what + " signing chain: " + e.getMessage());
    }
    if (chain.size() < 2) {
      throw new StepFailed(
          step, "the " + what + " is signed by the root itself, not a TCB signing key");
    }
    if (rootCrl != null) {
      revoked(rootCrl, chain.get(0), "root CA CRL", step);
    }
    if (!Certs.verifyRaw(chain.get(0).getPublicKey(), json.signedBytes(), json.signature())) {
      throw new StepFailed(
          step,
          "the " + what + "'s signature does not verify with '" + Certs.name(chain.get(0)) + "'");
    }
    passed.add(step);
  }

  private static X509CRL crl(byte[] data, String what, X509Certificate issuer, Instant at)
      throws StepFailed {
    X509CRL crl;
    try {
      crl = Certs.parseCrl(data);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new StepFailed(CRL, "the " + what + " is not a CRL: " + e.getMessage());
    }
    if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      throw new StepFailed(
          CRL,
          "the "
              + what
              + " is issued by '"
              + crl.getIssuerX500Principal().getName()
              + "', not '"
              + Certs.name(issuer)
              + "'");
    }
    try {
      crl.verify(issuer.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new StepFailed(
          CRL, "the " + what + "'s signature does not verify with '" + Certs.name(issuer) + "'");
    }
    Instant thisUpdate = crl.getThisUpdate().toInstant();
    if (at.isBefore(thisUpdate)) {
      throw new StepFailed(
          CRL,
          "the " + what + " is not valid before " + thisUpdate + " (verification time " + at + ")");
    }
    if (crl.getNextUpdate() == null || at.isAfter(crl.getNextUpdate().toInstant())) {
      throw new StepFailed(
          CRL,
          "the "
              + what
              + " expired at "
              + (crl.getNextUpdate() == null ? "its issue" : crl.getNextUpdate().toInstant())
              + " (verification time "
              + at
              + ")");
    }
    return crl;
  }

  private static void revoked(X509CRL crl, X509Certificate cert, String what, String step)
      throws StepFailed {
    if (crl.isRevoked(cert)) {
      throw new StepFailed(
          step,
          "'"
              + Certs.name(cert)
              + "' (serial "
              + cert.getSerialNumber().toString(16)
              + ") is revoked by the "
              + what);
    }
  }

  private static void window(Map<String, Object> body, String what, Instant at) throws StepFailed {
    Instant issue = instant(body, "issueDate", what);
    Instant next = instant(body, "nextUpdate", what);
    if (at.isBefore(issue)) {
      throw new StepFailed(
          COLLATERAL_VALIDITY,
          "the " + what + " was issued at " + issue + ", after the verification time " + at);
    }
    if (at.isAfter(next)) {
      throw new StepFailed(
          COLLATERAL_VALIDITY,
          "the " + what + " expired at its nextUpdate " + next + " (verification time " + at + ")");
    }
  }

  private static Instant instant(Map<String, Object> body, String key, String what)
      throws StepFailed {
    if (body.get(key) instanceof String s) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        throw new StepFailed(
            COLLATERAL_VALIDITY, "the " + what + "'s " + key + " is not a time: " + s);
      }
    }
    throw new StepFailed(COLLATERAL_VALIDITY, "the " + what + " has no " + key);
  }

  private static String oneLine(@Nullable String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").strip();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
