package dev.cairn.pipeline.build;

import dev.cairn.core.Diagnostic;
import dev.cairn.core.SourceLocation;
import dev.cairn.pipeline.build.internal.DockerfileParser;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A parsed Dockerfile: its stages in order, each a FROM and the instructions after it.
 *
 * @param file the name used in diagnostics
 * @param lines the file's lines, to show beside a diagnostic
 * @param globalArgs the ARGs before the first FROM, with the values in effect
 * @param stages the stages, at least one
 */
public record Dockerfile(
    String file, List<String> lines, List<Instruction.Arg> globalArgs, List<Stage> stages) {
  public Dockerfile {
    lines = List.copyOf(lines);
    globalArgs = List.copyOf(globalArgs);
    stages = List.copyOf(stages);
  }

  /**
   * One stage.
   *
   * @param index its position, from 0
   * @param from its FROM
   * @param instructions the instructions after FROM, in order
   */
  public record Stage(int index, Instruction.From from, List<Instruction> instructions) {
    public Stage {
      instructions = List.copyOf(instructions);
    }

    /** The stage's name, or its index as text when it has none. */
    public String displayName() {
      return from.name() != null ? from.name() : Integer.toString(index);
    }
  }

  /**
   * Parses {@code text}; {@code buildArgs} give ARG values ({@code --build-arg}).
   *
   * @throws DockerfileException with every problem found, each at file:line:col with a caret
   */
  public static Dockerfile parse(String file, String text, Map<String, String> buildArgs)
      throws DockerfileException {
    return DockerfileParser.parse(file, text, buildArgs);
  }

  /** The stage named (case-insensitive) or numbered {@code nameOrIndex}. */
  public Optional<Stage> stage(String nameOrIndex) {
    for (Stage s : stages) {
      if (nameOrIndex.equalsIgnoreCase(s.from().name() == null ? "" : s.from().name())
          || nameOrIndex.equals(Integer.toString(s.index()))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** A diagnostic at {@code at} with the file's line beside it. */
  public Diagnostic diagnostic(SourceLocation at, String message) {
    @Nullable String line =
        at.line() >= 1 && at.line() <= lines.size() ? lines.get(at.line() - 1) : null;
    return new Diagnostic(at, message, line);
  }
}
