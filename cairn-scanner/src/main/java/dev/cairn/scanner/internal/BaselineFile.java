package dev.cairn.scanner.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Fix;
import dev.cairn.scanner.Baseline;
import dev.cairn.scanner.ScanException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads the failed findings of a JSON scan report, for {@link Baseline}. */
public final class BaselineFile {
  private BaselineFile() {}

  public static List<Baseline.Key> read(Path file) throws ScanException {
    JsonNode root;
    try (InputStream in = Files.newInputStream(file)) {
      root = Jackson.MAPPER.readTree(in);
    } catch (NoSuchFileException e) {
      throw problem(file, "no such file", null);
    } catch (JsonProcessingException e) {
      throw problem(file, "not JSON: " + Jackson.oneLine(e), e);
    } catch (IOException e) {
      throw problem(file, "cannot read it: " + e.getMessage(), e);
    }
    if (root == null
        || !root.isObject()
        || !JsonReport.SCHEMA.equals(root.path("schema").asText(null))) {
      throw problem(
          file, "not a Cairn scan report (no \"schema\": \"" + JsonReport.SCHEMA + "\")", null);
    }
    if (!root.path("checks").isArray()) {
      throw problem(file, "the report has no \"checks\" list", null);
    }
    List<Baseline.Key> out = new ArrayList<>();
    int i = 0;
    for (JsonNode c : root.get("checks")) {
      String id = text(c, "id");
      JsonNode findings = c.path("findings");
      if (id == null || !findings.isArray()) {
        throw problem(file, "checks[" + i + "] has no \"id\" or no \"findings\" list", null);
      }
      int j = 0;
      for (JsonNode f : findings) {
        JsonNode o = f.path("object");
        String kind = text(o, "kind");
        String name = text(o, "name");
        if (kind == null || name == null) {
          throw problem(
              file, "checks[" + i + "].findings[" + j + "] has no object kind and name", null);
        }
        if ("failed".equals(text(f, "state"))) {
          out.add(
              new Baseline.Key(
                  id, kind, text(o, "namespace"), name, text(f, "container"), text(f, "path")));
        }
        j++;
      }
      i++;
    }
    return out;
  }

  private static @Nullable String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  private static ScanException problem(Path file, String what, @Nullable Throwable cause) {
    return new ScanException(
        "baseline " + file + ": " + what,
        "pass a report that cairn scan wrote in JSON (-o json) on an earlier run",
        Fix.of("scan.baseline", "file", file.toString()),
        cause);
  }
}
