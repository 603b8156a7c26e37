package dev.cairn.pipeline.steps.internal;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.supplychain.Cosign;
import dev.cairn.supplychain.ImageRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements the sign step attests beside the provenance, made the same way by both builders
 * (the local key in the step, the attested builder in its measured process): each {@link
 * BuilderProtocol.Extra}'s file read, its digest checked against what the run recorded, and put as
 * the predicate of an in-toto Statement about the image — as {@code cosign attest --type cyclonedx
 * --predicate bom.json} does for an SBOM.
 */
public final class Extras {
  /** cosign's predicate type for {@code --type cyclonedx}: the predicate is the CycloneDX BOM. */
  public static final String CYCLONEDX = "https://cyclonedx.org/bom";

  /** The vulnerability gate's predicate type ({@code VulnGate.PREDICATE_TYPE}). */
  public static final String VULN_GATE = dev.cairn.supplychain.vuln.VulnGate.PREDICATE_TYPE;

  private Extras() {}

  /** The in-toto Statements of {@code task}'s extras about its image, in their order. */
  public static List<byte[]> statements(BuilderProtocol.Task task) throws CairnException {
    ImageRef image = ImageRef.parse(task.image());
    List<byte[]> out = new ArrayList<>();
    for (BuilderProtocol.Extra e : task.extras()) {
      out.add(Cosign.statement(image, e.predicateType(), predicate(e)));
    }
    return out;
  }

  /**
   * The extras as the provenance's byproducts: their predicate type (as name), digest and media
   * type, so the provenance names the SBOM and the gate's result it was signed with.
   */
  public static List<Map<String, Object>> byproducts(BuilderProtocol.Task task) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (BuilderProtocol.Extra e : task.extras()) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("name", e.predicateType());
      b.put("digest", Map.of(e.digest().algorithm(), e.digest().hex()));
      b.put(
          "mediaType",
          CYCLONEDX.equals(e.predicateType())
              ? "application/vnd.cyclonedx+json"
              : "application/json");
      out.add(b);
    }
    return out;
  }

  private static Map<String, Object> predicate(BuilderProtocol.Extra e) throws CairnException {
    Path p = Path.of(e.path());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(p);
    } catch (IOException x) {
      throw new CairnException(
          "cannot read the " + e.predicateType() + " predicate " + p + ": " + x.getMessage(),
          "check that the step that wrote it ran in this run's workspace");
    }
    Digest d = Digest.sha256(bytes);
    if (!d.equals(e.digest())) {
      throw new CairnException(
          "the "
              + e.predicateType()
              + " predicate "
              + p
              + " is "
              + d
              + ", not the "
              + e.digest()
              + " its step wrote; nothing was signed",
          "rerun the pipeline: the file changed after the step that wrote it");
    }
    try {
      return Json.parseObject(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException x) {
      throw new CairnException(
          "the " + e.predicateType() + " predicate " + p + " is not a JSON object",
          "check the step that wrote it");
    }
  }
}
