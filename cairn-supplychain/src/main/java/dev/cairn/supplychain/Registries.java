package dev.cairn.supplychain;

import dev.cairn.supplychain.internal.RegistryTransport;
import dev.cairn.supplychain.internal.Tls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes {@link OciClient}s. HTTPS with the JDK's CAs by default; a registry's own CA certificate
 * with {@link Builder#caCertificate}; plain HTTP only for a registry named in {@link
 * Builder#allowPlainHttp}.
 *
 * <pre>{@code
 * OciClient oci = Registries.builder()
 *     .auth("registry.example:5000", RegistryAuth.basic("ci", password))
 *     .caCertificate("registry.example:5000", Path.of("ca.crt"))
 *     .build();
 * }</pre>
 */
public final class Registries {
  private Registries() {}

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client over the OCI image layout in {@code dir} (made on the first write): one repository,
   * whatever a reference's registry and repository say, with no network at all. How a bundle for an
   * air-gapped verification is written ({@code docs/image-verify.md}).
   */
  public static OciClient layout(Path dir) {
    return new LayoutOciClient(dir, true);
  }

  /** As {@link #layout}, for reading only: every write fails. */
  public static OciClient readLayout(Path dir) {
    return new LayoutOciClient(dir, false);
  }

  /** Options for a client; each registry is named as {@code host[:port]}. */
  public static final class Builder {
    private final Map<String, RegistryAuth> auth = new HashMap<>();
    private final Map<String, List<Path>> cas = new HashMap<>();
    private final Map<String, List<String>> casPem = new HashMap<>();
    private final Set<String> plain = new HashSet<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Credentials for {@code registry}; others are used anonymously. */
    public Builder auth(String registry, RegistryAuth a) {
      auth.put(registry, a);
      return this;
    }

    /** Trusts the CA certificates in PEM file {@code pem} for {@code registry} (and its realm). */
    public Builder caCertificate(String registry, Path pem) {
      cas.computeIfAbsent(registry, k -> new ArrayList<>()).add(pem);
      return this;
    }

    /**
     * Trusts the CA certificates in {@code pem} (PEM text) for {@code registry} (and its realm).
     */
    public Builder caCertificatePem(String registry, String pem) {
      casPem.computeIfAbsent(registry, k -> new ArrayList<>()).add(pem);
      return this;
    }

    /** Talks plain HTTP to {@code registry}: only for a registry on a trusted network. */
    public Builder allowPlainHttp(String registry) {
      plain.add(registry);
      return this;
    }

    public Builder connectTimeout(Duration d) {
      connectTimeout = positive(d);
      return this;
    }

    /** How long one request may take, from sending it to the last byte of its answer. */
    public Builder requestTimeout(Duration d) {
      requestTimeout = positive(d);
      return this;
    }

    public Builder clock(Clock c) {
      clock = c;
      return this;
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("a timeout is positive: " + d);
      }
      return d;
    }

    public OciClient build() {
      Map<String, RegistryAuth> a = Map.copyOf(auth);
      Map<String, List<Path>> c = new HashMap<>();
      cas.forEach((k, v) -> c.put(k, List.copyOf(v)));
      Map<String, List<String>> cp = new HashMap<>();
      casPem.forEach((k, v) -> cp.put(k, List.copyOf(v)));
      Set<String> p = Set.copyOf(plain);
      Duration ct = connectTimeout;
      Duration rt = requestTimeout;
      Clock clk = clock;
      return new DefaultOciClient(
          registry -> {
            HttpClient.Builder hb =
                HttpClient.newBuilder()
                    .connectTimeout(ct)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1);
            List<Path> pems = c.getOrDefault(registry, List.of());
            List<String> texts = cp.getOrDefault(registry, List.of());
            if (!pems.isEmpty() || !texts.isEmpty()) {
              try {
                hb.sslContext(Tls.trusting(pems, texts));
              } catch (IOException e) {
                throw new RegistryException(
                    registry,
                    "set up TLS",
                    0,
                    "cannot use the CA certificate for registry "
                        + registry
                        + ": "
                        + e.getMessage(),
                    "give a PEM file with the registry's CA certificate",
                    dev.cairn.core.Fix.of("registry.ca", "registry", registry),
                    e);
              }
            }
            String scheme = p.contains(registry) ? "http" : "https";
            return new RegistryTransport(
                registry,
                URI.create(scheme + "://" + apiHost(registry)),
                a.getOrDefault(registry, new RegistryAuth.Anonymous()),
                hb.build(),
                rt,
                clk,
                p);
          });
    }
  }

  /** Docker Hub's API is not at docker.io itself. */
  static String apiHost(String registry) {
    return registry.equals(ImageRef.DOCKER_HUB) ? "registry-1.docker.io" : registry;
  }
}
