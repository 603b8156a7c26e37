package dev.cairn.pipeline;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.pipeline.internal.DefinitionParser;
import dev.cairn.pipeline.internal.FileRunStore;
import dev.cairn.pipeline.internal.LocalRunExecutor;
import dev.cairn.pipeline.internal.RunJson;
import dev.cairn.pipeline.internal.SingleStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The pipeline module's entry point: reading pipeline files, the default pipeline, the file run
 * store in Cairn's home, the engine, and the local {@code run} executor.
 */
public final class Pipelines {
  /** Where a repository keeps its pipeline. */
  public static final String FILE = ".cairn/pipeline.yaml";

  /**
   * The seed's pipeline, in order, without its optional enclave step: Cairn's {@code enclave} runs
   * after {@code push} (it measures the pushed image by digest) and only where a pipeline asks for
   * it, since it needs the addresses pods reach the attestation and platform services at.
   */
  public static final List<StepKind> SEED_ORDER =
      List.of(
          StepKind.CHECKOUT,
          StepKind.BUILD,
          StepKind.SCAN,
          StepKind.PUSH,
          StepKind.SIGN,
          StepKind.DEPLOY);

  private Pipelines() {}

  /**
   * Reads a pipeline file.
   *
   * @param file the name errors give it (e.g. {@code .cairn/pipeline.yaml})
   * @throws PipelineException with every problem, each at its line
   */
  public static PipelineDefinition parse(String file, String text) throws PipelineException {
    return DefinitionParser.parse(file, text, file);
  }

  /**
   * The pipeline of a checked-out repository: its {@code .cairn/pipeline.yaml}, or the {@linkplain
   * #defaults() defaults} when it has none.
   */
  public static PipelineDefinition load(Path repository) throws PipelineException {
    Path f = repository.resolve(FILE);
    Path yml = repository.resolve(".cairn/pipeline.yml");
    if (!Files.exists(f) && Files.exists(yml)) {
      throw new PipelineException(
          ".cairn/pipeline.yml is not read: the pipeline file is .cairn/pipeline.yaml",
          "rename it to .cairn/pipeline.yaml");
    }
    if (!Files.exists(f)) {
      return defaults();
    }
    try {
      if (Files.size(f) > DefinitionParser.MAX_CHARS * 4) {
        throw new PipelineException(
            FILE + " is over the limit of " + DefinitionParser.MAX_CHARS + " characters", null);
      }
      return parse(FILE, Files.readString(f));
    } catch (IOException e) {
      throw new PipelineException(
          "cannot read " + f + ": " + e.getClass().getSimpleName(),
          "check the file's permissions",
          null,
          e);
    }
  }

  /**
   * The default pipeline: the seed's checkout → build → scan → push → sign → deploy, made of the
   * kinds this version of Cairn implements (the enclave step is opt-in: {@link #SEED_ORDER}).
   */
  public static PipelineDefinition defaults() {
    return defaults(List.of(StepKind.values()));
  }

  /**
   * The default pipeline restricted to {@code kinds} as well (e.g. the kinds an engine has
   * executors for), in the seed's order.
   */
  public static PipelineDefinition defaults(Collection<StepKind> kinds) {
    StringBuilder text = new StringBuilder("name: default\nsteps:\n");
    for (StepKind k : SEED_ORDER) {
      if (k.implemented() && kinds.contains(k)) {
        text.append("  - ").append(k.id()).append('\n');
      }
    }
    try {
      return DefinitionParser.parse(
          PipelineDefinition.DEFAULTS, text.toString(), PipelineDefinition.DEFAULTS);
    } catch (PipelineException e) {
      throw new IllegalArgumentException("no default pipeline of " + kinds, e);
    }
  }

  /** The directory of the pipeline's state in Cairn's home. */
  public static Path home(CairnHome home) {
    return home.pipeline();
  }

  /** The run store in Cairn's home ({@code pipeline/runs}). */
  public static RunStore fileStore(CairnHome home) throws PipelineException {
    return fileStore(home.pipeline().resolve("runs"));
  }

  /** A run store in a directory of its own. */
  public static RunStore fileStore(Path dir) throws PipelineException {
    return FileRunStore.open(dir);
  }

  /** An engine over {@code store}; add executors, then {@link RunEngine.Builder#start()}. */
  public static RunEngine.Builder engine(RunStore store) {
    return new RunEngine.Builder(store);
  }

  /** An engine builder for Cairn's home: its file store and {@code pipeline/workspaces}. */
  public static RunEngine.Builder engine(CairnHome home) throws PipelineException {
    return engine(fileStore(home)).workspaces(home.pipeline().resolve("workspaces"));
  }

  /**
   * The {@code run} executor: a local process in the workspace, with the scrubbed environment of
   * {@code hostEnv} (only PATH, HOME, LANG, LC_ALL, TZ and TMPDIR pass) plus the step's env and
   * secrets; killed with its children when cancelled.
   */
  public static StepExecutor localRunExecutor(Map<String, String> hostEnv) {
    return new LocalRunExecutor(hostEnv);
  }

  /** A run record as JSON (the format of {@code run.json}, stable: docs/pipeline.md). */
  public static String json(RunRecord run) {
    return RunJson.write(run);
  }

  /**
   * Reads a run record written by {@link #json(RunRecord)} (for stores that keep records elsewhere
   * than in files, such as the server's database).
   *
   * @throws IOException when it is not a run record of a format this version reads
   */
  public static RunRecord runFromJson(String json) throws IOException {
    return RunJson.read(json);
  }

  /** Runs as a JSON array. */
  public static String json(List<RunRecord> runs) {
    List<Object> all = new ArrayList<>();
    for (RunRecord r : runs) {
      all.add(RunJson.toMap(r));
    }
    return Json.pretty(all);
  }

  /** The digest a pipeline file's text has in records and provenance. */
  public static Digest digest(String text) {
    return Digest.sha256(text);
  }

  /**
   * Every run of a store, the newest first, after marking those whose engine is gone as interrupted
   * (what {@code cairn pipeline status} shows).
   */
  public static List<RunRecord> runs(RunStore store) throws PipelineException {
    store.interruptOrphans(java.time.Instant.now());
    return store.list();
  }

  /**
   * Where a workspace keeps its steps' outputs for steps run one at a time: {@code <step>.json}.
   */
  public static final String OUTPUTS = SingleStep.OUTPUTS;

  /**
   * Runs the step named {@code step} of {@code request}'s pipeline alone in {@code workspace}, as
   * the engine runs it in a run (what {@code cairn pipeline step} does in a Tekton Task): the
   * executor of its kind from {@code executors}, the same environment, its secrets from {@code
   * secrets} (masked in everything it logs and returns), its timeout; one attempt (whatever runs
   * the steps one by one retries them). The outputs of the steps before it are read from {@code
   * workspace/.cairn/outputs/<step>.json}, and when it succeeds its own are written there (replaced
   * whole: a crash leaves the old file or the new one).
   *
   * @param log each line of the step's log, masked
   * @return how the step ended; a failure has the executor's message
   * @throws PipelineException when the pipeline has no such step (the hint lists its steps), no
   *     executor here runs its kind, a secret is not set, or an earlier step's outputs cannot be
   *     read
   */
  public static StepResult runStep(
      RunRequest request,
      String runId,
      String step,
      Path workspace,
      Collection<StepExecutor> executors,
      SecretSource secrets,
      java.util.function.Consumer<String> log)
      throws PipelineException, InterruptedException {
    return SingleStep.run(request, runId, step, workspace, executors, secrets, log);
  }

  /** The step named {@code name}, or a {@link PipelineException} whose hint lists the steps. */
  public static StepSpec step(PipelineDefinition def, String name) throws PipelineException {
    return SingleStep.find(def, name);
  }
}
