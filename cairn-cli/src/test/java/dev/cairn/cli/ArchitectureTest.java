package dev.cairn.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module graph of ../shared/DESIGN.md, held as a test: for each module, the only modules and
 * libraries it may use (an allow-list per row of the module table), no cycles, {@code internal}
 * packages stay inside their module, each heavyweight library stays in its one module, and no
 * public signature of a library module uses a third-party type.
 */
class ArchitectureTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.cairn");

  /** What every module may use: the JDK, JSpecify and itself. */
  static final List<String> EVERYONE = List.of("java..", "javax..", "org.jspecify..", "jdk..");

  /** JSON and YAML parsing, which core wraps; used behind each module's own types. */
  static final List<String> PARSERS = List.of("com.fasterxml.jackson..", "org.snakeyaml..");

  /** DESIGN.md's module table: module → the Cairn modules and libraries it may use. */
  static final Map<String, List<String>> ALLOWED =
      rows(
          "core", PARSERS,
          "scanner",
              concat(
                  PARSERS,
                  List.of(
                      "dev.cairn.core..",
                      "dev.cel..",
                      "com.google.re2j..",
                      "com.google.common..",
                      "com.google.protobuf..",
                      "io.fabric8..")),
          "attest",
              concat(
                  PARSERS,
                  List.of("dev.cairn.core..", "org.bouncycastle..", "com.sun.net.httpserver..")),
          "ledger", concat(PARSERS, List.of("dev.cairn.core..")),
          "agent", concat(PARSERS, List.of("dev.cairn.core..", "dev.cairn.attest..")),
          "ethereum",
              concat(PARSERS, List.of("dev.cairn.core..", "dev.cairn.ledger..", "org.web3j..")),
          "certify",
              concat(
                  PARSERS,
                  List.of(
                      "dev.cairn.core..",
                      "dev.cairn.scanner..",
                      "dev.cairn.attest..",
                      "dev.cairn.ledger..")),
          "supplychain",
              concat(
                  PARSERS,
                  List.of(
                      "dev.cairn.core..",
                      "dev.cairn.attest..",
                      "dev.cairn.ledger..",
                      // the vulnerability gate's version orders: Maven's and npm's own
                      "org.apache.maven.artifact.versioning..",
                      "org.semver4j..")),
          "pipeline",
              concat(
                  PARSERS,
                  List.of(
                      "dev.cairn.core..",
                      "dev.cairn.scanner..",
                      "dev.cairn.attest..",
                      "dev.cairn.supplychain..",
                      // the webhook listener's HTTP server (the JDK's own)
                      "com.sun.net.httpserver..",
                      "org.eclipse.jgit..",
                      "com.google.cloud.tools.jib..")),
          "deploy",
              concat(
                  PARSERS,
                  List.of(
                      "dev.cairn.core..",
                      "dev.cairn.scanner..",
                      "io.fabric8..",
                      // the deploy gate and the admission webhook: image verification against
                      // the trust root, the cluster certificate; the pipeline's deploy-target
                      // SPI; the webhook's HTTPS server (the JDK's own) and its certificates
                      "dev.cairn.supplychain..",
                      // the platform service of confidential workloads: the TEE's evidence
                      "dev.cairn.attest..",
                      "dev.cairn.certify..",
                      "dev.cairn.ledger..",
                      "dev.cairn.pipeline..",
                      "com.sun.net.httpserver..",
                      "org.bouncycastle..")),
          "server",
              concat(
                  PARSERS,
                  List.of(
                      "dev.cairn..",
                      // HTTP (Javalin on Jetty 12), migrations, metrics; databases only through
                      // java.sql, their drivers loaded by URL
                      "io.javalin..",
                      "org.eclipse.jetty..",
                      // the servlet request and response Javalin hands over (raw bodies, SSE)
                      "jakarta.servlet..",
                      "org.flywaydb..",
                      "io.micrometer..")));

  /** {@code Map.of} for more than ten rows: module, allowed, module, allowed, ... */
  @SuppressWarnings("unchecked")
  private static Map<String, List<String>> rows(Object... kv) {
    Map<String, List<String>> m = new java.util.HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (List<String>) kv[i + 1]);
    }
    return Map.copyOf(m);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  static Stream<String> modules() {
    return ALLOWED.keySet().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("modules")
  void module_usesOnlyWhatItsDesignRowAllows(String module) {
    List<String> allowed = new ArrayList<>(EVERYONE);
    allowed.add("dev.cairn." + module + "..");
    allowed.addAll(ALLOWED.get(module));
    classes()
        .that()
        .resideInAPackage("dev.cairn." + module + "..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(allowed.toArray(String[]::new))
        .check(CLASSES);
  }

  @Test
  void modules_haveNoCycles() {
    slices().matching("dev.cairn.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void productionCode_neverUsesTestSupport() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.cairn.testing..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.cairn.testing..")
        .check(CLASSES);
  }

  @Test
  void everyInternalPackage_staysInsideItsModule() {
    for (String m : ALLOWED.keySet()) {
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.cairn." + m + "..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.cairn." + m + ".internal..")
          .check(CLASSES);
    }
  }

  @Test
  void web3j_isTouchedOnlyByTheEthereumModule() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.cairn.ethereum..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.web3j..")
        .check(CLASSES);
  }

  @Test
  void fabric8_isTouchedOnlyByTheClusterSourceAndTheDeployer() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.cairn.scanner.internal..", "dev.cairn.deploy.internal..", "dev.cairn.testing..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.fabric8..")
        .check(CLASSES);
  }

  @Test
  void jgitAndJib_areTouchedOnlyByThePipelinesInternals() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.cairn.pipeline.source.internal..", "dev.cairn.pipeline.build.internal..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.eclipse.jgit..", "com.google.cloud.tools.jib..")
        .check(CLASSES);
  }

  @Test
  void libraryModules_doNotLog() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.cairn.cli..", "dev.cairn.testing..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.slf4j..", "java.util.logging..")
        .check(CLASSES);
  }

  /** Third-party libraries whose types never appear in a public signature of a library module. */
  static final List<String> THIRD_PARTY =
      List.of(
          "com.fasterxml.",
          "org.snakeyaml.",
          "org.web3j.",
          "io.fabric8.",
          "dev.cel.",
          "org.bouncycastle.",
          "com.google.",
          "picocli.",
          "org.eclipse.jgit.",
          "org.apache.maven.",
          "org.semver4j.");

  @Test
  void publicSignatures_useOnlyJdkAndCairnTypes() {
    codeUnits()
        .that()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .resideOutsideOfPackages("dev.cairn.cli..", "dev.cairn.testing..", "..internal..")
        .should(useOnlyJdkAndCairnTypes())
        .check(CLASSES);
  }

  private static ArchCondition<JavaCodeUnit> useOnlyJdkAndCairnTypes() {
    return new ArchCondition<>("use only JDK and Cairn types in their signature") {
      @Override
      public void check(JavaCodeUnit u, ConditionEvents events) {
        if (u.getOwner().getModifiers().contains(JavaModifier.SYNTHETIC)) {
          return;
        }
        List<JavaClass> types = new ArrayList<>(u.getRawParameterTypes());
        types.add(u.getRawReturnType());
        for (JavaClass t : types) {
          String n = t.getName();
          if (THIRD_PARTY.stream().anyMatch(n::startsWith)) {
            events.add(
                SimpleConditionEvent.violated(
                    u, u.getFullName() + " uses " + n + " in its signature"));
          }
        }
      }
    };
  }
}
