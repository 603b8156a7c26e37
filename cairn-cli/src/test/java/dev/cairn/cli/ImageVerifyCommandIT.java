package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.supplychain.CosignKeys;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Registries;
import dev.cairn.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn verify IMAGE@DIGEST} against a real docker-registry: verify and save a bundle, then
 * verify the bundle; a registry spoken to in the wrong protocol is a named {@code registry} link.
 */
class ImageVerifyCommandIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.plain();

  @TempDir Path dir;

  @Test
  void verify_fromTheRegistry_savesABundle_thatVerifiesOnItsOwn() throws Exception {
    KeyPair key = CosignKeys.generate();
    ImageRef image =
        ImageVerifyCommandTest.signed(
            Registries.builder().allowPlainHttp(REGISTRY.address()).build(),
            ImageRef.parse(REGISTRY.address() + "/team/app:v1"),
            key);
    Path home = dir.resolve("home");
    Path pub =
        Files.writeString(dir.resolve("cosign.pub"), CosignKeys.publicKeyPem(key.getPublic()));
    assertThat(
            CliTest.run(
                    home,
                    "trust",
                    "add-builder-key",
                    pub.toString(),
                    "--since",
                    "2026-01-01T00:00:00Z")
                .code())
        .isZero();
    assertThat(CliTest.run(home, "trust", "allow-unattested-builders").code()).isZero();

    Path bundle = dir.resolve("app.bundle");
    CliTest.Run r =
        CliTest.run(
            home,
            "verify",
            image.toString(),
            "--plain-http",
            "--commit",
            ImageVerifyCommandTest.COMMIT,
            "--save-bundle",
            bundle.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .startsWith("VERIFIED image " + image + " (from registry " + REGISTRY.address() + ")")
        .contains("  links checked: registry, signature, provenance, builder, source\n")
        .contains("  saved the bundle in " + bundle + "\n");

    CliTest.Run offline =
        CliTest.run(
            home,
            "verify",
            image.toString(),
            "--bundle",
            bundle.toString(),
            "--commit",
            ImageVerifyCommandTest.COMMIT,
            "-o",
            "json");
    assertThat(offline.code()).as(offline.out()).isZero();
    assertThat(offline.out())
        .contains("\"from\" : \"bundle " + bundle + "\"")
        .contains(
            "\"links\" : [ \"bundle\", \"signature\", \"provenance\", \"builder\", \"source\" ]");

    CliTest.Run tls = CliTest.run(home, "verify", image.toString());
    assertThat(tls.code()).isEqualTo(1);
    assertThat(tls.out()).startsWith("NOT VERIFIED: registry: ").contains(REGISTRY.address());
  }
}
