package dev.cairn.scanner;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.Digest;
import dev.cairn.core.SourceLocation;
import dev.cairn.scanner.internal.CheckLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Loads checks: the built-in packs and directories of check files. */
public final class Checks {
  private static final String BUILTIN_ROOT = "dev/cairn/scanner/checks/";
  private static volatile @org.jspecify.annotations.Nullable CheckSet builtin;

  private Checks() {}

  /** Every built-in check (Pod Security Standards, NSA-CISA, MITRE ATT&CK, CIS, best practice). */
  public static CheckSet builtin() {
    CheckSet b = builtin;
    if (b == null) {
      synchronized (Checks.class) {
        b = builtin;
        if (b == null) {
          b = loadBuiltin();
          builtin = b;
        }
      }
    }
    return b;
  }

  /**
   * SHA-256 over the built-in pack's files as shipped (index, then each file's name and content
   * digest): what a measured launch pins, without parsing a check.
   */
  public static Digest builtinPackDigest() {
    List<List<String>> parts = new ArrayList<>();
    parts.add(List.of("index.txt", Digest.sha256(resource(BUILTIN_ROOT + "index.txt")).toString()));
    for (String f : builtinFiles()) {
      parts.add(List.of(f, Digest.sha256(resource(BUILTIN_ROOT + f)).toString()));
    }
    return Digest.sha256(dev.cairn.core.Json.canonical(parts));
  }

  /**
   * The framework controls the coverage table lists (checks/coverage.txt), each with the built-in
   * checks that decide it, or the manual check that says why the API cannot.
   */
  public static List<CheckDocs.Coverage> coverage() {
    List<CheckDocs.Coverage> out = new ArrayList<>();
    for (String l : resource(BUILTIN_ROOT + "coverage.txt").lines().toList()) {
      if (l.isBlank() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split("\\|", -1);
      out.add(new CheckDocs.Coverage(f[0], f[1], f[2], f[3], List.of(f[4].split(","))));
    }
    return out;
  }

  /** The built-in check files, as paths under the pack root (e.g. {@code pss/CRN-101.yaml}). */
  public static List<String> builtinFiles() {
    String index = resource(BUILTIN_ROOT + "index.txt");
    return index
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  private static CheckSet loadBuiltin() {
    List<Check> all = new ArrayList<>();
    List<Diagnostic> diags = new ArrayList<>();
    for (String f : builtinFiles()) {
      CheckLoader.Loaded l =
          CheckLoader.load("builtin:" + f, resource(BUILTIN_ROOT + f), "builtin:" + f, false);
      all.addAll(l.checks());
      diags.addAll(l.diagnostics());
    }
    if (!diags.isEmpty()) {
      throw new IllegalStateException("built-in checks are broken: " + diags.get(0).render());
    }
    return CheckSet.of(all);
  }

  private static String resource(String name) {
    try (InputStream in = Checks.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + name, e);
    }
  }

  /**
   * Loads every check file under {@code dir} (or the single file {@code dir}): {@code .yaml},
   * {@code .yml}, {@code .json}; Marvin's {@code *_test.yaml} test files are skipped.
   *
   * @throws CheckException listing every problem in every file
   */
  public static CheckSet load(Path dir) throws ScanException {
    List<Check> out = new ArrayList<>();
    List<Diagnostic> diags = lint(dir, out, false);
    if (!diags.isEmpty()) {
      throw new CheckException(diags);
    }
    return CheckSet.of(out);
  }

  /**
   * Every problem in the check files under {@code dir} (or the one file {@code dir}); empty when
   * they all load. A file whose top level is {@code exceptions:} is read as an exceptions (waivers)
   * file, so the files a scan takes can all be linted.
   */
  public static List<Diagnostic> lint(Path dir) throws ScanException {
    return lint(dir, new ArrayList<>(), true);
  }

  private static final java.util.regex.Pattern EXCEPTIONS =
      java.util.regex.Pattern.compile("(?m)^exceptions\\s*:");

  private static List<Diagnostic> lint(Path dir, List<Check> out, boolean exceptionsToo)
      throws ScanException {
    List<Path> files;
    if (Files.isRegularFile(dir)) {
      files = List.of(dir);
    } else if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).filter(Checks::isCheckFile).sorted().toList();
      } catch (IOException e) {
        throw new ScanException("cannot list " + dir + ": " + e.getMessage(), null, e);
      }
    } else {
      throw new ScanException(
          dir + ": no such file or directory", "pass a directory of check .yaml files");
    }
    List<Diagnostic> diags = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (Path f : files) {
      String text;
      try {
        text = Files.readString(f);
      } catch (IOException e) {
        diags.add(
            new Diagnostic(
                SourceLocation.of(f.toString()), "cannot read: " + e.getMessage(), null));
        continue;
      }
      if (exceptionsToo && EXCEPTIONS.matcher(text).find()) {
        dev.cairn.scanner.internal.WaiverParser.parse(f.toString(), text, diags);
        continue;
      }
      CheckLoader.Loaded l = CheckLoader.load(f.toString(), text, f.toString());
      diags.addAll(l.diagnostics());
      for (Check c : l.checks()) {
        if (seen.contains(c.id())) {
          diags.add(new Diagnostic(c.location(), "duplicate check id " + c.id(), null));
        } else {
          seen.add(c.id());
          out.add(c);
        }
      }
    }
    return diags;
  }

  static boolean isCheckFile(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean ext = n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    boolean test = n.endsWith("_test.yaml") || n.endsWith("_test.yml") || n.endsWith("_test.json");
    return ext && !test;
  }
}
