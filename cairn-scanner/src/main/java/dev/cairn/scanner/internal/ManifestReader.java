package dev.cairn.scanner.internal;

import dev.cairn.core.Fix;
import dev.cairn.core.Sizes;
import dev.cairn.core.SourceLocation;
import dev.cairn.core.Yaml;
import dev.cairn.scanner.InputLimits;
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
import org.jspecify.annotations.Nullable;

/**
 * Reads YAML and JSON manifests one document at a time: multi-document files, {@code kind: List},
 * directories (recursively, {@code .yaml}, {@code .yml}, {@code .json}), and standard input. A
 * malformed document becomes an error notice with file:line:col and reading goes on.
 */
public final class ManifestReader implements ObjectSource {
  private final List<Path> paths;
  private final InputStream stdin;
  private final InputLimits limits;

  public ManifestReader(List<Path> paths, InputStream stdin) {
    this(paths, stdin, InputLimits.defaults());
  }

  public ManifestReader(List<Path> paths, InputStream stdin, InputLimits limits) {
    this.paths = List.copyOf(paths);
    this.stdin = stdin;
    this.limits = limits;
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
          readStream("-", stdin, sink, limits);
        } catch (IOException e) {
          throw new dev.cairn.scanner.ScanException(
              "cannot read standard input: " + e.getMessage(), null, e);
        }
      } else if (Files.isDirectory(p)) {
        List<Path> files = walk(p, sink);
        for (Path f : files) {
          readFile(f, sink);
        }
      } else if (Files.isRegularFile(p)) {
        readFile(p, sink);
      } else if (Files.exists(p)) {
        // a pipe (cairn scan <(helm template .)), a device, a socket: read as a stream
        readFile(p, sink);
      } else if (Files.isSymbolicLink(p)) {
        throw new dev.cairn.scanner.ScanException(
            p + ": dangling symbolic link to " + target(p),
            "point the link at a manifest file or directory, or pass the file itself");
      } else {
        throw new dev.cairn.scanner.ScanException(
            p + ": no such file or directory", "check the path, or use - to read standard input");
      }
    }
  }

  /** The file names by which kustomize finds a kustomization. */
  static final List<String> KUSTOMIZATION =
      List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  /**
   * The manifest files under {@code root}, sorted. Symbolic links to directories are followed (each
   * named in a notice), a link back to a directory being walked is reported and not followed, and a
   * dangling link is reported: nothing is left out without a word. A Kustomize directory or a Helm
   * chart is named with the command that renders it, and its files are not read: a base before its
   * patches, or a template before Helm fills it in, is not what gets applied.
   */
  private static List<Path> walk(Path root, Sink sink) throws dev.cairn.scanner.ScanException {
    List<Path> files = new ArrayList<>();
    boolean[] rendered = {false};
    try {
      Files.walkFileTree(
          root,
          java.util.EnumSet.of(java.nio.file.FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new java.nio.file.SimpleFileVisitor<Path>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(
                Path dir, java.nio.file.attribute.BasicFileAttributes attrs) {
              for (String k : KUSTOMIZATION) {
                if (Files.isRegularFile(dir.resolve(k))) {
                  rendered[0] = true;
                  sink.notice(render(dir, "Kustomize directory", "kubectl kustomize " + dir));
                  return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                }
              }
              if (Files.isRegularFile(dir.resolve("Chart.yaml"))) {
                rendered[0] = true;
                sink.notice(render(dir, "Helm chart", "helm template " + dir));
                return java.nio.file.FileVisitResult.SKIP_SUBTREE;
              }
              if (!dir.equals(root) && Files.isSymbolicLink(dir)) {
                sink.notice(
                    new Notice(
                        Notice.Level.INFO,
                        SourceLocation.of(dir.toString()),
                        "followed the symbolic link to directory " + target(dir)));
              }
              return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(
                Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
              if (attrs.isSymbolicLink()) {
                // following links, the walk hands over a link's own attributes only when its
                // target does not exist
                sink.notice(
                    new Notice(
                        Notice.Level.WARNING,
                        SourceLocation.of(file.toString()),
                        "dangling symbolic link to " + target(file) + "; not read",
                        "point the link at a file that exists, or remove it",
                        null));
              } else if (attrs.isRegularFile() && isManifest(file)) {
                files.add(file);
              }
              return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
              if (e instanceof java.nio.file.FileSystemLoopException) {
                sink.notice(
                    new Notice(
                        Notice.Level.WARNING,
                        SourceLocation.of(file.toString()),
                        "symbolic link to "
                            + target(file)
                            + " loops back to a directory being read; not followed",
                        "remove the link, or point it outside the tree",
                        null));
              } else {
                sink.notice(
                    new Notice(
                        Notice.Level.ERROR,
                        SourceLocation.of(file.toString()),
                        "cannot read: " + e.getMessage(),
                        "check that it is readable",
                        null));
              }
              return java.nio.file.FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new dev.cairn.scanner.ScanException(
          "cannot list " + root + ": " + e.getMessage(), "check that the directory is readable", e);
    }
    if (files.isEmpty() && !rendered[0]) {
      sink.notice(
          new Notice(
              Notice.Level.WARNING,
              SourceLocation.of(root.toString()),
              "no .yaml, .yml or .json files in directory"));
    }
    files.sort(null);
    return files;
  }

  private static Notice render(Path dir, String what, String command) {
    return new Notice(
        Notice.Level.WARNING,
        SourceLocation.of(dir.toString()),
        what
            + ": its files are not scanned as they are; render it and scan the result: "
            + command
            + " | cairn scan -",
        "run " + command + " and scan what it prints (| cairn scan -)",
        Fix.of("input.render", "command", command));
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "an unreadable target";
    }
  }

  static boolean isManifest(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  private void readFile(Path f, Sink sink) throws dev.cairn.scanner.ScanException {
    try (InputStream in = Files.newInputStream(f)) {
      Path name = f.getFileName();
      if (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
        readJson(f.toString(), in, sink, limits);
        return;
      }
      readStream(f.toString(), in, sink, limits);
    } catch (IOException e) {
      sink.notice(
          new Notice(
              Notice.Level.ERROR,
              SourceLocation.of(f.toString()),
              "cannot read file: " + e.getMessage(),
              "check that the file is readable",
              null));
    }
  }

  /** A notice for an input over {@code limit} ({@code document-size} or {@code input-size}). */
  private static Notice overLimit(SourceLocation at, String message, String limit, long value) {
    return new Notice(
        Notice.Level.ERROR,
        at,
        message,
        limit.equals("input-size")
            ? "check that this is the input meant, or raise the limit on the size of one input"
            : "split the document, or raise the limit on the size of one document",
        Fix.of("input.limit", "limit", limit, "value", Sizes.format(value)));
  }

  /** Thrown by {@link Limited} past the limit; reading that input stops. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long limit) {
      super("more than " + Sizes.format(limit));
    }
  }

  /** An input stream that fails once more than {@code limit} bytes are read from it. */
  static final class Limited extends java.io.FilterInputStream {
    private final long limit;
    private long count;

    Limited(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    private int counted(int n) throws TooLarge {
      if (n > 0) {
        count += n;
        if (count > limit) {
          throw new TooLarge(limit);
        }
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return counted(super.read(b, off, len));
    }

    @Override
    public long skip(long n) throws IOException {
      return counted((int) super.skip(Math.min(n, Integer.MAX_VALUE)));
    }
  }

  /**
   * A JSON file, streamed with Jackson: one object, or a list ({@code kubectl get -o json}) whose
   * {@code items} are handed on one at a time with their own line and column.
   */
  @SuppressWarnings("unchecked")
  public static void readJson(String name, InputStream raw, Sink sink, InputLimits limits)
      throws IOException {
    com.fasterxml.jackson.databind.ObjectMapper mapper = Jackson.MAPPER;
    // UTF-8, as Kubernetes writes JSON: Jackson's own detection would take 4 odd bytes for UTF-32
    java.io.Reader in =
        new InputStreamReader(new Limited(raw, limits.maxInputSize()), StandardCharsets.UTF_8);
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
                "malformed JSON: " + msg.replace('\n', ' '),
                "correct the file, or check that it is a Kubernetes manifest",
                null));
      } catch (TooLarge e) {
        sink.notice(
            overLimit(
                SourceLocation.of(name),
                "input is over the limit of "
                    + Sizes.format(limits.maxInputSize())
                    + " for one input; stopped reading it",
                "input-size",
                limits.maxInputSize()));
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

  /** {@link #readStream(String, InputStream, Sink, InputLimits)} within the default limits. */
  public static void readStream(String name, InputStream in, Sink sink) throws IOException {
    readStream(name, in, sink, InputLimits.defaults());
  }

  /**
   * Splits on {@code ---} lines and parses each document on its own, so one bad one is local. A
   * document over {@link InputLimits#maxDocumentSize()} is skipped with an error (no more than the
   * limit is ever held); past {@link InputLimits#maxInputSize()} bytes, or at a NUL character (no
   * YAML or JSON text has one; a binary file or {@code /dev/zero} does), reading the input stops
   * with an error.
   */
  public static void readStream(String name, InputStream in, Sink sink, InputLimits limits)
      throws IOException {
    Lines r =
        new Lines(
            new InputStreamReader(new Limited(in, limits.maxInputSize()), StandardCharsets.UTF_8),
            (int) limits.maxDocumentSize() + 1);
    StringBuilder doc = new StringBuilder();
    boolean tooLarge = false;
    int lineNo = 0;
    int docStart = 0;
    String line;
    try {
      while ((line = r.next()) != null) {
        if (lineNo == 0 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
          line = line.substring(1);
        }
        if (isSeparator(line)) {
          finish(name, doc, docStart, tooLarge, sink, limits);
          tooLarge = false;
          doc.setLength(0);
          docStart = lineNo + 1;
          String rest = line.startsWith("---") ? line.substring(3).strip() : "";
          if (!rest.isEmpty() && !rest.startsWith("#")) {
            // "--- {inline: doc}": keep the content on the document's first line
            doc.append(" ".repeat(3)).append(line.substring(3)).append('\n');
            docStart = lineNo;
          }
        } else if (!tooLarge) {
          if (r.truncated() || doc.length() + line.length() + 1 > limits.maxDocumentSize()) {
            tooLarge = true;
            doc.setLength(0);
          } else {
            doc.append(line).append('\n');
          }
        }
        lineNo++;
      }
    } catch (TooLarge e) {
      sink.notice(
          overLimit(
              new SourceLocation(name, lineNo + 1, 1),
              "input is over the limit of "
                  + Sizes.format(limits.maxInputSize())
                  + " for one input; stopped reading it at line "
                  + (lineNo + 1),
              "input-size",
              limits.maxInputSize()));
      return;
    } catch (Lines.Nul e) {
      sink.notice(
          new Notice(
              Notice.Level.ERROR,
              new SourceLocation(name, lineNo + 1, e.column),
              "a NUL character: this is not YAML or JSON text; stopped reading it",
              "check that this is a manifest file and not a binary one",
              null));
      return;
    }
    finish(name, doc, docStart, tooLarge, sink, limits);
  }

  private static void finish(
      String name,
      StringBuilder doc,
      int docStart,
      boolean tooLarge,
      Sink sink,
      InputLimits limits) {
    if (tooLarge) {
      sink.notice(
          overLimit(
              new SourceLocation(name, docStart + 1, 1),
              "YAML document is over the limit of "
                  + Sizes.format(limits.maxDocumentSize())
                  + " for one document; skipped",
              "document-size",
              limits.maxDocumentSize()));
      return;
    }
    emit(name, doc.toString(), docStart, sink, limits);
  }

  /**
   * Lines of a reader as {@link BufferedReader#readLine()} splits them ({@code \n}, {@code \r\n},
   * {@code \r}), but no line held longer than {@code cap} characters (the rest is dropped and
   * {@link #truncated()} says so), and a NUL character is an error.
   */
  static final class Lines {
    /** A NUL character at this 1-based column. */
    static final class Nul extends IOException {
      private static final long serialVersionUID = 1L;
      final int column;

      Nul(int column) {
        super("NUL character");
        this.column = column;
      }
    }

    private final java.io.Reader in;
    private final int cap;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int len;
    private boolean skipLf;
    private boolean truncated;
    private final StringBuilder line = new StringBuilder();

    Lines(java.io.Reader in, int cap) {
      this.in = in;
      this.cap = cap;
    }

    boolean truncated() {
      return truncated;
    }

    @Nullable String next() throws IOException {
      line.setLength(0);
      truncated = false;
      int column = 0;
      boolean any = false;
      while (true) {
        if (pos == len) {
          len = in.read(buf, 0, buf.length);
          pos = 0;
          if (len <= 0) {
            len = 0;
            return any ? line.toString() : null;
          }
        }
        char c = buf[pos++];
        if (skipLf) {
          skipLf = false;
          if (c == '\n') {
            continue;
          }
        }
        any = true;
        column++;
        if (c == '\n') {
          return line.toString();
        }
        if (c == '\r') {
          skipLf = true;
          return line.toString();
        }
        if (c == 0) {
          throw new Nul(column);
        }
        if (line.length() < cap) {
          line.append(c);
        } else {
          truncated = true;
        }
      }
    }
  }

  private static boolean isSeparator(String line) {
    return (line.startsWith("---")
            && (line.length() == 3 || Character.isWhitespace(line.charAt(3))))
        || line.equals("...");
  }

  @SuppressWarnings("unchecked")
  private static void emit(String name, String text, int firstLine, Sink sink, InputLimits limits) {
    if (text.isBlank()) {
      return;
    }
    Yaml.Document d;
    try {
      d = Yaml.parseDocument(name, text, firstLine, limits.yaml());
    } catch (Yaml.YamlSyntaxException e) {
      for (dev.cairn.core.Diagnostic diag : e.diagnostics()) {
        sink.notice(
            new Notice(
                Notice.Level.ERROR,
                diag.location(),
                diag.message() + "; document skipped",
                hint(e.limit().orElse(null)),
                e.limit().orElse(null) == Yaml.Limit.DOCUMENT_SIZE
                    ? Fix.of(
                        "input.limit",
                        "limit",
                        "document-size",
                        "value",
                        Sizes.format(limits.maxDocumentSize()))
                    : null));
      }
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

  /** What to do about a document the YAML reader refused. */
  private static String hint(Yaml.@Nullable Limit limit) {
    if (limit == null) {
      return "correct the YAML at that place";
    }
    return switch (limit) {
      case DOCUMENT_SIZE -> "split the document, or raise the limit on the size of one document";
      case SCALAR_SIZE ->
          "check the value: the API server stores no object that large (it takes a few MiB)";
      case DEPTH -> "check the file: no Kubernetes object nests that deeply";
      case ALIASES -> "write the document out without so many aliases";
    };
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
