package dev.cairn.ethereum;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package {@code dev.cairn.ethereum} is the module's API: its public signatures use JDK and
 * Cairn types only (web3j and Jackson stay in {@code internal}), and its public types are the ones
 * listed here.
 */
class PublicApiTest {
  static final List<String> FORBIDDEN =
      List.of("org.web3j.", "com.fasterxml.", "org.bouncycastle.", "dev.cairn.ethereum.internal.");

  static List<Class<?>> publicTypes() throws Exception {
    Path root =
        Path.of(EthereumLedger.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = root.resolve("dev/cairn/ethereum");
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = f.getFileName().toString();
        if (name.equals("package-info.class")) {
          continue;
        }
        Class<?> c =
            Class.forName(
                "dev.cairn.ethereum." + name.substring(0, name.length() - 6),
                false,
                PublicApiTest.class.getClassLoader());
        if (isExported(c)) {
          out.add(c);
        }
      }
    }
    return out;
  }

  static boolean isExported(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isSynthetic()) {
        return false;
      }
    }
    return true;
  }

  static void raw(Type t, Set<String> into) {
    if (t instanceof Class<?> c) {
      into.add(c.isArray() ? c.getComponentType().getName() : c.getName());
    } else if (t instanceof ParameterizedType p) {
      raw(p.getRawType(), into);
      for (Type a : p.getActualTypeArguments()) {
        raw(a, into);
      }
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        raw(b, into);
      }
      for (Type b : w.getLowerBounds()) {
        raw(b, into);
      }
    } else if (t instanceof GenericArrayType g) {
      raw(g.getGenericComponentType(), into);
    } else if (t instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        raw(b, into);
      }
    }
  }

  static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  @Test
  void publicSignatures_useJdkAndCairnTypesOnly() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Class<?> c : publicTypes()) {
      problems.addAll(problems(c));
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void theCheck_seesWireTypes() {
    assertThat(problems(dev.cairn.ethereum.internal.JsonRpc.class))
        .anyMatch(p -> p.contains("com.fasterxml.jackson.databind.JsonNode"));
    assertThat(problems(dev.cairn.ethereum.internal.Transactor.class))
        .anyMatch(p -> p.contains("org.web3j.crypto.Credentials"));
  }

  static List<String> problems(Class<?> c) {
    List<String> problems = new ArrayList<>();
    {
      Set<String> used = new TreeSet<>();
      raw(c.getGenericSuperclass() == null ? Object.class : c.getGenericSuperclass(), used);
      for (Type i : c.getGenericInterfaces()) {
        raw(i, used);
      }
      List<Executable> members = new ArrayList<>();
      for (Method m : c.getDeclaredMethods()) {
        if (visible(m.getModifiers()) && !m.isSynthetic()) {
          members.add(m);
          raw(m.getGenericReturnType(), used);
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (visible(k.getModifiers())) {
          members.add(k);
        }
      }
      for (Executable e : members) {
        for (Type p : e.getGenericParameterTypes()) {
          raw(p, used);
        }
        for (Type x : e.getGenericExceptionTypes()) {
          raw(x, used);
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers())) {
          raw(f.getGenericType(), used);
        }
      }
      if (c.isRecord()) {
        for (RecordComponent rc : c.getRecordComponents()) {
          raw(rc.getGenericType(), used);
        }
      }
      for (String u : used) {
        if (FORBIDDEN.stream().anyMatch(u::startsWith)) {
          problems.add(c.getName() + " uses " + u);
        }
      }
    }
    return problems;
  }

  @Test
  void thePublicTypes_areTheProviderTheLedgerTheChainOperationsAndTheirValues() throws Exception {
    assertThat(publicTypes().stream().map(Class::getSimpleName).sorted().toList())
        .containsExactly(
            "Deployment",
            "DevRegistry",
            "EthereumLedger",
            "EthereumLedgers",
            "EthereumRegistries",
            "IssuerChange",
            "IssuerException",
            "Kind",
            "LocalNode",
            "Problem",
            "WrongChainException");
  }
}
