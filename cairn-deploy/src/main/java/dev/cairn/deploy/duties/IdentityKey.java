package dev.cairn.deploy.duties;

import dev.cairn.core.Keys;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Base64;

/**
 * An identity with its private key, loaded from its own Cairn home ({@link Identities#load}). It
 * signs; it never prints the key ({@link #toString()} shows the name and key id only).
 */
public final class IdentityKey {
  private final Identity identity;
  private final PrivateKey key;

  IdentityKey(Identity identity, PrivateKey key) {
    this.identity = identity;
    this.key = key;
  }

  public Identity identity() {
    return identity;
  }

  public String name() {
    return identity.name();
  }

  /** An Ed25519 signature over {@code message}, base64. */
  String sign(byte[] message) {
    try {
      return Base64.getEncoder().encodeToString(Keys.signEd25519(key, message));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  @Override
  public String toString() {
    return "IdentityKey[" + identity.name() + ", " + identity.keyId() + "]";
  }
}
