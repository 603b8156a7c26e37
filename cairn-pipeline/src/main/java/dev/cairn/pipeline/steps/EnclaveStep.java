package dev.cairn.pipeline.steps;

import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Policy;
import dev.cairn.attest.TeeProvider;
import dev.cairn.attest.Tees;
import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.core.Yaml;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepExecutor;
import dev.cairn.pipeline.StepKind;
import dev.cairn.pipeline.StepResult;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.enclave.PodMeasurement;
import dev.cairn.supplychain.enclave.RegistryImageFacts;
import dev.cairn.supplychain.enclave.WorkloadPolicies;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code enclave} step: makes the pushed image's workload confidential without changing its
 * code. In the run's copy of the deploy manifests, every Deployment, StatefulSet, DaemonSet or Job
 * that runs the image gets the runtime class ({@code runtimeClassName}, by default the Confidential
 * Containers class of the TEE), the attestation agent as its first init container, and a
 * memory-backed volume at {@value #SECRETS_DIR} in every container. The pod that results is
 * measured ({@link PodMeasurement}) and the workload's session in Cairn's attestation service gets
 * a new policy version allowing exactly that measurement, holding the step's secrets (kind {@code
 * supplied}). At run time the agent attests through the node's platform service and writes them
 * into the volume; a pod with any other measurement gets nothing and does not start.
 *
 * <pre>{@code
 * - enclave:
 *     attestation: http://10.88.0.1:8443   # where agents reach the attestation service
 *     platform: http://10.88.0.1:7443      # the node's platform service
 *     runtimeClassName: cairn-simulation   # default: kata-qemu-coco-dev (simulation)
 *     secrets: {DB_PASSWORD: db-password}
 * }</pre>
 */
final class EnclaveStep implements StepExecutor {
  static final String SECRETS_DIR = "/run/cairn/secrets";
  static final String VOLUME = "cairn-secrets";
  static final String AGENT = "cairn-agent";
  private static final Set<String> WORKLOADS =
      Set.of("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet");

  private final CairnHome home;
  private final Clock clock;

  EnclaveStep(CairnHome home, Clock clock) {
    this.home = home;
    this.clock = clock;
  }

  @Override
  public StepKind kind() {
    return StepKind.ENCLAVE;
  }

  @Override
  public StepResult execute(StepContext ctx) throws PipelineException, InterruptedException {
    StepSpec step = ctx.step();
    String where = step.location().toString();
    String pushed =
        ctx.output(StepKind.PUSH, "image")
            .orElseThrow(
                () ->
                    new PipelineException(
                        where + ": the enclave step has no image: no push step before it",
                        "put the enclave step after push (it measures the image by digest)"));
    URI attestation = url(step, "attestation", where);
    URI platform = url(step, "platform", where);
    String tee = step.param("tee", "simulation");
    String runtimeClass = step.param("runtimeClassName", WorkloadPolicies.defaultRuntimeClass(tee));
    ImageRef image;
    TeeProvider provider;
    try {
      image = ImageRef.parse(pushed);
      provider = Tees.provider(tee, home, clock);
    } catch (CairnException e) {
      throw new PipelineException(where + ": " + e.getMessage(), e.hint().orElse(null));
    }
    StepSpec push = Steps.pushStep(ctx.request()).orElseThrow();
    OciClient oci = RegistryOptions.of(ctx, push, image.registry()).client();
    try {
      String agentImage = step.param("agentImage", "");
      if (agentImage.isEmpty()) {
        ImageRef repo = ImageRef.parse(image.registry() + "/cairn/agent:latest");
        agentImage =
            AgentImages.push(oci, repo, home.dir("images"), line -> ctx.log().line(line))
                .toString();
        ctx.log().line("attestation agent image " + agentImage);
      } else if (!agentImage.contains("@sha256:")) {
        throw new PipelineException(
            where + ": agentImage " + agentImage + " is named by tag",
            "name the agent's image by digest: it is measured with the workload");
      }
      Map<String, Secret> secrets = new TreeMap<>();
      for (Map.Entry<String, Secret> e : ctx.secrets().entrySet()) {
        if (!e.getKey().startsWith("REGISTRY_")) {
          secrets.put(e.getKey(), e.getValue());
        }
      }
      RegistryImageFacts facts = new RegistryImageFacts(oci);
      List<String> marked = new ArrayList<>();
      Map<String, Digest> measurements = new TreeMap<>();
      String defaultNs = step.param("namespace", "default");
      for (Path file : manifestFiles(ctx, step, where)) {
        String text = Files.readString(file);
        List<Object> docs = new ArrayList<>();
        boolean changed = false;
        int line = 1;
        for (String part : text.split("(?m)^---\\s*$")) {
          Yaml.Document d = Yaml.parseDocument(file.toString(), part, line);
          line += part.split("\n", -1).length;
          Object v = d.value();
          if (v == null) {
            continue;
          }
          if (v instanceof Map<?, ?> m && runs(m, image)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> obj = (Map<String, Object>) v;
            Map<String, Object> pod = podTemplate(obj);
            String ns = metaString(obj, "namespace", defaultNs);
            String name = metaString(obj, "name", "workload");
            String session = WorkloadPolicies.session(ns, name);
            mark(pod, image, agentImage, runtimeClass, attestation, platform, session);
            @SuppressWarnings("unchecked")
            Map<String, Object> spec =
                (Map<String, Object>) java.util.Objects.requireNonNull(pod.get("spec"));
            Digest measured = PodMeasurement.of(spec, provider.name(), facts).digest();
            annotate(pod, session, measured);
            measurements.put(session, measured);
            marked.add(obj.get("kind") + " " + ns + "/" + name);
            changed = true;
          }
          docs.add(v);
        }
        if (changed) {
          StringBuilder out = new StringBuilder();
          for (Object d : docs) {
            out.append("---\n").append(Json.pretty(d));
          }
          dev.cairn.core.AtomicFiles.write(file, out.toString());
        }
      }
      if (marked.isEmpty()) {
        return StepResult.failed(
            null,
            where + ": no workload in the manifests runs " + image.name() + "; nothing to enclave",
            false);
      }
      AttestationService service =
          AttestationService.open(home.attestation(), List.of(provider.platformKey()), clock);
      List<String> policies = new ArrayList<>();
      for (Map.Entry<String, Digest> e : measurements.entrySet()) {
        Policy p = WorkloadPolicies.install(service, e.getKey(), Set.of(e.getValue()), secrets);
        policies.add(e.getKey() + " v" + p.version() + " " + p.digest());
        ctx.log()
            .line(
                "policy "
                    + e.getKey()
                    + " v"
                    + p.version()
                    + " allows "
                    + e.getValue()
                    + " and releases "
                    + new TreeSet<>(secrets.keySet())
                    + (provider.hardwareBacked() ? "" : " (" + Tees.SIMULATION_WARNING + ")"));
      }
      ctx.log().line("marked for " + runtimeClass + ": " + String.join(", ", marked));
      Map<String, String> outputs = new LinkedHashMap<>();
      outputs.put("runtimeClassName", runtimeClass);
      outputs.put("agentImage", agentImage);
      outputs.put("tee", provider.name());
      outputs.put("workloads", String.join(",", marked));
      outputs.put(
          "measurements",
          String.join(",", measurements.values().stream().map(Digest::toString).toList()));
      outputs.put("policies", String.join(",", policies));
      return StepResult.succeeded(outputs);
    } catch (Yaml.YamlSyntaxException e) {
      return StepResult.failed(null, e.diagnostic().toString(), false);
    } catch (IOException e) {
      return StepResult.failed(null, where + ": " + e.getMessage(), false);
    } catch (CairnException e) {
      return StepResult.failed(
          null,
          where + ": " + e.getMessage() + e.hint().map(h -> "; " + h).orElse(""),
          Steps.transientFailure(e));
    }
  }

  private static URI url(StepSpec step, String key, String where) throws PipelineException {
    String v = step.param(key, "");
    try {
      URI u = new URI(v);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new URISyntaxException(v, "not http(s)");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new PipelineException(
          where
              + ": the enclave step needs '"
              + key
              + "', the URL pods reach "
              + (key.equals("platform") ? "the node's platform service" : "the attestation service")
              + " at"
              + (v.isEmpty() ? "" : "; not " + v),
          "give it, e.g. " + key + ": http://10.88.0.1:" + (key.equals("platform") ? 7443 : 8443));
    }
  }

  private static List<Path> manifestFiles(StepContext ctx, StepSpec step, String where)
      throws PipelineException, IOException {
    List<String> paths = new ArrayList<>();
    if (step.params().get("manifests") instanceof List<?> l) {
      l.forEach(o -> paths.add(String.valueOf(o)));
    } else {
      String deployManifests = "deploy";
      for (StepSpec s : ctx.request().definition().steps()) {
        if (s.kind() == StepKind.DEPLOY && s.params().get("manifests") instanceof String m) {
          deployManifests = m;
        }
      }
      paths.add(step.param("manifests", deployManifests));
    }
    Path ws = ctx.workspace().toAbsolutePath().normalize();
    List<Path> files = new ArrayList<>();
    for (String given : paths) {
      String p = given.endsWith("/**") ? given.substring(0, given.length() - 3) : given;
      Path f = ws.resolve(p.isEmpty() ? "." : p).normalize();
      if (!f.startsWith(ws) || !Files.exists(f)) {
        throw new PipelineException(
            where + ": manifests path '" + given + "' is not in the checkout",
            "give the deploy manifests' files or directory inside the repository");
      }
      if (Files.isDirectory(f)) {
        try (var s = Files.walk(f)) {
          s.filter(x -> x.toString().endsWith(".yaml") || x.toString().endsWith(".yml"))
              .filter(Files::isRegularFile)
              .sorted()
              .forEach(files::add);
        }
      } else {
        files.add(f);
      }
    }
    return files;
  }

  /** Whether {@code obj} is a workload with a container of the image's repository. */
  private static boolean runs(Map<?, ?> obj, ImageRef image) {
    if (!WORKLOADS.contains(String.valueOf(obj.get("kind")))) {
      return false;
    }
    Map<String, Object> pod = podTemplate(obj);
    if (!(pod.get("spec") instanceof Map<?, ?> spec)) {
      return false;
    }
    if (spec.get("containers") instanceof List<?> l) {
      for (Object c : l) {
        if (c instanceof Map<?, ?> m && sameRepository(String.valueOf(m.get("image")), image)) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean sameRepository(String ref, ImageRef image) {
    try {
      return ImageRef.parse(ref).name().equals(image.name());
    } catch (CairnException e) {
      return false;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> podTemplate(Map<?, ?> obj) {
    Object spec = obj.get("spec");
    if (spec instanceof Map<?, ?> s) {
      Object tmpl = s.get("template");
      if (tmpl instanceof Map<?, ?> t) {
        return (Map<String, Object>) t;
      }
      if ("Job".equals(obj.get("kind")) && s.get("template") == null) {
        return Map.of();
      }
    }
    return Map.of();
  }

  private static String metaString(Map<String, Object> obj, String key, String fallback) {
    return obj.get("metadata") instanceof Map<?, ?> m && m.get(key) instanceof String s
        ? s
        : fallback;
  }

  /** Adds the runtime class, the agent and the memory volume to the pod template. */
  @SuppressWarnings("unchecked")
  private static void mark(
      Map<String, Object> pod,
      ImageRef image,
      String agentImage,
      String runtimeClass,
      URI attestation,
      URI platform,
      String session) {
    Map<String, Object> spec =
        (Map<String, Object>) java.util.Objects.requireNonNull(pod.get("spec"));
    spec.put("runtimeClassName", runtimeClass);
    List<Object> containers = new ArrayList<>((List<Object>) spec.get("containers"));
    List<Object> out = new ArrayList<>();
    for (Object o : containers) {
      Map<String, Object> c = new LinkedHashMap<>((Map<String, Object>) o);
      if (sameRepository(String.valueOf(c.get("image")), image)) {
        c.put("image", image.toString());
      }
      mount(c, true);
      out.add(c);
    }
    spec.put("containers", out);
    List<Object> inits = new ArrayList<>();
    Map<String, Object> agent = new LinkedHashMap<>();
    agent.put("name", AGENT);
    agent.put("image", agentImage);
    agent.put(
        "env",
        List.of(
            env("CAIRN_ATTESTATION_URL", attestation.toString()),
            env("CAIRN_PLATFORM_URL", platform.toString()),
            env("CAIRN_SESSION", session),
            env("CAIRN_SERVICE", WorkloadPolicies.SERVICE),
            env("CAIRN_SECRETS_DIR", SECRETS_DIR)));
    mount(agent, false);
    inits.add(agent);
    if (spec.get("initContainers") instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> m && AGENT.equals(m.get("name"))) {
          continue; // marked before: this run's agent replaces it
        }
        Map<String, Object> c = new LinkedHashMap<>((Map<String, Object>) o);
        mount(c, true);
        inits.add(c);
      }
    }
    spec.put("initContainers", inits);
    List<Object> volumes = new ArrayList<>();
    if (spec.get("volumes") instanceof List<?> l) {
      for (Object o : l) {
        if (!(o instanceof Map<?, ?> m && VOLUME.equals(m.get("name")))) {
          volumes.add(o);
        }
      }
    }
    volumes.add(Map.of("name", VOLUME, "emptyDir", Map.of("medium", "Memory", "sizeLimit", "1Mi")));
    spec.put("volumes", volumes);
  }

  private static Map<String, Object> env(String name, String value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("value", value);
    return m;
  }

  @SuppressWarnings("unchecked")
  private static void mount(Map<String, Object> c, boolean readOnly) {
    List<Object> mounts = new ArrayList<>();
    if (c.get("volumeMounts") instanceof List<?> l) {
      for (Object o : l) {
        if (!(o instanceof Map<?, ?> m && VOLUME.equals(m.get("name")))) {
          mounts.add(o);
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", VOLUME);
    m.put("mountPath", SECRETS_DIR);
    if (readOnly) {
      m.put("readOnly", true);
    }
    mounts.add(m);
    c.put("volumeMounts", mounts);
  }

  @SuppressWarnings("unchecked")
  private static void annotate(Map<String, Object> pod, String session, Digest measurement) {
    Map<String, Object> meta =
        pod.get("metadata") instanceof Map<?, ?> m
            ? new LinkedHashMap<>((Map<String, Object>) m)
            : new LinkedHashMap<>();
    Map<String, Object> ann =
        meta.get("annotations") instanceof Map<?, ?> a
            ? new LinkedHashMap<>((Map<String, Object>) a)
            : new LinkedHashMap<>();
    ann.put("cairn.dev/enclave-session", session);
    ann.put("cairn.dev/measurement", measurement.toString());
    meta.put("annotations", ann);
    pod.put("metadata", meta);
  }
}
