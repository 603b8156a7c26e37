package dev.cairn.deploy.tekton;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pipeline.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Triggers' CRDs preserve unknown fields, so the API server takes any key in a TriggerBinding,
 * TriggerTemplate or EventListener. This walks the exported ones against the fields Triggers'
 * v1beta1 Go types declare ({@code tekton/triggers/v1beta1-fields.txt}, the {@code json:} tags of
 * {@code pkg/apis/triggers/v1beta1}; see {@code tekton/SOURCES.md}): every key must be one.
 */
class TektonTriggersFieldsTest {
  static final Path FIELDS = Path.of("src/test/resources/tekton/triggers/v1beta1-fields.txt");

  /** The root type of each Triggers kind. */
  static final Map<String, String> ROOTS =
      Map.of(
          "TriggerBinding", "TriggerBinding",
          "TriggerTemplate", "TriggerTemplate",
          "EventListener", "EventListener");

  /** Struct → JSON field → Go type, with Go's type aliases resolved and inline fields merged. */
  record Types(Map<String, Map<String, String>> fields, Map<String, String> aliases) {
    static Types load() throws Exception {
      Map<String, Map<String, String>> fields = new LinkedHashMap<>();
      Map<String, String> aliases = new HashMap<>();
      for (String line : Files.readAllLines(FIELDS)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] p = line.trim().split("\\s+");
        if (p.length == 3 && p[1].equals("=")) {
          aliases.put(p[0], p[2]);
        } else if (p.length == 3) {
          fields.computeIfAbsent(p[0], k -> new LinkedHashMap<>()).put(p[1], p[2]);
        } else {
          throw new AssertionError("not a field line: " + line);
        }
      }
      return new Types(fields, aliases);
    }

    String resolve(String goType) {
      String t = goType.replace("*", "");
      return aliases.getOrDefault(t, t);
    }

    /** The JSON fields of {@code type}, or null when it is not a Triggers struct (free here). */
    @org.jspecify.annotations.Nullable
    Map<String, String> jsonFields(String type) {
      Map<String, String> own = fields.get(type);
      if (own == null) {
        return null;
      }
      Map<String, String> all = new LinkedHashMap<>();
      for (Map.Entry<String, String> f : own.entrySet()) {
        if (!f.getKey().equals("(inline)")) {
          all.put(f.getKey(), f.getValue());
        } else if (f.getValue().equals("metav1.TypeMeta")) {
          all.put("apiVersion", "string");
          all.put("kind", "string");
        } else {
          Map<String, String> inner = jsonFields(resolve(f.getValue()));
          if (inner == null) {
            return null; // e.g. runtime.RawExtension inline: any object
          }
          all.putAll(inner);
        }
      }
      return all;
    }
  }

  static void walk(Types types, Object value, String goType, String path, List<String> errors) {
    String t = goType.replace("*", "");
    if (t.startsWith("[]")) {
      if (!(value instanceof List<?> l)) {
        errors.add(path + " is not a list (" + goType + ")");
        return;
      }
      for (int i = 0; i < l.size(); i++) {
        walk(types, l.get(i), t.substring(2), path + "[" + i + "]", errors);
      }
      return;
    }
    Map<String, String> fields = types.jsonFields(types.resolve(t));
    if (fields == null) {
      return;
    }
    if (!(value instanceof Map<?, ?> m)) {
      errors.add(path + " is not an object (" + t + ")");
      return;
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      String fieldType = fields.get(key);
      if (fieldType == null) {
        errors.add(path + "." + key + " is not a field of " + types.resolve(t));
      } else {
        walk(types, e.getValue(), fieldType, path + "." + key, errors);
      }
    }
  }

  static List<String> check(Types types, List<Map<String, Object>> objects) {
    List<String> errors = new ArrayList<>();
    int walked = 0;
    for (Map<String, Object> o : objects) {
      String kind = (String) o.get("kind");
      if (String.valueOf(o.get("apiVersion")).startsWith("triggers.tekton.dev/")) {
        assertThat(o.get("apiVersion")).isEqualTo("triggers.tekton.dev/v1beta1");
        walk(types, o, ROOTS.get(kind), kind, errors);
        walked++;
      }
    }
    assertThat(walked).as("Triggers objects checked").isEqualTo(3);
    return errors;
  }

  @Test
  void allowList_holdsTheTriggersTypesTheExportUses() throws Exception {
    Types types = Types.load();
    assertThat(types.jsonFields("EventListenerSpec"))
        .containsKeys("serviceAccountName", "triggers", "namespaceSelector", "resources");
    assertThat(types.jsonFields(types.resolve("*EventInterceptor")))
        .containsOnlyKeys("name", "ref", "params", "webhook");
    assertThat(types.jsonFields("TriggerBinding"))
        .containsOnlyKeys("apiVersion", "kind", "metadata", "spec", "status");
    assertThat(types.jsonFields("TriggerResourceTemplate")).isNull();
  }

  @Test
  void exportedTriggersObjects_useOnlyTriggersDocumentedFields() throws Exception {
    Types types = Types.load();
    assertThat(check(types, TektonExportTest.exampleExport("ci").objects())).isEmpty();
    assertThat(
            check(
                types,
                TektonExport.render(
                        Pipelines.defaults(),
                        new TektonExport.Options("ci", TektonExportTest.IMAGE))
                    .objects()))
        .isEmpty();
  }

  /** The walk finds a misspelt field at any depth: the check above can fail. */
  @Test
  void anUndocumentedField_isReportedWithItsPath() throws Exception {
    Types types = Types.load();
    List<Map<String, Object>> objects =
        new ArrayList<>(TektonExportTest.exampleExport("ci").objects());
    for (int i = 0; i < objects.size(); i++) {
      Map<String, Object> o = objects.get(i);
      if (o.get("kind").equals("EventListener")) {
        Map<String, Object> copy = deepCopy(o);
        Map<String, Object> spec = TektonExportTest.map(copy.get("spec"));
        spec.put("serviceAccount", spec.remove("serviceAccountName"));
        Map<String, Object> trigger =
            TektonExportTest.map(TektonExportTest.list(spec.get("triggers")).get(0));
        Map<String, Object> github =
            TektonExportTest.map(TektonExportTest.list(trigger.get("interceptors")).get(0));
        TektonExportTest.map(github.get("ref")).put("namespace", "x");
        objects.set(i, copy);
      } else if (o.get("kind").equals("TriggerBinding")) {
        Map<String, Object> copy = deepCopy(o);
        TektonExportTest.map(
                TektonExportTest.list(TektonExportTest.spec(copy).get("params")).get(0))
            .put("default", "x");
        objects.set(i, copy);
      }
    }
    assertThat(check(types, objects))
        .containsExactlyInAnyOrder(
            "TriggerBinding.spec.params[0].default is not a field of Param",
            "EventListener.spec.serviceAccount is not a field of EventListenerSpec",
            "EventListener.spec.triggers[0].interceptors[0].ref.namespace is not a field of"
                + " InterceptorRef");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepCopy(Map<String, Object> o) throws Exception {
    return (Map<String, Object>) dev.cairn.core.Json.parse(dev.cairn.core.Json.canonical(o));
  }
}
