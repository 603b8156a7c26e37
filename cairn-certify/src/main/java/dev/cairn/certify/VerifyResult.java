package dev.cairn.certify;

import dev.cairn.core.Digest;
import dev.cairn.ledger.Certificate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** How a verification ended. */
public sealed interface VerifyResult permits VerifyResult.Verified, VerifyResult.NotVerified {
  /** The certificate's digest. */
  Digest certificateDigest();

  /** The ledger its receipt names. */
  String ledger();

  /**
   * Every link held.
   *
   * @param certificate what it certifies
   * @param links the links checked, in order
   * @param recordedOn the chain ledger it was checked on (null for the embedded log or offline)
   * @param notChecked what could not be checked ({@code revocation}, {@code cluster identity})
   */
  record Verified(
      Digest certificateDigest,
      String ledger,
      Certificate certificate,
      List<String> links,
      @Nullable String recordedOn,
      List<String> notChecked)
      implements VerifyResult {
    public Verified {
      links = List.copyOf(links);
      notChecked = List.copyOf(notChecked);
    }
  }

  /**
   * A link broke.
   *
   * @param link the link that broke ({@code signature}, {@code ledger record}, …)
   * @param message what broke
   * @param hint what to do, phrased to follow "perhaps you should"
   */
  record NotVerified(
      Digest certificateDigest,
      String ledger,
      String link,
      String message,
      @Nullable String hint,
      dev.cairn.core.@Nullable Fix fix)
      implements VerifyResult {}
}
