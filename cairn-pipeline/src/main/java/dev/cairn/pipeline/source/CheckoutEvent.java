package dev.cairn.pipeline.source;

/** What a checkout reports while it runs, for a caller to show; a library prints nothing. */
public sealed interface CheckoutEvent {

  /**
   * Progress of one task of the transfer, as git names it ("Receiving objects", ...).
   *
   * @param task the task
   * @param done units done
   * @param total units in all, 0 when unknown
   */
  record Progress(String task, long done, long total) implements CheckoutEvent {}

  /**
   * A fetch of the repository began.
   *
   * @param repository the repository, without credentials
   * @param shallow whether only the commit itself is fetched (depth 1)
   */
  record Fetching(String repository, boolean shallow) implements CheckoutEvent {}

  /**
   * The commit is checked out.
   *
   * @param checkout the result
   */
  record CheckedOut(Checkout checkout) implements CheckoutEvent {}
}
