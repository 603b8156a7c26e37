package dev.cairn.supplychain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Secret;
import dev.cairn.supplychain.Cosign.Storage;
import dev.cairn.testing.CosignTool;
import dev.cairn.testing.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry a production pipeline meets: TLS with a private CA and bearer tokens from a token
 * service. Cairn pushes, signs and attests there; cosign, given the CA and the credentials the
 * usual way (SSL_CERT_FILE, ~/.docker/config.json), verifies both.
 */
class CosignTokenRegistryIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.tlsToken();
  @TempDir Path dir;

  @Test
  void signedOnATokenRegistryWithPrivateCa_cosignVerifies() throws Exception {
    OciClient oci =
        Registries.builder()
            .caCertificate(REGISTRY.address(), REGISTRY.caCertificate())
            .auth(
                REGISTRY.address(),
                RegistryAuth.basic(REGISTRY.username(), Secret.ofUtf8(REGISTRY.password())))
            .build();
    ImageRef image =
        TinyImage.push(oci, ImageRef.parse(REGISTRY.address() + "/cairn/app:v1"), "token");
    KeyPair key = CosignKeys.generate();
    Cosign cosign = Cosign.using(oci);
    cosign.sign(image, key.getPrivate(), Storage.BOTH);
    cosign.attest(
        image,
        Cosign.statement(
            image,
            CosignIT.SLSA_V1,
            Map.of(
                "buildDefinition",
                Map.of(
                    "buildType",
                    "https://cairn.dev/pipeline/build/v1",
                    "externalParameters",
                    Map.of()),
                "runDetails",
                Map.of("builder", Map.of("id", "https://cairn.dev/builder/v1")))),
        key.getPrivate(),
        Storage.BOTH);
    int tokens = REGISTRY.tokensIssued();
    assertThat(tokens).isPositive();

    Path pub = dir.resolve("cosign.pub");
    Files.writeString(pub, CosignKeys.publicKeyPem(key.getPublic()));
    Files.createDirectories(dir.resolve(".docker"));
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (REGISTRY.username() + ":" + REGISTRY.password()).getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        dir.resolve(".docker/config.json"),
        "{\"auths\":{\"" + REGISTRY.address() + "\":{\"auth\":\"" + auth + "\"}}}");
    Map<String, String> env = Map.of("SSL_CERT_FILE", REGISTRY.caCertificate().toString());

    CosignTool.Result v =
        CosignTool.cosign(
            dir,
            env,
            "verify",
            "--key",
            pub.toString(),
            "--insecure-ignore-tlog=true",
            image.toString());
    assertThat(v.exitCode()).as(v.output()).isZero();
    CosignTool.Result a =
        CosignTool.cosign(
            dir,
            env,
            "verify-attestation",
            "--key",
            pub.toString(),
            "--type",
            "slsaprovenance1",
            "--insecure-ignore-tlog=true",
            image.toString());
    assertThat(a.exitCode()).as(a.output()).isZero();
    assertThat(REGISTRY.tokensIssued()).as("cosign took the token path too").isGreaterThan(tokens);

    // and without the CA, cosign cannot use the registry: go-containerregistry fails TLS, then
    // tries plain HTTP on loopback, which the TLS-only registry refuses
    CosignTool.Result noCa =
        CosignTool.cosign(
            dir,
            "verify",
            "--key",
            pub.toString(),
            "--insecure-ignore-tlog=true",
            image.toString());
    assertThat(noCa.exitCode()).as(noCa.output()).isNotZero();
  }
}
