package dev.cairn.server.http.internal;

import dev.cairn.server.ServerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A TLS key store made from a PEM certificate chain and a PKCS#8 PEM private key. */
final class Pem {
  private static final Pattern KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private Pem() {}

  static KeyStore keyStore(Path certFile, Path keyFile, char[] password) throws ServerException {
    Collection<? extends Certificate> chain;
    try (InputStream in = Files.newInputStream(certFile)) {
      chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new ServerException(
          "cannot read the TLS certificate " + certFile + ": " + e.getMessage(),
          "give a PEM file with the server's certificate first, then its chain",
          e);
    }
    if (chain.isEmpty()) {
      throw new ServerException(
          "no certificate in " + certFile, "give a PEM file with BEGIN CERTIFICATE blocks");
    }
    PrivateKey key;
    try {
      Matcher m = KEY.matcher(Files.readString(keyFile, StandardCharsets.US_ASCII));
      if (!m.find()) {
        throw new ServerException(
            "no PKCS#8 private key in " + keyFile,
            "give a PEM 'BEGIN PRIVATE KEY' file (openssl pkcs8 -topk8 -nocrypt converts others)");
      }
      byte[] der = Base64.getMimeDecoder().decode(m.group(1));
      key = privateKey(der, keyFile);
    } catch (IOException e) {
      throw new ServerException(
          "cannot read the TLS key " + keyFile + ": " + e.getMessage(),
          "check the file and its permissions",
          e);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new ServerException(
          "the TLS key in " + keyFile + " does not go with the certificate in " + certFile,
          "give the key the certificate was issued for",
          e);
    }
  }

  private static PrivateKey privateKey(byte[] der, Path file) throws ServerException {
    for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new ServerException(
        "the private key in " + file + " is not an EC, RSA or Ed25519 key",
        "give an EC or RSA key in PKCS#8 PEM");
  }
}
