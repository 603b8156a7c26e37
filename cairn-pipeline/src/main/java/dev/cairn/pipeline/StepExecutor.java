package dev.cairn.pipeline;

/**
 * Runs the steps of one {@link StepKind}. The engine has one executor per kind (the local {@code
 * run} executor of this module, checkout and build from this module's source and build packages,
 * sign from cairn-supplychain, deploy and Kubernetes Jobs from cairn-deploy) and calls it once per
 * attempt of a step, on a thread of its own.
 *
 * <p>An executor writes what it does to {@link StepContext#log()}, returns a {@link StepResult},
 * and stops soon after {@link StepContext#cancelled()} turns true (it is interrupted, and the
 * callbacks given to {@link StepContext#onCancel} run): a process it started must be killed, with
 * its children. It never puts a secret in a message or an output (the engine masks the values it
 * knows, but an executor that derives a credential must {@linkplain StepContext#mask mask} it).
 */
public interface StepExecutor {
  StepKind kind();

  /**
   * Runs one attempt of {@code ctx.step()}.
   *
   * @return what happened; a failure may say it is worth retrying
   * @throws InterruptedException when cancelled while waiting
   * @throws PipelineException for a failure with a message for the user (not retried)
   */
  StepResult execute(StepContext ctx) throws PipelineException, InterruptedException;
}
