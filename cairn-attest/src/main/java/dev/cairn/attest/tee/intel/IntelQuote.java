package dev.cairn.attest.tee.intel;

import dev.cairn.attest.tee.HardwareEvidence;

/** An Intel DCAP quote: an {@link SgxQuote} or a {@link TdxQuote}. */
public sealed interface IntelQuote extends HardwareEvidence permits SgxQuote, TdxQuote {
  QuoteHeader header();

  QuoteSignature signatureData();

  /** The bytes the attestation key signed: header and body (v5: with the body descriptor). */
  byte[] signedBytes();
}
