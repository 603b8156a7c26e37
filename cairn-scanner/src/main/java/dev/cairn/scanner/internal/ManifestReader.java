package dev.cairn.scanner.internal;

import dev.cairn.core.SourceLocation;
import dev.cairn.core.Yaml;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.Notice;
import dev.cairn.scanner.ObjectSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads YAML and JSON manifests one document at a time: multi-document files, {@code kind: List},
 * directories (recursively, {@code .yaml}, {@code .yml}, {@code .json}), and standard input. A
 * malformed document becomes an error notice with file:line:col and reading goes on.
 */
public final class ManifestReader implements ObjectSource {
  private final List<Path> paths;
  private final InputStream stdin;

  public ManifestReader(List<Path> paths, InputStream stdin) {
    this.paths = List.copyOf(paths);
    this.stdin = stdin;
  }

  @Override
  public String describe() {
    return paths.size() == 1
        ? "manifests " + paths.get(0)
        : "manifests (" + paths.size() + " paths)";
  }

  @Override
  public void read(Sink sink) throws dev.cairn.scanner.ScanException {
    for (Path p : paths) {
      if (p.toString().equals("-")) {
        try {
          readStream("-", stdin, sink);
        } catch (IOException e) {
          throw new dev.cairn.scanner.ScanException(
              "cannot read standard input: " + e.getMessage(), null, e);
        }
      } else if (Files.isDirectory(p)) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(p)) {
          files =
              s.filter(Files::isRegularFile).filter(ManifestReader::isManifest).sorted().toList();
        } catch (IOException e) {
          throw new dev.cairn.scanner.ScanException(
              "cannot list " + p + ": " + e.getMessage(),
              "check that the directory is readable",
              e);
        }
        if (files.isEmpty()) {
          sink.notice(
              new Notice(
                  Notice.Level.WARNING,
                  SourceLocation.of(p.toString()),
                  "no .yaml, .yml or .json files in directory"));
        }
        for (Path f : files) {
          readFile(f, sink);
        }
      } else if (Files.isRegularFile(p)) {
        readFile(p, sink);
      } else {
        throw new dev.cairn.scanner.ScanException(
            p + ": no such file or directory", "check the path, or use - to read standard input");
      }
    }
  }

  static boolean isManifest(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  private void readFile(Path f, Sink sink) throws dev.cairn.scanner.ScanException {
    try (InputStream in = Files.newInputStream(f)) {
      if (f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
        readJson(f.toString(), in, sink);
        return;
      }
      readStream(f.toString(), in, sink);
    } catch (IOException e) {
      sink.notice(
          new Notice(
              Notice.Level.ERROR,
              SourceLocation.of(f.toString()),
              "cannot read file: " + e.getMessage()));
    }
  }

  /**
   * A JSON file, streamed with Jackson: one object, or a list ({@code kubectl get -o json}) whose
   * {@code items} are handed on one at a time with their own line and column.
   */
  @SuppressWarnings("unchecked")
  static void readJson(String name, InputStream in, Sink sink) throws IOException {
    com.fasterxml.jackson.databind.ObjectMapper mapper = Jackson.MAPPER;
    try (com.fasterxml.jackson.core.JsonParser p = mapper.getFactory().createParser(in)) {
      try {
        if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
          sink.notice(
              new Notice(
                  Notice.Level.ERROR,
                  new SourceLocation(name, 1, 1),
                  "JSON document is not an object; skipped"));
          return;
        }
        SourceLocation start = new SourceLocation(name, 1, 1);
        Map<String, Object> top = new java.util.LinkedHashMap<>();
        boolean items = false;
        while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
          String field = p.currentName();
          com.fasterxml.jackson.core.JsonToken t = p.nextToken();
          if (field.equals("items") && t == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
            items = true;
            while (p.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
              var loc = p.currentTokenLocation();
              SourceLocation at =
                  new SourceLocation(
                      name, Math.max(1, loc.getLineNr()), Math.max(1, loc.getColumnNr()));
              Object item = mapper.readValue(p, Object.class);
              if (item instanceof Map<?, ?> m) {
                accept(dropNulls((Map<String, Object>) m), at, sink);
              } else {
                sink.notice(
                    new Notice(Notice.Level.ERROR, at, "list item is not an object; skipped"));
              }
            }
          } else {
            Object v = mapper.readValue(p, Object.class);
            if (v != null) {
              top.put(field, v);
            }
          }
        }
        if (!items) {
          accept(dropNulls(top), start, sink);
        }
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        var loc = e.getLocation();
        String msg = e.getOriginalMessage() == null ? "malformed JSON" : e.getOriginalMessage();
        sink.notice(
            new Notice(
                Notice.Level.ERROR,
                new SourceLocation(
                    name,
                    loc == null ? 1 : Math.max(1, loc.getLineNr()),
                    loc == null ? 1 : Math.max(1, loc.getColumnNr())),
                "malformed JSON: " + msg.replace('\n', ' ')));
      }
    }
  }

  /** The API server drops null fields; so does the YAML reader. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> dropNulls(Map<String, Object> m) {
    m.values().removeIf(java.util.Objects::isNull);
    for (Object v : m.values()) {
      if (v instanceof Map<?, ?> c) {
        dropNulls((Map<String, Object>) c);
      } else if (v instanceof List<?> l) {
        for (Object o : l) {
          if (o instanceof Map<?, ?> c) {
            dropNulls((Map<String, Object>) c);
          }
        }
      }
    }
    return m;
  }

  /** Splits on {@code ---} lines and parses each document on its own, so one bad one is local. */
  public static void readStream(String name, InputStream in, Sink sink) throws IOException {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    StringBuilder doc = new StringBuilder();
    int lineNo = 0;
    int docStart = 0;
    String line;
    while ((line = r.readLine()) != null) {
      if (lineNo == 0 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
        line = line.substring(1);
      }
      if (isSeparator(line)) {
        emit(name, doc.toString(), docStart, sink);
        doc.setLength(0);
        docStart = lineNo + 1;
        String rest = line.startsWith("---") ? line.substring(3).strip() : "";
        if (!rest.isEmpty() && !rest.startsWith("#")) {
          // "--- {inline: doc}": keep the content on the document's first line
          doc.append(" ".repeat(3)).append(line.substring(3)).append('\n');
          docStart = lineNo;
        }
      } else {
        doc.append(line).append('\n');
      }
      lineNo++;
    }
    emit(name, doc.toString(), docStart, sink);
  }

  private static boolean isSeparator(String line) {
    return (line.startsWith("---")
            && (line.length() == 3 || Character.isWhitespace(line.charAt(3))))
        || line.equals("...");
  }

  @SuppressWarnings("unchecked")
  private static void emit(String name, String text, int firstLine, Sink sink) {
    if (text.isBlank()) {
      return;
    }
    Yaml.Document d;
    try {
      d = Yaml.parseDocument(name, text, firstLine);
    } catch (Yaml.YamlSyntaxException e) {
      sink.notice(
          new Notice(Notice.Level.ERROR, e.diagnostic().location(), e.diagnostic().message()));
      return;
    }
    Object v = d.value();
    if (v == null) {
      return;
    }
    SourceLocation at = new SourceLocation(name, d.line(), d.column());
    if (!(v instanceof Map<?, ?> map)) {
      sink.notice(
          new Notice(
              Notice.Level.ERROR,
              at,
              "document is not a Kubernetes object (not a mapping); skipped"));
      return;
    }
    Map<String, Object> m = (Map<String, Object>) map;
    if (m.get("kind") instanceof String k
        && k.endsWith("List")
        && m.get("items") instanceof List<?> items) {
      for (int i = 0; i < items.size(); i++) {
        var node = Yaml.find(d.node(), "items", i);
        SourceLocation il = node == null ? at : node.location(name);
        if (items.get(i) instanceof Map<?, ?> item) {
          accept((Map<String, Object>) item, il, sink);
        } else {
          sink.notice(new Notice(Notice.Level.ERROR, il, "list item is not an object; skipped"));
        }
      }
      return;
    }
    accept(m, at, sink);
  }

  private static void accept(Map<String, Object> m, SourceLocation at, Sink sink) {
    KubeObject o = KubeObject.of(m, at);
    if (o == null) {
      sink.notice(
          new Notice(
              Notice.Level.ERROR,
              at,
              "document has no apiVersion or kind; skipped (perhaps it is not a Kubernetes manifest)"));
      return;
    }
    sink.object(o);
  }

  /** All objects of a stream, for tests and small inputs. */
  public static List<KubeObject> readAll(String name, String yaml, List<Notice> notices) {
    List<KubeObject> out = new ArrayList<>();
    try {
      readStream(
          name,
          new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
          new Sink() {
            @Override
            public void object(KubeObject object) {
              out.add(object);
            }

            @Override
            public void notice(Notice notice) {
              notices.add(notice);
            }
          });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }
}
