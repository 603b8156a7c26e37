package dev.cairn.deploy.internal;

import dev.cairn.core.CairnException;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.rollout.RolloutFailure;
import dev.cairn.scanner.ClusterOptions;
import dev.cairn.scanner.KubeObject;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A target's cluster through fabric8: server-side apply, then the rollout of every Deployment,
 * StatefulSet and DaemonSet applied, watched until it is complete, fails, or the deadline passes. A
 * rollout is complete when the controller has seen the new generation ({@code observedGeneration}),
 * every replica is updated and available, and no old replica is left; it fails at once when a new
 * pod cannot pull its image or crash-loops, when a Deployment reports {@code
 * ProgressDeadlineExceeded}, and at the deadline otherwise (naming a readiness probe that never
 * passed, or a pod that could not be scheduled).
 */
public final class KubeRollout implements AutoCloseable {
  /** Waiting reasons that do not get better by themselves. */
  private static final Set<String> FATAL =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "ErrImageNeverPull",
          "CrashLoopBackOff",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  private static final Duration POLL = Duration.ofMillis(250);

  private final KubernetesClient client;
  private final ServerSideApply apply;

  public KubeRollout(TargetConfig target) throws CairnException {
    this.client =
        ServerSideApply.client(
            new ClusterOptions(target.kubeconfig(), target.context(), List.of(), 500));
    this.apply = new ServerSideApply(client);
  }

  public void apply(List<KubeObject> objects, String namespace) throws CairnException {
    apply.apply(objects, namespace);
  }

  /** A workload the rollout waits for. */
  private record Workload(String kind, String namespace, String name) {
    String display() {
      return kind + " " + namespace + "/" + name;
    }
  }

  /** The state of one workload at one look. */
  private record Look(boolean done, @Nullable RolloutFailure failure, String waiting) {}

  /**
   * Waits for every workload among {@code objects} to roll out.
   *
   * @return the first failure, or empty when all rolled out before {@code deadline}
   */
  public Optional<RolloutFailure> await(
      List<KubeObject> objects, String namespace, Duration deadline, Clock clock)
      throws CairnException, InterruptedException {
    List<Workload> pending = new ArrayList<>();
    for (KubeObject o : objects) {
      if (o.group().equals("apps")
          && Set.of("Deployment", "StatefulSet", "DaemonSet").contains(o.kind())) {
        pending.add(
            new Workload(o.kind(), o.namespace() == null ? namespace : o.namespace(), o.name()));
      }
    }
    Instant end = clock.instant().plus(deadline);
    Map<Workload, Look> last = new HashMap<>();
    try {
      while (!pending.isEmpty()) {
        for (var it = pending.iterator(); it.hasNext(); ) {
          Workload w = it.next();
          Look l = look(w);
          if (l.failure() != null) {
            return Optional.of(l.failure());
          }
          if (l.done()) {
            it.remove();
          } else {
            last.put(w, l);
          }
        }
        if (pending.isEmpty()) {
          break;
        }
        if (!clock.instant().isBefore(end)) {
          Workload w = pending.get(0);
          return Optional.of(atDeadline(w, deadline, Objects.requireNonNull(last.get(w))));
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (KubernetesClientException e) {
      throw new CairnException(
          "the API server refused a look at the rollout ("
              + e.getCode()
              + "): "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
          "grant the deploying identity get/list on its workloads, ReplicaSets, pods and events",
          e);
    }
    return Optional.empty();
  }

  private Look look(Workload w) {
    return switch (w.kind()) {
      case "Deployment" -> deployment(w);
      case "StatefulSet" -> statefulSet(w);
      default -> daemonSet(w);
    };
  }

  private Look deployment(Workload w) {
    Deployment d = client.apps().deployments().inNamespace(w.namespace()).withName(w.name()).get();
    if (d == null) {
      return new Look(false, null, "the Deployment does not exist yet");
    }
    long gen = nz(d.getMetadata().getGeneration());
    var st = d.getStatus();
    // pods are judged only once the controller has seen this generation: before that, the
    // revision it names (and so its pods) may still be the one being replaced
    if (st == null || nz(st.getObservedGeneration()) < gen) {
      return new Look(false, null, "the controller has not seen generation " + gen + " yet");
    }
    List<Pod> pods = deploymentPods(d);
    RolloutFailure f = fatal(w, pods);
    if (f != null) {
      return new Look(false, f, "");
    }
    if (st.getConditions() != null) {
      for (DeploymentCondition c : st.getConditions()) {
        if ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
          RolloutFailure pf = podProblem(w, pods);
          return new Look(
              false,
              pf != null
                  ? pf
                  : new RolloutFailure(
                      w.display(), null, null, "ProgressDeadlineExceeded", c.getMessage()),
              "");
        }
      }
    }
    int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    int updated = nz(st.getUpdatedReplicas());
    int total = nz(st.getReplicas());
    int available = nz(st.getAvailableReplicas());
    if (updated < want) {
      return new Look(false, null, updated + " of " + want + " replicas updated");
    }
    if (total > updated) {
      return new Look(false, null, (total - updated) + " old replicas still running");
    }
    if (available < want) {
      return new Look(false, null, available + " of " + want + " updated replicas available");
    }
    return new Look(true, null, "");
  }

  private List<Pod> deploymentPods(Deployment d) {
    String rev = annotation(d.getMetadata().getAnnotations(), "deployment.kubernetes.io/revision");
    Map<String, String> sel = matchLabels(d.getSpec().getSelector());
    if (rev == null || sel.isEmpty()) {
      return List.of();
    }
    for (ReplicaSet rs :
        client
            .apps()
            .replicaSets()
            .inNamespace(d.getMetadata().getNamespace())
            .withLabels(sel)
            .list()
            .getItems()) {
      boolean owned =
          rs.getMetadata().getOwnerReferences() != null
              && rs.getMetadata().getOwnerReferences().stream()
                  .anyMatch(r -> d.getMetadata().getUid().equals(r.getUid()));
      if (owned
          && rev.equals(
              annotation(rs.getMetadata().getAnnotations(), "deployment.kubernetes.io/revision"))) {
        String hash = annotation(rs.getMetadata().getLabels(), "pod-template-hash");
        if (hash == null) {
          return List.of();
        }
        Map<String, String> l = new HashMap<>(sel);
        l.put("pod-template-hash", hash);
        return pods(d.getMetadata().getNamespace(), l);
      }
    }
    return List.of();
  }

  private Look statefulSet(Workload w) {
    StatefulSet s =
        client.apps().statefulSets().inNamespace(w.namespace()).withName(w.name()).get();
    if (s == null) {
      return new Look(false, null, "the StatefulSet does not exist yet");
    }
    long gen = nz(s.getMetadata().getGeneration());
    var st = s.getStatus();
    List<Pod> pods = List.of();
    Map<String, String> sel = matchLabels(s.getSpec().getSelector());
    if (st != null && st.getUpdateRevision() != null && !sel.isEmpty()) {
      Map<String, String> l = new HashMap<>(sel);
      l.put("controller-revision-hash", st.getUpdateRevision());
      pods = pods(w.namespace(), l);
    }
    if (st == null || nz(st.getObservedGeneration()) < gen) {
      return new Look(false, null, "the controller has not seen generation " + gen + " yet");
    }
    RolloutFailure f = fatal(w, pods);
    if (f != null) {
      return new Look(false, f, "");
    }
    int want = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
    boolean onDelete =
        s.getSpec().getUpdateStrategy() != null
            && "OnDelete".equals(s.getSpec().getUpdateStrategy().getType());
    if (!onDelete && nz(st.getUpdatedReplicas()) < want) {
      return new Look(
          false, null, nz(st.getUpdatedReplicas()) + " of " + want + " replicas updated");
    }
    if (nz(st.getReadyReplicas()) < want || nz(st.getAvailableReplicas()) < want) {
      return new Look(
          false, null, nz(st.getAvailableReplicas()) + " of " + want + " replicas available");
    }
    if (!onDelete
        && st.getUpdateRevision() != null
        && !st.getUpdateRevision().equals(st.getCurrentRevision())) {
      return new Look(false, null, "the controller has not finished the update");
    }
    return new Look(true, null, "");
  }

  private Look daemonSet(Workload w) {
    DaemonSet ds = client.apps().daemonSets().inNamespace(w.namespace()).withName(w.name()).get();
    if (ds == null) {
      return new Look(false, null, "the DaemonSet does not exist yet");
    }
    long gen = nz(ds.getMetadata().getGeneration());
    var st = ds.getStatus();
    Map<String, String> sel = matchLabels(ds.getSpec().getSelector());
    List<Pod> pods = List.of();
    if (!sel.isEmpty()) {
      Map<String, String> l = new HashMap<>(sel);
      l.put("pod-template-generation", Long.toString(gen));
      pods = pods(w.namespace(), l);
    }
    if (st == null || nz(st.getObservedGeneration()) < gen) {
      return new Look(false, null, "the controller has not seen generation " + gen + " yet");
    }
    RolloutFailure f = fatal(w, pods);
    if (f != null) {
      return new Look(false, f, "");
    }
    int want = nz(st.getDesiredNumberScheduled());
    if (nz(st.getUpdatedNumberScheduled()) < want) {
      return new Look(
          false, null, nz(st.getUpdatedNumberScheduled()) + " of " + want + " pods updated");
    }
    if (nz(st.getNumberAvailable()) < want) {
      return new Look(false, null, nz(st.getNumberAvailable()) + " of " + want + " pods available");
    }
    return new Look(true, null, "");
  }

  private List<Pod> pods(String ns, Map<String, String> labels) {
    List<Pod> l =
        new ArrayList<>(client.pods().inNamespace(ns).withLabels(labels).list().getItems());
    l.sort(Comparator.comparing(p -> p.getMetadata().getName()));
    return l;
  }

  /** A pod's container in a state that does not get better by itself. */
  private @Nullable RolloutFailure fatal(Workload w, List<Pod> pods) {
    for (Pod p : pods) {
      for (ContainerStatus cs : statuses(p)) {
        var waiting = cs.getState() == null ? null : cs.getState().getWaiting();
        if (waiting != null && waiting.getReason() != null && FATAL.contains(waiting.getReason())) {
          return new RolloutFailure(
              w.display(),
              p.getMetadata().getName(),
              cs.getName(),
              waiting.getReason(),
              describeWaiting(p, cs, waiting.getReason(), waiting.getMessage()));
        }
      }
    }
    return null;
  }

  private String describeWaiting(
      Pod p, ContainerStatus cs, String reason, @Nullable String message) {
    if (reason.equals("CrashLoopBackOff") || reason.equals("RunContainerError")) {
      var term = cs.getLastState() == null ? null : cs.getLastState().getTerminated();
      StringBuilder b = new StringBuilder("the container keeps exiting");
      if (term != null) {
        b.append(": last exit code ").append(term.getExitCode());
        if (term.getReason() != null) {
          b.append(" (").append(term.getReason()).append(')');
        }
      }
      b.append(", ").append(nz(cs.getRestartCount())).append(" restarts");
      String log = lastLog(p, cs.getName());
      if (!log.isEmpty()) {
        b.append("; its last output: ").append(log);
      }
      return b.toString();
    }
    String img = cs.getImage() == null ? "" : "image " + cs.getImage() + ": ";
    return img + (message == null ? reason : oneLine(message, 300));
  }

  private String lastLog(Pod p, String container) {
    try {
      String log =
          client
              .pods()
              .inNamespace(p.getMetadata().getNamespace())
              .withName(p.getMetadata().getName())
              .inContainer(container)
              .terminated()
              .tailingLines(3)
              .getLog();
      return log == null ? "" : oneLine(log.strip().replace('\n', ' '), 200);
    } catch (KubernetesClientException e) {
      return ""; // logs are a courtesy: no log access does not hide the reason
    }
  }

  /** At the deadline: what kept the rollout from finishing. */
  private RolloutFailure atDeadline(Workload w, Duration deadline, Look last) {
    List<Pod> pods =
        switch (w.kind()) {
          case "Deployment" -> {
            Deployment d =
                client.apps().deployments().inNamespace(w.namespace()).withName(w.name()).get();
            yield d == null ? List.of() : deploymentPods(d);
          }
          default -> List.of();
        };
    RolloutFailure f = podProblem(w, pods);
    if (f != null) {
      return new RolloutFailure(
          f.workload(),
          f.pod(),
          f.container(),
          f.reason(),
          f.message() + " (deadline " + deadline.toSeconds() + "s)");
    }
    return new RolloutFailure(
        w.display(),
        null,
        null,
        "Deadline",
        "did not finish within " + deadline.toSeconds() + "s: " + last.waiting());
  }

  /** A pod that runs but is not ready, or is not scheduled. */
  private @Nullable RolloutFailure podProblem(Workload w, List<Pod> pods) {
    RolloutFailure f = fatal(w, pods);
    if (f != null) {
      return f;
    }
    for (Pod p : pods) {
      List<PodCondition> conds =
          p.getStatus() == null || p.getStatus().getConditions() == null
              ? List.of()
              : p.getStatus().getConditions();
      for (PodCondition c : conds) {
        if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
          return new RolloutFailure(
              w.display(),
              p.getMetadata().getName(),
              null,
              "Unschedulable",
              oneLine(String.valueOf(c.getMessage()), 300));
        }
      }
      for (ContainerStatus cs : statuses(p)) {
        boolean running = cs.getState() != null && cs.getState().getRunning() != null;
        if (running && !Boolean.TRUE.equals(cs.getReady())) {
          String probe = lastProbeFailure(p);
          return new RolloutFailure(
              w.display(),
              p.getMetadata().getName(),
              cs.getName(),
              "ReadinessProbe",
              "the container runs but its readiness probe never passed"
                  + (probe.isEmpty() ? "" : ": " + probe));
        }
      }
    }
    return null;
  }

  private String lastProbeFailure(Pod p) {
    try {
      List<Event> events =
          client
              .v1()
              .events()
              .inNamespace(p.getMetadata().getNamespace())
              .withField("involvedObject.name", p.getMetadata().getName())
              .list()
              .getItems();
      return events.stream()
          .filter(e -> "Unhealthy".equals(e.getReason()) && e.getMessage() != null)
          .reduce((a, b) -> b)
          .map(e -> oneLine(e.getMessage(), 300))
          .orElse("");
    } catch (KubernetesClientException e) {
      return "";
    }
  }

  private static List<ContainerStatus> statuses(Pod p) {
    if (p.getStatus() == null) {
      return List.of();
    }
    List<ContainerStatus> all = new ArrayList<>();
    if (p.getStatus().getInitContainerStatuses() != null) {
      all.addAll(p.getStatus().getInitContainerStatuses());
    }
    if (p.getStatus().getContainerStatuses() != null) {
      all.addAll(p.getStatus().getContainerStatuses());
    }
    return all;
  }

  private static Map<String, String> matchLabels(@Nullable LabelSelector s) {
    return s == null || s.getMatchLabels() == null ? Map.of() : s.getMatchLabels();
  }

  private static @Nullable String annotation(@Nullable Map<String, String> m, String key) {
    return m == null ? null : m.get(key);
  }

  private static long nz(@Nullable Long l) {
    return l == null ? 0 : l;
  }

  private static int nz(@Nullable Integer i) {
    return i == null ? 0 : i;
  }

  private static String oneLine(String s, int max) {
    String t = s.replace('\n', ' ').strip();
    return t.length() <= max ? t : t.substring(0, max) + "…";
  }

  @Override
  public void close() {
    client.close();
  }
}
