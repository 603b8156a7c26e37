package dev.cairn.deploy.internal;

import dev.cairn.core.CairnException;
import dev.cairn.core.Secret;
import dev.cairn.core.Text;
import dev.cairn.scanner.ClusterOptions;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One pipeline step as a Job (fabric8 stays in here): a Secret with the workspace token and the
 * step's secrets, the Job whose init container fetches the workspace and whose {@code step}
 * container runs the command, the container's log streamed while it runs, and both objects deleted
 * at the end or on cancellation.
 */
public final class JobRunner implements AutoCloseable {
  /** The waiting reasons after which a container will not start by itself. */
  static final Set<String> STUCK =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  private static final Duration POLL = Duration.ofMillis(250);

  /**
   * What to run.
   *
   * @param name the Job's name (a DNS label)
   * @param labels its labels, also on its pod
   * @param image the step's image
   * @param command the step's command
   * @param workdir the working directory below the workspace ({@code .} for its root)
   * @param env the step's environment (no secret in it)
   * @param secrets the step's secrets by environment variable
   * @param workspaceUrl where the init container fetches the workspace
   * @param workspaceToken its one-time token
   * @param workspaceSha256 the archive's SHA-256
   * @param timeout the step's deadline
   */
  public record Spec(
      String name,
      Map<String, String> labels,
      String image,
      List<String> command,
      String workdir,
      Map<String, String> env,
      Map<String, Secret> secrets,
      String workspaceUrl,
      Secret workspaceToken,
      String workspaceSha256,
      Duration timeout) {}

  /**
   * How it ended.
   *
   * @param exitCode the step container's exit code (null when it never ran)
   * @param message what happened, for people
   * @param retryable whether another attempt might do better
   */
  public record Outcome(@Nullable Integer exitCode, String message, boolean retryable) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String serviceAccount;
  private final String agentImage;
  private final long runAsUser;

  public JobRunner(
      ClusterOptions cluster,
      String namespace,
      String serviceAccount,
      String agentImage,
      long runAsUser)
      throws CairnException {
    this.client = ServerSideApply.client(cluster);
    this.namespace = namespace;
    this.serviceAccount = serviceAccount;
    this.agentImage = agentImage;
    this.runAsUser = runAsUser;
  }

  static final String STEP = "step";
  static final String INIT = "cairn-workspace";
  static final String WORKSPACE = "/workspace";

  private static EnvVar fromSecret(String env, String secret, String key) {
    return new EnvVarBuilder()
        .withName(env)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  /** The Job for {@code s}: every secret by reference to {@code secretName}, none in its spec. */
  public Job job(Spec s, String secretName) {
    return job(s, secretName, namespace, serviceAccount, agentImage, runAsUser);
  }

  /** As {@link #job(Spec, String)}, for a given namespace, ServiceAccount, agent and user. */
  public static Job job(
      Spec s,
      String secretName,
      String namespace,
      String serviceAccount,
      String agentImage,
      long runAsUser) {
    List<EnvVar> initEnv = new ArrayList<>();
    initEnv.add(new EnvVar("CAIRN_WORKSPACE_URL", s.workspaceUrl(), null));
    initEnv.add(new EnvVar("CAIRN_WORKSPACE_SHA256", s.workspaceSha256(), null));
    initEnv.add(new EnvVar("CAIRN_WORKSPACE_DIR", WORKSPACE, null));
    initEnv.add(fromSecret("CAIRN_WORKSPACE_TOKEN", secretName, "CAIRN_WORKSPACE_TOKEN"));
    List<EnvVar> env = new ArrayList<>();
    s.env().forEach((k, v) -> env.add(new EnvVar(k, v, null)));
    for (String k : s.secrets().keySet()) {
      env.add(fromSecret(k, secretName, "step." + k));
    }
    var restricted =
        new SecurityContextBuilder()
            .withAllowPrivilegeEscalation(false)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .build();
    String workdir =
        s.workdir().equals(".") || s.workdir().isEmpty()
            ? WORKSPACE
            : WORKSPACE + "/" + s.workdir();
    long deadline = Math.max(1, s.timeout().toSeconds());
    return new JobBuilder()
        .withNewMetadata()
        .withName(s.name())
        .withNamespace(namespace)
        .withLabels(s.labels())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(deadline)
        .withTtlSecondsAfterFinished(600)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(s.labels())
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withServiceAccountName(serviceAccount)
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(5L)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(runAsUser)
        .withRunAsGroup(runAsUser)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewVolume()
        .withName("workspace")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addNewInitContainer()
        .withName(INIT)
        .withImage(agentImage)
        .withArgs("fetch-workspace")
        .withEnv(initEnv)
        .withSecurityContext(restricted)
        .addNewVolumeMount()
        .withName("workspace")
        .withMountPath(WORKSPACE)
        .endVolumeMount()
        .endInitContainer()
        .addNewContainer()
        .withName(STEP)
        .withImage(s.image())
        .withCommand(s.command())
        .withWorkingDir(workdir)
        .withEnv(env)
        .withSecurityContext(restricted)
        .addNewVolumeMount()
        .withName("workspace")
        .withMountPath(WORKSPACE)
        .endVolumeMount()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * Runs {@code s} and streams the step container's log into {@code log}; returns when the Job's
   * pod has ended, its deadline passed, or {@code cancelled} turned true (the objects are deleted
   * then too).
   */
  public Outcome run(Spec s, OutputStream log, java.util.function.BooleanSupplier cancelled)
      throws CairnException, InterruptedException {
    String secretName = s.name() + "-env";
    Map<String, String> data = new LinkedHashMap<>();
    data.put("CAIRN_WORKSPACE_TOKEN", base64(s.workspaceToken()));
    s.secrets().forEach((k, v) -> data.put("step." + k, base64(v)));
    try {
      client
          .secrets()
          .inNamespace(namespace)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(secretName)
                  .withNamespace(namespace)
                  .withLabels(s.labels())
                  .endMetadata()
                  .withType("Opaque")
                  .withData(data)
                  .withImmutable(true)
                  .build())
          .create();
      Job created =
          client.batch().v1().jobs().inNamespace(namespace).resource(job(s, secretName)).create();
      // the Job owns its Secret: the garbage collector takes both if this process dies
      client
          .secrets()
          .inNamespace(namespace)
          .withName(secretName)
          .edit(
              sec -> {
                sec.getMetadata()
                    .setOwnerReferences(
                        List.of(
                            new OwnerReferenceBuilder()
                                .withApiVersion("batch/v1")
                                .withKind("Job")
                                .withName(created.getMetadata().getName())
                                .withUid(created.getMetadata().getUid())
                                .withBlockOwnerDeletion(false)
                                .build()));
                return sec;
              });
      return follow(s, log, cancelled);
    } catch (KubernetesClientException e) {
      throw new CairnException(
          "cannot run step " + s.name() + " as a Job in namespace " + namespace + ": " + reason(e),
          "give the executor's identity create, get, list and delete on jobs and secrets, patch on"
              + " secrets, get and list on pods and get on pods/log there",
          e);
    } finally {
      delete(s.name(), secretName);
    }
  }

  private Outcome follow(Spec s, OutputStream log, java.util.function.BooleanSupplier cancelled)
      throws InterruptedException {
    long deadline = System.nanoTime() + s.timeout().toNanos() + TimeUnit.SECONDS.toNanos(30);
    LogWatch watch = null;
    try {
      while (true) {
        if (cancelled.getAsBoolean()) {
          return new Outcome(null, "cancelled: the Job is deleted", false);
        }
        if (System.nanoTime() > deadline) {
          return new Outcome(null, "the Job did not finish within the step's timeout", true);
        }
        Pod pod = pod(s.name());
        if (pod != null && pod.getStatus() != null) {
          ContainerStatus init = status(pod.getStatus().getInitContainerStatuses(), INIT);
          ContainerStatus step = status(pod.getStatus().getContainerStatuses(), STEP);
          Outcome stuck = stuck(pod, init, step);
          if (stuck != null) {
            return stuck;
          }
          if (watch == null
              && step != null
              && step.getState() != null
              && (step.getState().getRunning() != null
                  || step.getState().getTerminated() != null)) {
            watch =
                client
                    .pods()
                    .inNamespace(namespace)
                    .withName(pod.getMetadata().getName())
                    .inContainer(STEP)
                    .watchLog(log);
          }
          ContainerState st = step == null ? null : step.getState();
          if (st != null && st.getTerminated() != null && watch != null) {
            try {
              watch.onClose().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
              // the log ends where the stream broke; the exit code is what counts
            }
            int exit = st.getTerminated().getExitCode();
            String why = st.getTerminated().getReason();
            return exit == 0
                ? new Outcome(0, "exited with 0", false)
                : new Outcome(
                    exit,
                    "exited with "
                        + exit
                        + (why == null || why.equals("Error") ? "" : " (" + why + ")"),
                    true);
          }
          if ("Failed".equals(pod.getStatus().getPhase())
              && (st == null || st.getTerminated() == null)) {
            String why = pod.getStatus().getReason();
            return new Outcome(
                null,
                "the step's pod failed before its container ran"
                    + (why == null
                        ? ""
                        : ": " + why + " " + String.valueOf(pod.getStatus().getMessage())),
                false);
          }
        }
        Thread.sleep(POLL.toMillis());
      }
    } finally {
      if (watch != null) {
        watch.close();
      }
    }
  }

  /** A pod that will not get further by itself, or null. */
  private @Nullable Outcome stuck(
      Pod pod, @Nullable ContainerStatus init, @Nullable ContainerStatus step) {
    if (init != null && init.getState() != null && init.getState().getTerminated() != null) {
      int exit = init.getState().getTerminated().getExitCode();
      if (exit != 0) {
        return new Outcome(
            null,
            "the workspace could not be fetched into the Job's pod (init container exited with "
                + exit
                + "): "
                + lastLine(initLog(pod)),
            false);
      }
    }
    for (ContainerStatus c : new ContainerStatus[] {init, step}) {
      if (c != null && c.getState() != null && c.getState().getWaiting() != null) {
        String reason = c.getState().getWaiting().getReason();
        if (reason != null && STUCK.contains(reason)) {
          String msg = c.getState().getWaiting().getMessage();
          return new Outcome(
              null,
              "container "
                  + c.getName()
                  + " of the Job cannot start: "
                  + reason
                  + (msg == null ? "" : ": " + Text.escape(firstLine(msg))),
              false);
        }
      }
    }
    return null;
  }

  private String initLog(Pod pod) {
    try {
      return client
          .pods()
          .inNamespace(namespace)
          .withName(pod.getMetadata().getName())
          .inContainer(INIT)
          .getLog();
    } catch (KubernetesClientException e) {
      return "(its log is not readable: " + reason(e) + ")";
    }
  }

  private static String lastLine(String s) {
    String t = s.strip();
    int nl = t.lastIndexOf('\n');
    return Text.escape(nl < 0 ? t : t.substring(nl + 1));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private @Nullable Pod pod(String job) {
    List<Pod> pods =
        client.pods().inNamespace(namespace).withLabel("job-name", job).list().getItems();
    return pods.isEmpty() ? null : pods.get(0);
  }

  private static @Nullable ContainerStatus status(
      @Nullable List<ContainerStatus> all, String name) {
    if (all == null) {
      return null;
    }
    return all.stream().filter(c -> name.equals(c.getName())).findFirst().orElse(null);
  }

  /** Deletes the Job (with its pod) and its Secret; what is gone already is fine. */
  public void delete(String job, String secret) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .withName(job)
          .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
          .delete();
    } catch (KubernetesClientException e) {
      // left to its TTL and the garbage collector
    }
    try {
      client.secrets().inNamespace(namespace).withName(secret).delete();
    } catch (KubernetesClientException e) {
      // owned by the Job: collected with it
    }
  }

  private static String base64(Secret s) {
    byte[] b = s.bytes();
    try {
      return Base64.getEncoder().encodeToString(b);
    } finally {
      java.util.Arrays.fill(b, (byte) 0);
    }
  }

  private static String reason(KubernetesClientException e) {
    String m =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : String.valueOf(e.getMessage());
    return Text.escape(firstLine(m));
  }

  @Override
  public void close() {
    client.close();
  }
}
