package dev.cairn.scanner.internal;

import dev.cairn.core.Json;
import dev.cairn.core.SourceLocation;
import dev.cairn.scanner.Check;
import dev.cairn.scanner.CheckSet;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.Notice;
import dev.cairn.scanner.ObjectSource;
import dev.cairn.scanner.ResourceRule;
import dev.cairn.scanner.ScanException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a live cluster through its kubeconfig, read-only: discovers which of the checks' resources
 * the server serves, then lists them page by page ({@code limit}/{@code continue}), in all
 * namespaces or the selected ones.
 */
public final class ClusterReader implements ObjectSource {
  private final ClusterOptions options;
  private final CheckSet checks;

  public ClusterReader(ClusterOptions options, CheckSet checks) {
    this.options = options;
    this.checks = checks;
  }

  @Override
  public String describe() {
    return "cluster (kubeconfig " + options.kubeconfig() + ")";
  }

  /** What discovery says about one resource. */
  private record ApiResource(String kind, boolean namespaced) {}

  /** Connects; the caller closes the client. */
  public static KubernetesClient connect(ClusterOptions options) throws ScanException {
    String text;
    try {
      text = Files.readString(options.kubeconfig());
    } catch (IOException e) {
      throw new ScanException(
          "cannot read kubeconfig " + options.kubeconfig() + ": " + e.getMessage(),
          "pass the path of a readable kubeconfig",
          dev.cairn.core.Fix.of("kubeconfig.unreadable"),
          e);
    }
    checkContext(options, text);
    try {
      Config cfg = Config.fromKubeconfig(options.context(), text, options.kubeconfig().toString());
      cfg.setRequestTimeout(30_000);
      cfg.setConnectionTimeout(10_000);
      cfg.setRequestRetryBackoffLimit(2);
      return new KubernetesClientBuilder().withConfig(cfg).build();
    } catch (RuntimeException e) {
      throw new ScanException(
          "invalid kubeconfig " + options.kubeconfig() + ": " + firstLine(e.getMessage()),
          "check the file (kubectl config view) and the context's name",
          dev.cairn.core.Fix.of("kubeconfig.invalid"),
          e);
    }
  }

  /**
   * The context a kubeconfig would use must exist: fabric8 falls back to the in-cluster default
   * ({@code https://kubernetes.default.svc}) for a missing one, which would scan another cluster.
   */
  @SuppressWarnings("unchecked")
  static void checkContext(ClusterOptions options, String text) throws ScanException {
    Object doc;
    try {
      doc = dev.cairn.core.Yaml.parseDocument(options.kubeconfig().toString(), text, 0).value();
    } catch (dev.cairn.core.Yaml.YamlSyntaxException | RuntimeException e) {
      throw new ScanException(
          "invalid kubeconfig " + options.kubeconfig() + ": " + firstLine(e.getMessage()),
          "check the file (kubectl config view)",
          dev.cairn.core.Fix.of("kubeconfig.invalid"),
          e);
    }
    if (!(doc instanceof Map<?, ?> kc)) {
      throw new ScanException(
          "invalid kubeconfig " + options.kubeconfig() + ": not a mapping",
          "check the file (kubectl config view)",
          dev.cairn.core.Fix.of("kubeconfig.invalid"),
          null);
    }
    String wanted =
        options.context() != null
            ? options.context()
            : kc.get("current-context") instanceof String s && !s.isBlank() ? s : null;
    if (wanted == null) {
      throw new ScanException(
          "kubeconfig " + options.kubeconfig() + " has no current-context",
          "name a context",
          dev.cairn.core.Fix.of("kubeconfig.context"),
          null);
    }
    boolean found = false;
    if (kc.get("contexts") instanceof List<?> contexts) {
      for (Object c : contexts) {
        found |= c instanceof Map<?, ?> m && wanted.equals(m.get("name"));
      }
    }
    if (!found) {
      throw new ScanException(
          "context \"" + wanted + "\" not found in " + options.kubeconfig(),
          "name one of its contexts (kubectl config get-contexts)",
          dev.cairn.core.Fix.of("kubeconfig.context"),
          null);
    }
  }

  /** The cluster's identity: kube-system UID and the CA certificate the kubeconfig trusts. */
  public static dev.cairn.scanner.ClusterIdentity identity(ClusterOptions options)
      throws ScanException {
    try (KubernetesClient client = connect(options)) {
      String server = client.getMasterUrl().toString().replaceAll("/$", "");
      byte[] der = caCertificate(client.getConfiguration(), options);
      Resp r = get(client, server + "/api/v1/namespaces/kube-system");
      check(r, server, "/api/v1/namespaces/kube-system", "read");
      Map<String, Object> ns = parse(r.body, server);
      Object uid = ns.get("metadata") instanceof Map<?, ?> md ? md.get("uid") : null;
      if (!(uid instanceof String u) || u.isBlank()) {
        throw new ScanException(
            "the API server at " + server + " returned no kube-system UID", null);
      }
      return dev.cairn.scanner.ClusterIdentity.of(u, dev.cairn.core.Digest.sha256(der), server);
    }
  }

  private static byte[] caCertificate(Config cfg, ClusterOptions options) throws ScanException {
    try {
      byte[] pem;
      if (cfg.getCaCertData() != null && !cfg.getCaCertData().isBlank()) {
        pem = java.util.Base64.getDecoder().decode(cfg.getCaCertData().strip());
      } else if (cfg.getCaCertFile() != null && !cfg.getCaCertFile().isBlank()) {
        pem = Files.readAllBytes(java.nio.file.Path.of(cfg.getCaCertFile()));
      } else {
        throw new ScanException(
            "kubeconfig "
                + options.kubeconfig()
                + " names no certificate authority for the cluster",
            "use a kubeconfig with certificate-authority(-data): the cluster identity is bound to the API server's CA");
      }
      java.security.cert.Certificate c =
          java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCertificates(new java.io.ByteArrayInputStream(pem))
              .iterator()
              .next();
      return c.getEncoded();
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      throw new ScanException(
          "cannot read the cluster CA certificate from "
              + options.kubeconfig()
              + ": "
              + firstLine(e.getMessage()),
          "check certificate-authority-data in the kubeconfig",
          e);
    }
  }

  /** Kinds whose controller-owned objects are judged through their owner, which is scanned. */
  static final Set<String> WORKLOAD_OWNERS =
      Set.of(
          "Deployment",
          "ReplicaSet",
          "StatefulSet",
          "DaemonSet",
          "Job",
          "CronJob",
          "ReplicationController");

  /**
   * Keeps only a Secret's metadata (the list form already carries nothing else; a server that
   * ignores the form sends data, which is dropped here), without the last-applied annotation, which
   * holds the whole object, values included.
   */
  @SuppressWarnings("unchecked")
  static void secretMetadata(Map<String, Object> obj) {
    obj.keySet().retainAll(Set.of("apiVersion", "kind", "metadata"));
    obj.put("apiVersion", "v1");
    obj.put("kind", "Secret");
    if (obj.get("metadata") instanceof Map<?, ?> md) {
      Map<String, Object> m = (Map<String, Object>) md;
      m.remove("managedFields");
      if (m.get("annotations") instanceof Map<?, ?> a) {
        ((Map<String, Object>) a).remove("kubectl.kubernetes.io/last-applied-configuration");
      }
    }
  }

  /** Why a listed object is not judged on its own, or null when it is. */
  static @Nullable String skipReason(Map<String, Object> obj, String kind) {
    Map<?, ?> md = obj.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    String name = String.valueOf(md.get("name"));
    Object ns = md.get("namespace");
    Map<?, ?> labels = md.get("labels") instanceof Map<?, ?> l ? l : Map.of();
    // what Kubernetes itself creates in every cluster is not the user's finding
    if (kind.equals("Service") && "default".equals(ns) && name.equals("kubernetes")) {
      return "system";
    }
    if (kind.equals("ConfigMap") && name.equals("kube-root-ca.crt")) {
      return "system";
    }
    // default ServiceAccounts are judged: CIS 5.1.5 is about them (CRN-512)
    if ("rbac-defaults".equals(labels.get("kubernetes.io/bootstrapping"))) {
      return "system";
    }
    // a Pod (ReplicaSet, Job) a controller owns is judged through that controller
    if (md.get("ownerReferences") instanceof List<?> owners) {
      for (Object o : owners) {
        if (o instanceof Map<?, ?> ref
            && Boolean.TRUE.equals(ref.get("controller"))
            && WORKLOAD_OWNERS.contains(String.valueOf(ref.get("kind")))) {
          return "owned";
        }
      }
    }
    return null;
  }

  @Override
  public void read(Sink sink) throws ScanException {
    Map<String, Integer> skipped = new java.util.TreeMap<>();
    try (KubernetesClient client = connect(options)) {
      read(client, sink, skipped);
    }
    if (skipped.containsKey("system")) {
      sink.notice(
          new Notice(
              Notice.Level.INFO,
              null,
              "left out "
                  + skipped.get("system")
                  + " object(s) that Kubernetes itself creates (Service default/kubernetes,"
                  + " kube-root-ca.crt ConfigMaps, bootstrap RBAC; relational checks still see them)"));
    }
    if (skipped.containsKey("owned")) {
      sink.notice(
          new Notice(
              Notice.Level.INFO,
              null,
              "judged "
                  + skipped.get("owned")
                  + " controller-owned object(s) (Pods, ReplicaSets, Jobs) through their owners:"
                  + " findings and waivers are on the Deployment, DaemonSet, StatefulSet, Job or"
                  + " CronJob"));
    }
  }

  private void read(KubernetesClient client, Sink sink, Map<String, Integer> skipped)
      throws ScanException {
    {
      String server = client.getMasterUrl().toString().replaceAll("/$", "");
      Set<ResourceRule> wanted = new LinkedHashSet<>();
      for (Check c : checks.checks()) {
        for (ResourceRule r : c.reads()) {
          wanted.add(r.version().equals("*") ? new ResourceRule(r.group(), "v1", r.resource()) : r);
        }
      }
      Map<String, @Nullable Map<String, ApiResource>> discovery = new HashMap<>();
      for (ResourceRule r : wanted) {
        String gv = r.group().isEmpty() ? r.version() : r.group() + "/" + r.version();
        if (!discovery.containsKey(gv)) {
          discovery.put(gv, discover(client, server, gv));
        }
        Map<String, ApiResource> resources = discovery.get(gv);
        ApiResource res = resources == null ? null : resources.get(r.resource());
        if (resources == null || resources.isEmpty()) {
          // no discovery document for this group/version: fall back to what Cairn knows
          res =
              dev.cairn.scanner.Kinds.byResource(r.group(), r.resource())
                  .map(k -> new ApiResource(k.kind(), k.namespaced()))
                  .orElse(null);
        }
        if (res == null) {
          sink.notice(
              new Notice(
                  Notice.Level.INFO,
                  null,
                  "the cluster does not serve "
                      + gv
                      + "/"
                      + r.resource()
                      + "; checks on it have nothing to scan"));
          continue;
        }
        String base = r.group().isEmpty() ? "/api/" + r.version() : "/apis/" + gv;
        if (res.namespaced() && !options.namespaces().isEmpty()) {
          for (String ns : options.namespaces()) {
            list(
                client,
                server,
                base + "/namespaces/" + enc(ns) + "/" + r.resource(),
                gv,
                res,
                sink,
                skipped);
          }
        } else if (!res.namespaced() && !options.namespaces().isEmpty()) {
          continue; // a namespace-scoped scan leaves cluster-scoped objects out
        } else {
          list(client, server, base + "/" + r.resource(), gv, res, sink, skipped);
        }
      }
    }
  }

  private @Nullable Map<String, ApiResource> discover(
      KubernetesClient client, String server, String gv) throws ScanException {
    String path = gv.contains("/") ? "/apis/" + gv : "/api/" + gv;
    Resp r = get(client, server + path);
    if (r.code == 404) {
      return null;
    }
    check(r, server, path, "discover");
    Map<String, ApiResource> out = new HashMap<>();
    Map<String, Object> body = parse(r.body, server + path);
    if (body.get("resources") instanceof List<?> rs) {
      for (Object o : rs) {
        if (o instanceof Map<?, ?> m
            && m.get("name") instanceof String name
            && !name.contains("/")) {
          out.put(
              name,
              new ApiResource(
                  String.valueOf(m.get("kind")), Boolean.TRUE.equals(m.get("namespaced"))));
        }
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private void list(
      KubernetesClient client,
      String server,
      String path,
      String apiVersion,
      ApiResource res,
      Sink sink,
      Map<String, Integer> skipped)
      throws ScanException {
    String cont = null;
    do {
      String url =
          server
              + path
              + "?limit="
              + options.pageSize()
              + (cont == null ? "" : "&continue=" + enc(cont));
      // Secrets are read as metadata only: no value ever leaves the API server
      boolean metadataOnly = res.kind().equals("Secret") && apiVersion.equals("v1");
      Resp r = get(client, url, metadataOnly ? METADATA_ONLY : "application/json");
      if (r.code == 403) {
        sink.notice(
            new Notice(
                Notice.Level.ERROR,
                SourceLocation.of(server + path),
                "forbidden: cannot list "
                    + res.kind()
                    + " objects; grant the scanning user 'list' on them (read-only) or narrow the scan with --namespace"));
        return;
      }
      if (r.code == 404 && cont == null) {
        sink.notice(
            new Notice(
                Notice.Level.INFO,
                null,
                "the cluster does not serve " + path + "; checks on it have nothing to scan"));
        return;
      }
      check(r, server, path, "list");
      Map<String, Object> body = parse(r.body, url);
      if (body.get("items") instanceof List<?> items) {
        for (Object it : items) {
          if (it instanceof Map<?, ?> m) {
            Map<String, Object> obj = (Map<String, Object>) m;
            obj.putIfAbsent("apiVersion", apiVersion);
            obj.putIfAbsent("kind", res.kind());
            if (metadataOnly) {
              secretMetadata(obj);
            }
            String skip = skipReason(obj, res.kind());
            if (skip != null) {
              skipped.merge(skip, 1, Integer::sum);
              KubeObject context = KubeObject.of(obj, SourceLocation.of(server + path));
              if (context != null) {
                sink.context(context);
              }
              continue;
            }
            KubeObject ko = KubeObject.of(obj, SourceLocation.of(server + path));
            if (ko != null) {
              String ns = ko.namespace();
              String self =
                  server
                      + path.replaceFirst("/[^/]+$", "")
                      + (ns != null && !path.contains("/namespaces/") ? "/namespaces/" + ns : "")
                      + "/"
                      + path.substring(path.lastIndexOf('/') + 1)
                      + "/"
                      + ko.name();
              sink.object(
                  new KubeObject(
                      ko.apiVersion(), ko.kind(), ns, ko.name(), obj, SourceLocation.of(self)));
            }
          }
        }
      }
      cont = null;
      if (body.get("metadata") instanceof Map<?, ?> md
          && md.get("continue") instanceof String c
          && !c.isEmpty()) {
        cont = c;
      }
    } while (cont != null);
  }

  private record Resp(int code, String body) {}

  /** The API server's metadata-only list form (PartialObjectMetadataList). */
  static final String METADATA_ONLY =
      "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;q=0.1";

  private static Resp get(KubernetesClient client, String url) throws ScanException {
    return get(client, url, "application/json");
  }

  private static Resp get(KubernetesClient client, String url, String accept) throws ScanException {
    HttpClient http = client.getHttpClient();
    try {
      HttpResponse<String> resp =
          http.sendAsync(
                  http.newHttpRequestBuilder().uri(url).header("Accept", accept).build(),
                  String.class)
              .get(60, TimeUnit.SECONDS);
      String body = resp.body();
      return new Resp(resp.code(), body == null ? "" : body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ScanException("interrupted while reading " + url, null, e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new ScanException(
          "cannot reach the API server at "
              + url.replaceFirst("(https?://[^/]+).*", "$1")
              + ": "
              + firstLine(String.valueOf(c.getMessage())),
          "check that the cluster is up and that --kubeconfig points at it",
          e);
    }
  }

  private static void check(Resp r, String server, String path, String what) throws ScanException {
    if (r.code >= 200 && r.code < 300) {
      return;
    }
    String msg = statusMessage(r.body);
    String hint =
        switch (r.code) {
          case 401 ->
              "the kubeconfig's credentials were refused; refresh them (kubectl get --raw /version should work)";
          case 403 ->
              "the user lacks read permission; grant 'get' and 'list' (read-only) to the scanning user";
          default -> "check the API server's health (kubectl get --raw /readyz)";
        };
    throw new ScanException(
        "API server "
            + server
            + " answered "
            + r.code
            + " to "
            + what
            + " "
            + path
            + (msg.isEmpty() ? "" : ": " + msg),
        hint);
  }

  private static String statusMessage(String body) {
    try {
      Object m = Json.parseObject(body).get("message");
      return m == null ? "" : m.toString();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static Map<String, Object> parse(String body, String url) throws ScanException {
    try {
      return Json.parseObject(body);
    } catch (IOException e) {
      throw new ScanException(
          "the API server sent invalid JSON for " + url + ": " + firstLine(e.getMessage()),
          null,
          e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "";
    }
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }
}
