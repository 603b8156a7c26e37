package dev.cairn.deploy.duties;

import dev.cairn.core.Keys;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A named identity's public half: its name and raw Ed25519 public key (base64).
 *
 * @param name lower-case letters, digits, '.', '_' and '-', at most 64
 * @param publicKey the 32-byte raw Ed25519 public key, base64
 */
public record Identity(String name, String publicKey) {
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public Identity {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not an identity name: " + name);
    }
    try {
      Keys.ed25519Public(Base64.getDecoder().decode(publicKey));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a base64 Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** Whether {@code name} may name an identity. */
  public static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }

  public PublicKey key() {
    try {
      return Keys.ed25519Public(Base64.getDecoder().decode(publicKey));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("checked in the constructor", e);
    }
  }

  /** {@code sha256:<hex>} of the raw public key. */
  public String keyId() {
    return Keys.keyId(key());
  }
}
