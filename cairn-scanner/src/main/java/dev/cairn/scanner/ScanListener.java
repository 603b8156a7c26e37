package dev.cairn.scanner;

/** Progress of a running scan, for a progress line. Called from scanning threads. */
public interface ScanListener {
  ScanListener NONE = objects -> {};

  /** {@code objects} have been evaluated so far. */
  void progress(long objects);
}
