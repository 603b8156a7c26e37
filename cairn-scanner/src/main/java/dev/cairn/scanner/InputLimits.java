package dev.cairn.scanner;

import dev.cairn.core.Yaml;

/**
 * What reading manifests may cost, so that a hostile or broken input fails with a clear error, the
 * other inputs still scanned, instead of exhausting memory. The defaults are far above a real
 * cluster's manifests: the API server stores at most a few MiB per object.
 *
 * @param maxDocumentSize characters in one YAML document (also bounds one line)
 * @param maxInputSize bytes read from one file or stream (standard input, a pipe, a device)
 */
public record InputLimits(long maxDocumentSize, long maxInputSize) {
  /** 128 MiB per document, 4 GiB per input. */
  public static final long DEFAULT_DOCUMENT_SIZE = 128L << 20;

  public static final long DEFAULT_INPUT_SIZE = 4L << 30;

  public InputLimits {
    if (maxDocumentSize <= 0 || maxInputSize <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (maxDocumentSize > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("a document may be at most 1 GiB");
    }
  }

  public static InputLimits defaults() {
    return new InputLimits(DEFAULT_DOCUMENT_SIZE, DEFAULT_INPUT_SIZE);
  }

  public InputLimits withMaxDocumentSize(long size) {
    return new InputLimits(size, maxInputSize);
  }

  public InputLimits withMaxInputSize(long size) {
    return new InputLimits(maxDocumentSize, size);
  }

  /** The YAML parser's limits for one document. */
  public Yaml.Limits yaml() {
    return Yaml.Limits.defaults().withMaxDocumentChars(maxDocumentSize);
  }
}
