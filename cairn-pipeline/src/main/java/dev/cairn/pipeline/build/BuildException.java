package dev.cairn.pipeline.build;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import org.jspecify.annotations.Nullable;

/**
 * A build that failed for a reason outside the Dockerfile's syntax: a missing base image or source
 * file, a registry that refuses or cannot be reached, buildah missing or failing. One line; never a
 * password.
 */
public final class BuildException extends CairnException {
  private static final long serialVersionUID = 1L;

  public BuildException(String message, @Nullable String hint, @Nullable Fix fix) {
    super(message, hint, fix, null);
  }
}
