package dev.cairn.supplychain;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import org.jspecify.annotations.Nullable;

/**
 * An image's signature or attestation did not verify; {@link #link()} names the link that broke,
 * e.g. {@code signature.missing}, {@code signature.invalid}, {@code signature.digest}, {@code
 * attestation.subject}.
 */
public final class SignatureVerificationException extends CairnException {
  private static final long serialVersionUID = 1L;
  private final String link;

  public SignatureVerificationException(String link, String message, @Nullable String hint) {
    super(link + ": " + message, hint, Fix.of("supplychain." + link), null);
    this.link = link;
  }

  public String link() {
    return link;
  }
}
