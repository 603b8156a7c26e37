package dev.cairn.pipeline;

import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where run records and step logs are kept, durably: a record is written whole or not at all, and a
 * crash at any point leaves every run either as it last was or not created. The file store ({@link
 * Pipelines#fileStore}) keeps them in Cairn's home; the server supplies a database one. Several
 * processes may share one store: each run is leased by the engine that runs it, and a run whose
 * lease is gone (its engine died) is what {@link #interruptOrphans} finds.
 */
public interface RunStore extends AutoCloseable {

  /**
   * A created run, or the one that it duplicates.
   *
   * @param record the run
   * @param existing true if {@code record} is an earlier run that the new one duplicated
   * @param lease the new run's lease, held until closed; null when {@code existing}
   */
  record Created(
      RunRecord record, boolean existing, @org.jspecify.annotations.Nullable Lease lease) {}

  /** The hold of one engine on a run: while held, the run is not an orphan. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Creates {@code run} (whose id is {@code ""}) under a new id with its pipeline file's text, and
   * leases it; unless an existing run {@linkplain RunRecord#duplicates is the same}, which is then
   * returned instead. Atomic across every process sharing the store.
   */
  Created create(RunRecord run, String definitionText) throws PipelineException;

  /** Replaces a run's record; the new one must have a higher {@link RunRecord#revision()}. */
  void update(RunRecord run) throws PipelineException;

  Optional<RunRecord> get(String id) throws PipelineException;

  /** Every run, the newest first. */
  List<RunRecord> list() throws PipelineException;

  /** The pipeline file a run was submitted with. */
  Optional<String> definitionText(String id) throws PipelineException;

  /** Deletes a finished run with its logs. */
  void delete(String id) throws PipelineException;

  /** Opens a step's log to append to (masked bytes only: the engine masks before it writes). */
  OutputStream appendLog(String id, String logName) throws PipelineException;

  /**
   * Reads a step's log from byte {@code offset}, at most {@code max} bytes; empty past its end or
   * when the step has written none.
   */
  byte[] readLog(String id, String logName, long offset, int max) throws PipelineException;

  /** Asks the engine running (or holding queued) run {@code id} to cancel it, from any process. */
  void requestCancel(String id) throws PipelineException;

  /** Whether a cancel was asked for. */
  boolean cancelRequested(String id) throws PipelineException;

  /**
   * Marks every queued or running run whose engine is gone (no lease held) as {@linkplain
   * RunRecord#interrupted interrupted}, and returns them.
   */
  List<RunRecord> interruptOrphans(Instant now) throws PipelineException;

  @Override
  void close();
}
