package dev.cairn.attest;

import dev.cairn.core.CairnException;
import dev.cairn.core.Diagnostic;
import dev.cairn.core.Digest;
import dev.cairn.core.SourceLocation;
import dev.cairn.core.Yaml;
import dev.cairn.core.YamlNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads attestation policy files:
 *
 * <pre>
 * name: cairn-certify
 * version: 1
 * predecessor: sha256:...          # required from version 2 on
 * services:
 *   - name: scanner
 *     measurements: [sha256:...]
 *     command: [cairn-scanner, --signing-key, "$$CAIRN::certificate-key$$"]
 *     env: {}
 * secrets:
 *   - {name: certificate-key, kind: ed25519, services: [scanner]}
 *   - {name: builder-key, kind: p256, services: [builder]}
 *   - {name: nonce-salt, kind: random, size: 32, services: [scanner]}
 *   - {name: cluster-token, kind: file, file: token.txt, services: [scanner]}
 * maxValidityDays: 30              # optional; the longest certificate lifetime (default 90)
 * </pre>
 */
public final class Policies {
  private Policies() {}

  /** Thrown with every problem of a policy file. */
  public static final class PolicyException extends CairnException {
    private static final long serialVersionUID = 1L;
    private final transient List<Diagnostic> diagnostics;

    PolicyException(List<Diagnostic> d) {
      super(
          d.get(0).oneLine() + (d.size() > 1 ? " (and " + (d.size() - 1) + " more)" : ""),
          "fix the attestation policy file");
      this.diagnostics = List.copyOf(d);
    }

    public List<Diagnostic> diagnostics() {
      return diagnostics;
    }
  }

  public static Policy load(Path file) throws CairnException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new AttestationException(
          "cannot read policy " + file + ": " + e.getMessage(), "check the path", e);
    }
    return parse(file.toString(), text, file.toAbsolutePath().getParent());
  }

  public static Policy parse(String name, String text, @Nullable Path baseDir)
      throws CairnException {
    List<Diagnostic> diags = new ArrayList<>();
    List<String> lines = text.lines().toList();
    Yaml.Document d;
    try {
      d = Yaml.parseDocument(name, text, 0);
    } catch (Yaml.YamlSyntaxException e) {
      throw new PolicyException(e.diagnostics());
    }
    YamlNode root = d.node();
    Ctx c = new Ctx(name, lines, diags);
    if (!(root instanceof YamlNode.Mapping)) {
      c.err(root, "a policy is a mapping with name, version, services and secrets");
      throw new PolicyException(diags);
    }
    String pname = c.str(root, "name", true);
    String versionText = c.str(root, "version", true);
    int version = 0;
    if (versionText != null) {
      try {
        version = Integer.parseInt(versionText);
        if (version < 1) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        c.err(Yaml.find(root, "version"), "version must be a positive integer");
      }
    }
    String predText = c.str(root, "predecessor", false);
    Digest predecessor = null;
    if (predText != null) {
      try {
        predecessor = Digest.parse(predText);
      } catch (IllegalArgumentException e) {
        c.err(
            Yaml.find(root, "predecessor"),
            "predecessor must be a sha256:... digest of the previous version");
      }
    }
    if (version > 1 && predecessor == null && predText == null) {
      c.err(
          root,
          "version "
              + version
              + " must name its predecessor (the digest of version "
              + (version - 1)
              + ")");
    }
    List<Policy.Service> services = new ArrayList<>();
    YamlNode sn = Yaml.find(root, "services");
    if (!(sn instanceof YamlNode.Sequence ss) || ss.items().isEmpty()) {
      c.err(sn == null ? root : sn, "a policy needs at least one service");
    } else {
      for (YamlNode s : ss.items()) {
        String sname = c.str(s, "name", true);
        Set<Digest> ms = new LinkedHashSet<>();
        for (YamlNode m : c.list(s, "measurements")) {
          try {
            ms.add(Digest.parse(((YamlNode.Scalar) m).text()));
          } catch (RuntimeException e) {
            c.err(m, "measurement must be a sha256:... digest");
          }
        }
        if (ms.isEmpty()) {
          c.err(s, "service needs at least one measurement it may have");
        }
        List<String> command = new ArrayList<>();
        for (YamlNode m : c.list(s, "command")) {
          command.add(m instanceof YamlNode.Scalar x ? x.text() : "");
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (Yaml.find(s, "env") instanceof YamlNode.Mapping em) {
          for (YamlNode.Entry t : em.entries()) {
            if (t.key() instanceof YamlNode.Scalar k && t.value() instanceof YamlNode.Scalar v) {
              env.put(k.text(), v.text());
            }
          }
        }
        if (sname != null) {
          services.add(new Policy.Service(sname, ms, command, env));
        }
      }
    }
    Set<String> serviceNames = new HashSet<>();
    services.forEach(s -> serviceNames.add(s.name()));
    List<Policy.SecretSpec> secrets = new ArrayList<>();
    for (YamlNode s : c.list(root, "secrets")) {
      String sname = c.str(s, "name", true);
      String kindText = c.str(s, "kind", true);
      Policy.Kind kind = null;
      if (kindText != null) {
        try {
          kind = Policy.Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          c.err(
              Yaml.find(s, "kind"),
              "unknown secret kind '"
                  + kindText
                  + "' (ed25519, secp256k1, p256, random, file or supplied)");
        }
      }
      int size = 32;
      String sizeText = c.str(s, "size", false);
      if (sizeText != null) {
        try {
          size = Integer.parseInt(sizeText);
        } catch (NumberFormatException e) {
          c.err(Yaml.find(s, "size"), "size must be a number of bytes");
        }
      }
      String fileText = c.str(s, "file", false);
      Path file = null;
      if (kind == Policy.Kind.FILE) {
        if (fileText == null) {
          c.err(s, "a secret of kind file needs 'file'");
        } else {
          file = baseDir == null ? Path.of(fileText) : baseDir.resolve(fileText);
        }
      }
      Set<String> to = new LinkedHashSet<>();
      for (YamlNode n : c.list(s, "services")) {
        String v = n instanceof YamlNode.Scalar x ? x.text() : "";
        if (!serviceNames.contains(v)) {
          c.err(n, "secret is released to unknown service '" + v + "'");
        }
        to.add(v);
      }
      if (sname != null && kind != null) {
        secrets.add(new Policy.SecretSpec(sname, kind, size, file, to));
      }
    }
    java.time.Duration maxValidity = null;
    String maxText = c.str(root, "maxValidityDays", false);
    if (maxText != null) {
      try {
        long days = Long.parseLong(maxText);
        if (days < 1 || days > 36_500) {
          throw new NumberFormatException();
        }
        maxValidity = java.time.Duration.ofDays(days);
      } catch (NumberFormatException e) {
        c.err(
            Yaml.find(root, "maxValidityDays"),
            "maxValidityDays must be a whole number of days from 1 to 36500");
      }
    }
    if (!diags.isEmpty() || pname == null) {
      throw new PolicyException(
          diags.isEmpty()
              ? List.of(new Diagnostic(SourceLocation.of(name), "invalid policy", null))
              : diags);
    }
    return new Policy(pname, version, predecessor, services, secrets, maxValidity);
  }

  private static final class Ctx {
    final String file;
    final List<String> lines;
    final List<Diagnostic> diags;

    Ctx(String file, List<String> lines, List<Diagnostic> diags) {
      this.file = file;
      this.lines = lines;
      this.diags = diags;
    }

    void err(@Nullable YamlNode n, String msg) {
      int line = n == null ? 1 : n.line();
      int col = n == null ? 1 : n.column();
      diags.add(
          new Diagnostic(
              new SourceLocation(file, line, col),
              msg,
              line <= lines.size() ? lines.get(line - 1) : null));
    }

    @Nullable String str(@Nullable YamlNode parent, String key, boolean required) {
      YamlNode n = Yaml.find(parent, key);
      if (n instanceof YamlNode.Scalar s && !s.text().isBlank()) {
        return s.text();
      }
      if (required) {
        err(n == null ? parent : n, "missing '" + key + "'");
      }
      return null;
    }

    List<YamlNode> list(@Nullable YamlNode parent, String key) {
      YamlNode n = Yaml.find(parent, key);
      if (n instanceof YamlNode.Sequence s) {
        return s.items();
      }
      if (n != null) {
        err(n, "'" + key + "' must be a list");
      }
      return List.of();
    }
  }
}
