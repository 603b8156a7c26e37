package dev.cairn.deploy.audit;

import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.ledger.Certificate;
import dev.cairn.ledger.CertificateBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The bundle's {@code index.html}: what a person reads. A pure function of the manifest (without
 * its file list) and the files it names, so that verification renders it again and compares; no
 * scripts, no external resources (a Content-Security-Policy forbids both), every value escaped.
 */
final class Summary {
  private Summary() {}

  static String render(Path dir, Map<String, Object> manifest) throws IOException, CairnException {
    StringBuilder h = new StringBuilder();
    String cluster = str(manifest.get("cluster"));
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                + " style-src 'unsafe-inline'\">\n")
        .append("<title>Cairn audit bundle: cluster ")
        .append(esc(cluster))
        .append("</title>\n<style>\n")
        .append(
            "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}"
                + "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
                + "th{background:#f3f3f3}code{font-size:.9em}.bad{color:#a00}.ok{color:#060}\n")
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>Compliance evidence for cluster <code>")
        .append(esc(cluster))
        .append("</code></h1>\n");
    h.append(
        "<p>This summary says what the bundle's files hold. It proves nothing by itself: run"
            + " <code>cairn verify DIR</code> on this directory (offline) to check every signature,"
            + " proof and digest, preferably with <code>--trust</code> and the trust root your"
            + " organisation publishes.</p>\n");
    h.append("<table>\n");
    row(h, "Cluster", cluster);
    row(h, "API server (as certified)", str(manifest.get("server")));
    row(h, "Evidence since", str(manifest.get("since")));
    row(h, "Exported at", str(manifest.get("exportedAt")));
    Map<?, ?> tr = map(manifest.get("trustRoot"));
    row(h, "Trust root", str(tr.get("file")) + " " + str(tr.get("digest")));
    Object cp = manifest.get("checkpoint");
    if (cp instanceof Map<?, ?> c) {
      row(
          h,
          "Ledger checkpoint",
          str(c.get("origin"))
              + " at size "
              + str(c.get("size"))
              + " ("
              + str(c.get("file"))
              + ")");
    } else {
      row(h, "Ledger checkpoint", "none (no certificate on the embedded log)");
    }
    h.append("</table>\n");

    h.append("<h2>Certificates</h2>\n");
    List<?> certs = list(manifest.get("certificates"));
    if (certs.isEmpty()) {
      h.append("<p>None.</p>\n");
    } else {
      h.append(
          "<table>\n<tr><th>Certificate</th><th>Issued</th><th>Expires</th><th>Source</th>"
              + "<th>Frameworks</th><th>Summary</th><th>Scanner</th><th>Ledger</th>"
              + "<th>Revocation (as of the checkpoint)</th><th>Files</th></tr>\n");
      for (Object o : certs) {
        Map<?, ?> e = map(o);
        String file = str(e.get("file"));
        CertificateBundle b = CertificateBundle.parse(Files.readString(dir.resolve(file)), file);
        Certificate c = Certificate.parse(b.envelope().payload());
        h.append("<tr>");
        cell(h, str(e.get("certificate")));
        cell(h, c.issuedAt().toString());
        cell(h, c.expiresAt().toString());
        cell(h, c.source() + " (" + c.server() + ", kube-system " + c.kubeSystemUid() + ")");
        cell(h, String.join(", ", c.frameworks()));
        cell(h, c.summary().toString());
        cell(
            h,
            c.measurement()
                + " in "
                + c.tee()
                + (c.hardwareBacked() ? "" : " (simulation: no hardware protection)"));
        cell(h, b.ledger() + " index " + b.index());
        boolean revoked = Boolean.TRUE.equals(e.get("revoked"));
        h.append("<td class=\"").append(revoked ? "bad" : "ok").append("\">");
        h.append(esc(revoked ? "revoked" : "not revoked")).append("</td>");
        Object report = e.get("report");
        cell(h, file + (report == null ? " (no report found)" : ", " + str(report)));
        h.append("</tr>\n");
      }
      h.append("</table>\n");
    }
    List<?> missing = list(manifest.get("notFound"));
    if (!missing.isEmpty()) {
      h.append("<p class=\"bad\">Recorded on the ledger for this cluster, but no file found:</p>\n")
          .append("<ul>\n");
      for (Object o : missing) {
        Map<?, ?> e = map(o);
        h.append("<li><code>")
            .append(esc(str(e.get("certificate"))))
            .append("</code> (")
            .append(esc(str(e.get("locator"))))
            .append(")</li>\n");
      }
      h.append("</ul>\n");
    }

    h.append("<h2>Deployments</h2>\n");
    List<?> deps = list(manifest.get("deployments"));
    if (deps.isEmpty()) {
      h.append("<p>None since that date.</p>\n");
    }
    for (Object o : deps) {
      Map<?, ?> d = map(o);
      Map<String, Object> target =
          Json.parseObject(Files.readString(dir.resolve(str(d.get("target")))));
      h.append("<h3>Target ").append(esc(str(target.get("name")))).append("</h3>\n");
      h.append("<table>\n");
      row(h, "Namespace", str(target.get("namespace")));
      row(h, "Frameworks demanded", String.valueOf(target.get("frameworks")));
      row(h, "Repositories allowed", String.valueOf(target.get("allowedRepositories")));
      row(h, "Branches allowed", String.valueOf(target.get("allowedBranches")));
      row(h, "Certificate required", String.valueOf(target.get("requireCertificate")));
      h.append("</table>\n");
      List<?> revs = list(Json.parse(Files.readString(dir.resolve(str(d.get("history"))))));
      h.append(
          "<table>\n<tr><th>Rev</th><th>Kind</th><th>Started</th><th>By</th><th>Commit</th>"
              + "<th>Images</th><th>Gate decision</th><th>Outcome</th><th>Objects</th></tr>\n");
      for (Object ro : revs) {
        Map<?, ?> r = map(ro);
        h.append("<tr>");
        cell(h, str(r.get("rev")));
        cell(h, str(r.get("kind")));
        cell(h, str(r.get("time")));
        cell(h, str(r.get("who")));
        cell(h, r.get("commit") == null ? "-" : str(r.get("commit")));
        cell(h, String.join("\n", list(r.get("images")).stream().map(Summary::str).toList()));
        cell(h, str(r.get("gate")));
        String outcome = str(r.get("outcome"));
        cell(
            h,
            outcome
                + (r.get("reason") == null ? "" : ": " + str(r.get("reason")))
                + (r.get("restored") == null
                    ? ""
                    : " (restored rev " + str(r.get("restored")) + ")"));
        StringBuilder objs = new StringBuilder();
        Object mf = r.get("manifests");
        if (mf != null) {
          for (Object ob : list(Json.parse(Files.readString(dir.resolve(str(mf)))))) {
            Map<?, ?> obj = map(ob);
            Map<?, ?> meta = map(obj.get("metadata"));
            if (objs.length() > 0) {
              objs.append('\n');
            }
            objs.append(str(obj.get("kind")))
                .append(' ')
                .append(meta.get("namespace") == null ? "" : str(meta.get("namespace")) + "/")
                .append(str(meta.get("name")));
          }
        }
        cell(h, objs.toString());
        h.append("</tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h2>Images and their provenance (as verified at export)</h2>\n");
    List<?> images = list(manifest.get("images"));
    if (images.isEmpty()) {
      h.append("<p>None.</p>\n");
    } else {
      h.append(
          "<table>\n<tr><th>Image</th><th>Source repository</th><th>Commit</th><th>Ref</th>"
              + "<th>Builder</th><th>Build finished</th><th>Evidence</th></tr>\n");
      for (Object o : images) {
        Map<?, ?> i = map(o);
        h.append("<tr>");
        cell(h, str(i.get("image")));
        if (i.get("bundle") == null) {
          h.append("<td class=\"bad\" colspan=\"6\">")
              .append(esc("no provenance: " + str(i.get("exportFailure"))))
              .append("</td>");
        } else {
          cell(h, opt(i.get("repository")));
          cell(h, opt(i.get("commit")));
          cell(h, opt(i.get("ref")));
          cell(
              h,
              str(i.get("builderId"))
                  + (i.get("measurement") == null
                      ? " (unattested)"
                      : " measurement " + str(i.get("measurement"))));
          cell(h, str(i.get("finishedOn")));
          cell(h, str(i.get("bundle")) + " (OCI layout: signature, provenance, attestations)");
        }
        h.append("</tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("<p>Every file of this bundle, with its SHA-256, is listed in <code>")
        .append("manifest.json</code>.</p>\n</body>\n</html>\n");
    return h.toString();
  }

  private static String opt(@Nullable Object o) {
    return o == null ? "(none named)" : str(o);
  }

  private static void row(StringBuilder h, String k, String v) {
    h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
  }

  private static void cell(StringBuilder h, String v) {
    h.append("<td>").append(esc(v).replace("\n", "<br>")).append("</td>");
  }

  /** HTML text and attribute escaping; control characters shown as code points. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        case '\n' -> b.append('\n');
        default -> {
          if (ch < 0x20 || ch == 0x7f) {
            b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.toString();
  }

  static String str(@Nullable Object o) {
    return o == null ? "" : String.valueOf(o);
  }

  static Map<?, ?> map(@Nullable Object o) throws CairnException {
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    throw new CairnException("expected a JSON object, found " + (o == null ? "null" : o), null);
  }

  static List<?> list(@Nullable Object o) throws CairnException {
    if (o == null) {
      return List.of();
    }
    if (o instanceof List<?> l) {
      return l;
    }
    throw new CairnException("expected a JSON array, found " + o, null);
  }
}
