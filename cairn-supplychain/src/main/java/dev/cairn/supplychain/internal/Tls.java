package dev.cairn.supplychain.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/** TLS trust: the JDK's CAs plus the CA certificates of PEM files a user gave for a registry. */
public final class Tls {
  private Tls() {}

  /** An SSL context trusting the JDK's CAs and every certificate in {@code pemFiles}. */
  public static SSLContext trusting(List<Path> pemFiles) throws IOException {
    return trusting(pemFiles, List.of());
  }

  /** As {@link #trusting(List)}, with more certificates given as PEM text. */
  public static SSLContext trusting(List<Path> pemFiles, List<String> pemTexts) throws IOException {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int n = 0;
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Path p : pemFiles) {
        Collection<? extends java.security.cert.Certificate> certs;
        try (InputStream in = Files.newInputStream(p)) {
          certs = cf.generateCertificates(in);
        } catch (CertificateException e) {
          throw new IOException(p + " holds no PEM certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
          throw new IOException(p + " holds no PEM certificate");
        }
        for (var c : certs) {
          ks.setCertificateEntry("ca" + n++, c);
        }
      }
      for (String pem : pemTexts) {
        Collection<? extends java.security.cert.Certificate> certs;
        try (InputStream in =
            new java.io.ByteArrayInputStream(
                pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
          certs = cf.generateCertificates(in);
        } catch (CertificateException e) {
          throw new IOException("the CA certificate given as text is no PEM certificate", e);
        }
        if (certs.isEmpty()) {
          throw new IOException("the CA certificate given as text holds no PEM certificate");
        }
        for (var c : certs) {
          ks.setCertificateEntry("ca" + n++, c);
        }
      }
      X509ExtendedTrustManager custom = trustManager(ks);
      X509ExtendedTrustManager system = trustManager(null);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new Either(custom, system)}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS trust: " + e.getMessage(), e);
    }
  }

  private static X509ExtendedTrustManager trustManager(@Nullable KeyStore ks)
      throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /**
   * Trusts a chain either trust manager trusts; each checks the host name itself (the engine
   * variants carry the endpoint identification the HTTP client asks for).
   */
  private static final class Either extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager a;
    private final X509ExtendedTrustManager b;

    Either(X509ExtendedTrustManager a, X509ExtendedTrustManager b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        a.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        b.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s)
        throws CertificateException {
      try {
        a.checkServerTrusted(chain, authType, s);
      } catch (CertificateException e) {
        b.checkServerTrusted(chain, authType, s);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e)
        throws CertificateException {
      try {
        a.checkServerTrusted(chain, authType, e);
      } catch (CertificateException ex) {
        b.checkServerTrusted(chain, authType, e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a registry client does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>(List.of(a.getAcceptedIssuers()));
      all.addAll(List.of(b.getAcceptedIssuers()));
      return all.toArray(X509Certificate[]::new);
    }
  }
}
