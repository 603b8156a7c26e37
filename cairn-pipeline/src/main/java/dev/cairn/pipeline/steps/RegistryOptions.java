package dev.cairn.pipeline.steps;

import dev.cairn.core.Secret;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.Registries;
import dev.cairn.supplychain.RegistryAuth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How the pipeline reaches its registry, from the push step's settings and the step's secrets:
 * HTTPS with the JDK's CAs and the registry's own CA ({@code caCertificate: FILE}, relative to the
 * checkout, or the PEM in secret {@code REGISTRY_CA_CERTIFICATE}); plain HTTP only with {@code
 * plainHttp: true} (or {@code insecure: true}, its older name). A certificate is never left
 * unchecked.
 *
 * @param registry {@code host[:port]}
 * @param auth basic credentials (a bearer registry's token service gets them), or null
 * @param caFile the CA certificate file, or null
 * @param caPem the CA certificate from the secret, or null
 * @param plainHttp whether the registry is reached over plain HTTP
 */
record RegistryOptions(
    String registry,
    RegistryAuth.@Nullable Basic auth,
    @Nullable Path caFile,
    @Nullable String caPem,
    boolean plainHttp) {

  static final String CA_SECRET = "REGISTRY_CA_CERTIFICATE";

  static RegistryOptions of(StepContext ctx, StepSpec push, String registry)
      throws PipelineException {
    boolean plain =
        Boolean.TRUE.equals(push.params().get("plainHttp"))
            || Boolean.TRUE.equals(push.params().get("insecure"));
    String ca = push.param("caCertificate", "");
    Secret caSecret = ctx.secrets().get(CA_SECRET);
    String where = push.location().toString();
    if (plain && (!ca.isEmpty() || caSecret != null)) {
      throw new PipelineException(
          where + ": the push step asks for plain HTTP and gives a CA certificate",
          "drop plainHttp for a registry that serves TLS, or the CA certificate for one that"
              + " does not");
    }
    Path caFile = null;
    if (!ca.isEmpty()) {
      Path ws = ctx.workspace().toAbsolutePath().normalize();
      caFile = ws.resolve(ca).normalize();
      if (!Files.isRegularFile(caFile)) {
        throw new PipelineException(
            where + ": the push step's caCertificate " + ca + " is not a file",
            "give the registry's CA certificate (PEM) relative to the repository's root, or as an"
                + " absolute path on the machine that runs the pipeline");
      }
    }
    String pem =
        caSecret == null ? null : new String(caSecret.bytes(), StandardCharsets.US_ASCII).strip();
    return new RegistryOptions(registry, Steps.registryAuth(ctx), caFile, pem, plain);
  }

  /** A client for this registry (and anonymous HTTPS with the JDK's CAs for any other). */
  OciClient client() {
    Registries.Builder b = Registries.builder();
    if (plainHttp) {
      b.allowPlainHttp(registry);
    }
    if (auth != null) {
      b.auth(registry, auth);
    }
    if (caFile != null) {
      b.caCertificate(registry, caFile);
    }
    if (caPem != null) {
      b.caCertificatePem(registry, caPem);
    }
    return b.build();
  }
}
