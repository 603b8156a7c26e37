package dev.cairn.deploy.duties;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Json;
import dev.cairn.core.Keys;
import dev.cairn.core.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The identity that a Cairn home speaks for: {@code identity/identity.json} (name and public key)
 * and {@code identity/identity.key} (the PKCS#8 private key, mode 0600, never printed).
 */
public final class Identities {
  private Identities() {}

  /** The directory of the home's identity. */
  public static Path dir(CairnHome home) {
    return home.dir("identity");
  }

  /** Generates a key for {@code name} in {@code home}; refuses to replace an identity. */
  public static Identity init(CairnHome home, String name) throws DutyException {
    if (!Identity.validName(name)) {
      throw new DutyException(
          "identity name '" + name + "' is not allowed",
          "choose a name of lower-case letters, digits, '.', '_' or '-' (at most 64)");
    }
    Path dir = dir(home);
    Path pub = dir.resolve("identity.json");
    Path key = dir.resolve("identity.key");
    if (Files.exists(pub) || Files.exists(key)) {
      throw new DutyException(
          "Cairn home " + home + " already holds an identity (" + pub + ")",
          "use another Cairn home for another identity, or remove its identity directory first");
    }
    KeyPair kp = Keys.ed25519();
    Identity id = new Identity(name, Base64.getEncoder().encodeToString(Keys.raw(kp.getPublic())));
    byte[] pkcs8 = kp.getPrivate().getEncoded();
    try {
      AtomicFiles.write(key, pkcs8, true);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", id.name());
      m.put("publicKey", id.publicKey());
      m.put("keyId", id.keyId());
      AtomicFiles.write(pub, Json.pretty(m) + "\n");
    } catch (IOException e) {
      throw new DutyException(
          "cannot write identity to " + dir + ": " + e.getMessage(),
          "check that Cairn's home is writable",
          e);
    } finally {
      java.util.Arrays.fill(pkcs8, (byte) 0);
    }
    return id;
  }

  /** The public half of the home's identity. */
  public static Identity show(CairnHome home) throws DutyException {
    Path pub = dir(home).resolve("identity.json");
    if (!Files.exists(pub)) {
      throw new DutyException(
          "Cairn home " + home + " holds no identity",
          "run identity init NAME with this Cairn home first");
    }
    try {
      Map<String, Object> m = Json.parseObject(Files.readString(pub));
      return new Identity(String.valueOf(m.get("name")), String.valueOf(m.get("publicKey")));
    } catch (IOException | IllegalArgumentException e) {
      throw new DutyException(
          pub + ": not a Cairn identity: " + e.getMessage(),
          "restore the identity directory from a backup, or make a new identity in a new home",
          e);
    }
  }

  /** The home's identity with its private key, for signing. */
  public static IdentityKey load(CairnHome home) throws DutyException {
    Identity id = show(home);
    Path key = dir(home).resolve("identity.key");
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(key);
      if (perms.stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
        throw new DutyException(
            key + " is readable by others than its owner",
            "chmod 600 " + key + " (and check who may have read it)");
      }
    } catch (UnsupportedOperationException | IOException e) {
      // not POSIX: the directory's own permissions apply; a missing file fails below
    }
    Secret pkcs8;
    try {
      pkcs8 = Secret.of(Files.readAllBytes(key));
    } catch (IOException e) {
      throw new DutyException(
          "cannot read the identity's key " + key + ": " + e.getMessage(),
          "restore the identity directory from a backup",
          e);
    }
    try {
      PrivateKey pk = Keys.ed25519Private(pkcs8);
      IdentityKey k = new IdentityKey(id, pk);
      byte[] probe = "cairn-identity-probe".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (!Keys.verifyEd25519(id.key(), probe, Base64.getDecoder().decode(k.sign(probe)))) {
        throw new DutyException(
            key + " does not belong to the public key in identity.json",
            "restore the identity directory from a backup");
      }
      return k;
    } catch (GeneralSecurityException e) {
      throw new DutyException(
          key + " is not an Ed25519 private key",
          "restore the identity directory from a backup",
          e);
    } finally {
      pkcs8.destroy();
    }
  }
}
