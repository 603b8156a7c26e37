package dev.cairn.attest.tee.intel;

import dev.cairn.attest.tee.MalformedEvidenceException;
import dev.cairn.attest.tee.TeeVerification;
import dev.cairn.attest.tee.intel.internal.IntelRoots;
import dev.cairn.attest.tee.intel.internal.QuoteParser;
import dev.cairn.attest.tee.intel.internal.QuoteVerifier;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/** Parses and verifies Intel SGX and TDX DCAP quotes. */
public final class IntelQuotes {
  public static final String PCK_CHAIN = "pck-chain";
  public static final String CRL = "crl";
  public static final String QE_REPORT_SIGNATURE = "qe-report-signature";
  public static final String QE_REPORT_DATA = "qe-report-data";
  public static final String QUOTE_SIGNATURE = "quote-signature";
  public static final String TCB_INFO_SIGNATURE = "tcb-info-signature";
  public static final String QE_IDENTITY_SIGNATURE = "qe-identity-signature";
  public static final String COLLATERAL_VALIDITY = "collateral-validity";
  public static final String TCB_STATUS = "tcb-status";

  /** The steps, in the order they run. */
  public static final List<String> STEPS =
      List.of(
          PCK_CHAIN,
          CRL,
          QE_REPORT_SIGNATURE,
          QE_REPORT_DATA,
          QUOTE_SIGNATURE,
          TCB_INFO_SIGNATURE,
          QE_IDENTITY_SIGNATURE,
          COLLATERAL_VALIDITY,
          TCB_STATUS);

  /** Steps a policy may accept as "not verifiable" when the collateral lacks their inputs. */
  public static final Set<String> OPTIONAL_STEPS =
      Set.of(CRL, TCB_INFO_SIGNATURE, QE_IDENTITY_SIGNATURE);

  private IntelQuotes() {}

  /**
   * Whether {@code data} starts like an Intel quote (version 3-5, ECDSA P-256); no trust implied.
   */
  public static boolean looksLikeQuote(byte[] data) {
    return QuoteParser.looksLikeQuote(data);
  }

  /**
   * Parses an SGX quote v3, a TDX quote v4, or a v5 quote (SGX, TD report 1.0 or 1.5).
   *
   * @throws MalformedEvidenceException naming the offset and field where reading stopped
   */
  public static IntelQuote parse(byte[] quote) throws MalformedEvidenceException {
    return QuoteParser.parse(quote);
  }

  /**
   * Verifies {@code quote} against {@code collateral}, step by step ({@link #STEPS}); stops at the
   * first step that fails. Never throws for bad evidence or collateral: that is a {@link
   * TeeVerification.Failed}.
   */
  public static TeeVerification verify(
      IntelQuote quote, IntelCollateral collateral, IntelPolicy policy) {
    return QuoteVerifier.verify(quote, collateral, policy);
  }

  /** The pinned Intel SGX Root CA (production), SHA-256 fingerprint 44:a0:19:6b:…:74:d3. */
  public static X509Certificate productionRoot() {
    return IntelRoots.production();
  }
}
