package dev.cairn.scanner;

import java.util.List;

/** Runs checks over objects. Create one with {@link Scanners#create(ScanOptions)}. */
public interface Scanner {
  /** Scans every object of every source, streaming; returns the full report. */
  ScanReport scan(List<ObjectSource> sources) throws ScanException;
}
