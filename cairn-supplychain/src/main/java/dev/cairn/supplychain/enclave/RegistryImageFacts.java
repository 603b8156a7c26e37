package dev.cairn.supplychain.enclave;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.Manifest;
import dev.cairn.supplychain.MediaTypes;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.internal.OciJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link ImageFacts} from an OCI registry: the manifest by digest, and its config blob. */
public final class RegistryImageFacts implements ImageFacts {
  private final OciClient oci;

  public RegistryImageFacts(OciClient oci) {
    this.oci = oci;
  }

  @Override
  public Image resolve(String reference) throws CairnException {
    ImageRef ref = ImageRef.parse(reference);
    Digest named = ref.requireDigest();
    Manifest m = oci.getManifest(ref);
    if (!m.digest().equals(named)) {
      throw new CairnException(
          reference + ": the registry answered with manifest " + m.digest(),
          "check the registry: it does not serve what the digest names");
    }
    if (MediaTypes.OCI_INDEX.equals(m.mediaType())
        || MediaTypes.DOCKER_MANIFEST_LIST.equals(m.mediaType())) {
      throw new CairnException(
          reference + " is an image index, not one platform's image",
          "name the platform's manifest by digest (what the node runs is measured)");
    }
    OciJson.ImageManifest im;
    try {
      im = OciJson.imageManifest(m.bytes());
    } catch (IOException e) {
      throw new CairnException(
          reference + ": the manifest is not an image manifest: " + e.getMessage(), null, e);
    }
    byte[] config = oci.getBlob(ref, im.config().digest());
    if (!Digest.sha256(config).equals(im.config().digest())) {
      throw new CairnException(reference + ": the config blob does not match its digest", null);
    }
    return parseConfig(m.digest(), im.config().digest(), config, reference);
  }

  /** The entrypoint and command of an image config ({@code config.Entrypoint}, {@code Cmd}). */
  static Image parseConfig(Digest manifest, Digest configDigest, byte[] config, String where)
      throws CairnException {
    Map<String, Object> root;
    try {
      root = Json.parseObject(new String(config, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CairnException(where + ": the image config is not JSON: " + e.getMessage(), null);
    }
    Object c = root.get("config");
    List<String> entrypoint = new ArrayList<>();
    List<String> cmd = new ArrayList<>();
    if (c instanceof Map<?, ?> cfg) {
      if (cfg.get("Entrypoint") instanceof List<?> l) {
        l.forEach(x -> entrypoint.add(String.valueOf(x)));
      }
      if (cfg.get("Cmd") instanceof List<?> l) {
        l.forEach(x -> cmd.add(String.valueOf(x)));
      }
    }
    return new Image(manifest, configDigest, entrypoint, cmd);
  }
}
