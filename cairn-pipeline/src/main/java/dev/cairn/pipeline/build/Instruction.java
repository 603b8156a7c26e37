package dev.cairn.pipeline.build;

import dev.cairn.core.SourceLocation;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Dockerfile instruction after line continuations, comments and ARG/ENV substitution. Each
 * knows where it is ({@link #location()}: the column of its keyword).
 */
public sealed interface Instruction {
  SourceLocation location();

  /**
   * A word of an instruction with where it starts, for errors that point at it.
   *
   * @param value the word after quotes, escapes and substitution
   * @param location where it starts in the file
   */
  record Word(String value, SourceLocation location) {
    public Word {
      Objects.requireNonNull(value);
      Objects.requireNonNull(location);
    }
  }

  /**
   * {@code FROM [--platform=P] image [AS name]}.
   *
   * @param image the image reference, {@code scratch}, or an earlier stage's name
   * @param stage the index of the earlier stage it names, or -1 for an image
   * @param name the stage's name, lower case, or null
   * @param platform the {@code --platform} value, or null
   */
  record From(
      SourceLocation location,
      Word image,
      int stage,
      @Nullable String name,
      @Nullable String platform)
      implements Instruction {}

  /**
   * {@code COPY} or {@code ADD}.
   *
   * @param add whether it is ADD
   * @param sources the sources: paths in the build context, or in {@code fromStage}'s or {@code
   *     fromImage}'s file system
   * @param destination the destination in the image
   * @param fromStage the index of the stage of {@code --from}, or -1
   * @param fromImage the image of {@code --from} when it names no stage, or null
   * @param chown {@code --chown} as written, or null
   * @param chmod {@code --chmod} as octal permissions, or -1
   */
  record Copy(
      SourceLocation location,
      boolean add,
      List<Word> sources,
      Word destination,
      int fromStage,
      @Nullable Word fromImage,
      @Nullable Word chown,
      int chmod)
      implements Instruction {
    public Copy {
      sources = List.copyOf(sources);
    }
  }

  /** {@code ENV}: the variables it sets, in order. */
  record Env(SourceLocation location, Map<String, String> variables) implements Instruction {
    public Env {
      variables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variables));
    }
  }

  /**
   * {@code ARG name[=default]}, one per name.
   *
   * @param value the value in effect (a build argument, else the default), or null when unset
   */
  record Arg(SourceLocation location, String name, @Nullable String value) implements Instruction {}

  /** {@code WORKDIR}: the absolute directory (a relative one resolved against the last). */
  record Workdir(SourceLocation location, String path) implements Instruction {}

  /** {@code USER user[:group]}. */
  record User(SourceLocation location, String user) implements Instruction {}

  /** {@code LABEL}: the labels, in order. */
  record Label(SourceLocation location, Map<String, String> labels) implements Instruction {
    public Label {
      labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
    }
  }

  /**
   * {@code EXPOSE}: ports with their protocol.
   *
   * @param ports e.g. {@code 8080/tcp}, {@code 53/udp}
   */
  record Expose(SourceLocation location, List<String> ports) implements Instruction {
    public Expose {
      ports = List.copyOf(ports);
    }
  }

  /**
   * {@code ENTRYPOINT}.
   *
   * @param command the command; a shell form is wrapped in the shell ({@code /bin/sh -c})
   * @param shellForm whether it was written in shell form
   */
  record Entrypoint(SourceLocation location, List<String> command, boolean shellForm)
      implements Instruction {
    public Entrypoint {
      command = List.copyOf(command);
    }
  }

  /** {@code CMD}, as {@link Entrypoint}. */
  record Cmd(SourceLocation location, List<String> command, boolean shellForm)
      implements Instruction {
    public Cmd {
      command = List.copyOf(command);
    }
  }

  /** {@code VOLUME}: absolute paths. */
  record Volume(SourceLocation location, List<String> paths) implements Instruction {
    public Volume {
      paths = List.copyOf(paths);
    }
  }

  /** {@code SHELL ["executable", "parameters"]}: the shell of later shell forms. */
  record Shell(SourceLocation location, List<String> shell) implements Instruction {
    public Shell {
      shell = List.copyOf(shell);
    }
  }

  /**
   * {@code RUN}: a command that runs inside the image while it is built, which only buildah does.
   *
   * @param text the command as written, after continuations
   */
  record Run(SourceLocation location, String text) implements Instruction {}

  /**
   * {@code HEALTHCHECK} or {@code STOPSIGNAL}: image configuration that jib-core cannot write, so a
   * Dockerfile with one is built by buildah.
   *
   * @param keyword {@code HEALTHCHECK} or {@code STOPSIGNAL}
   * @param text the arguments as written
   */
  record ConfigOnly(SourceLocation location, String keyword, String text) implements Instruction {}
}
