package dev.cairn.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module graph of DESIGN.md, held as a test. */
class ArchitectureTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.cairn");

  @Test
  void modules_haveNoCycles() {
    slices().matching("dev.cairn.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void core_dependsOnNoOtherModule() {
    noClasses()
        .that()
        .resideInAPackage("dev.cairn.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.cairn.scanner..", "dev.cairn.cli..")
        .check(CLASSES);
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
  void scanner_dependsOnlyOnCore() {
    noClasses()
        .that()
        .resideInAPackage("dev.cairn.scanner..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.cairn.cli..")
        .check(CLASSES);
  }

  @Test
  void attestAndLedger_dependOnlyOnCore() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.cairn.attest..", "dev.cairn.ledger..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.cairn.scanner..",
            "dev.cairn.deploy..",
            "dev.cairn.cli..",
            "dev.cairn.testing..",
            "io.fabric8..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("dev.cairn.attest..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.cairn.ledger..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("dev.cairn.ledger..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.cairn.attest..")
        .check(CLASSES);
  }

  @Test
  void ethereum_isALedgerBackend_andWeb3jStaysBehindIt() {
    noClasses()
        .that()
        .resideInAPackage("dev.cairn.ethereum..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.cairn.scanner..",
            "dev.cairn.attest..",
            "dev.cairn.deploy..",
            "dev.cairn.cli..",
            "dev.cairn.testing..",
            "io.fabric8..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.cairn.core..",
            "dev.cairn.ledger..",
            "dev.cairn.attest..",
            "dev.cairn.scanner..",
            "dev.cairn.deploy..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.cairn.ethereum..", "org.web3j..")
        .check(CLASSES);
  }

  @Test
  void everyInternalPackage_staysInsideItsModule() {
    for (String m : new String[] {"scanner", "ledger", "attest", "deploy"}) {
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
  void libraryModules_doNotLog() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.cairn.core..",
            "dev.cairn.scanner..",
            "dev.cairn.ledger..",
            "dev.cairn.attest..",
            "dev.cairn.deploy..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.slf4j..", "java.util.logging..")
        .check(CLASSES);
  }
}
