package dev.cairn.pipeline;

import dev.cairn.core.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Supplies the value of a secret a step names (a registry password, a git token). */
@FunctionalInterface
public interface SecretSource {
  /** The secret named {@code name}, or empty when it is not set. */
  Optional<Secret> secret(String name) throws PipelineException;

  /** Where a missing secret could be set, for the error that says it is missing. */
  default String describe(String name) {
    return "the secret source";
  }

  /** Secrets given as values. */
  static SecretSource of(Map<String, Secret> secrets) {
    Map<String, Secret> copy = Map.copyOf(secrets);
    return name -> Optional.ofNullable(copy.get(name));
  }

  /**
   * Secrets in environment variables: {@code registry-password} in {@code
   * CAIRN_SECRET_REGISTRY_PASSWORD}.
   */
  static SecretSource environment(Map<String, String> env) {
    Map<String, String> copy = Map.copyOf(env);
    return new SecretSource() {
      @Override
      public Optional<Secret> secret(String name) {
        String v = copy.get(variable(name));
        return v == null ? Optional.empty() : Optional.of(Secret.ofUtf8(v));
      }

      @Override
      public String describe(String name) {
        return "the environment variable " + variable(name);
      }
    };
  }

  /** The environment variable {@link #environment} reads secret {@code name} from. */
  static String variable(String name) {
    return "CAIRN_SECRET_" + name.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /**
   * Secrets in files of a directory, one file per secret, named as it is (no trailing newline
   * kept).
   */
  static SecretSource directory(Path dir) {
    return new SecretSource() {
      @Override
      public Optional<Secret> secret(String name) throws PipelineException {
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
          return Optional.empty();
        }
        try {
          byte[] b = Files.readAllBytes(f);
          int n = b.length;
          while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
            n--;
          }
          Secret s = Secret.of(java.util.Arrays.copyOf(b, n));
          java.util.Arrays.fill(b, (byte) 0);
          return Optional.of(s);
        } catch (IOException e) {
          throw new PipelineException(
              "cannot read secret '" + name + "' from " + dir + ": " + e.getClass().getSimpleName(),
              "check the file's permissions");
        }
      }

      @Override
      public String describe(String name) {
        return "the file " + dir.resolve(name);
      }
    };
  }

  /** The first source that has a secret. */
  static SecretSource firstOf(SecretSource... sources) {
    List<SecretSource> list = new ArrayList<>(List.of(sources));
    return new SecretSource() {
      @Override
      public Optional<Secret> secret(String name) throws PipelineException {
        for (SecretSource s : list) {
          Optional<Secret> v = s.secret(name);
          if (v.isPresent()) {
            return v;
          }
        }
        return Optional.empty();
      }

      @Override
      public String describe(String name) {
        return String.join(" or ", list.stream().map(s -> s.describe(name)).toList());
      }
    };
  }
}
