package dev.cairn.cli;

import dev.cairn.core.Text;
import dev.cairn.deploy.Deploys;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.Targets;
import dev.cairn.deploy.VulnPolicy;
import dev.cairn.deploy.duties.BreakGlass;
import dev.cairn.deploy.duties.DutyException;
import dev.cairn.deploy.duties.Roster;
import dev.cairn.deploy.rollout.DeployException;
import dev.cairn.deploy.rollout.DeployRequest;
import dev.cairn.deploy.rollout.DeployResult;
import dev.cairn.deploy.rollout.Pin;
import dev.cairn.deploy.rollout.Revision;
import dev.cairn.deploy.rollout.RolloutEngine;
import dev.cairn.scanner.KubeObject;
import dev.cairn.supplychain.OciClient;
import dev.cairn.supplychain.vuln.Severity;
import dev.cairn.supplychain.vuln.VulnGate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn deploy TARGET PATH...}: manifests to a target behind the gate; {@code target},
 * {@code history}, {@code unpin}. Exit 0 deployed, 1 refused or rolled back, 2 usage or input.
 */
@Command(
    name = "deploy",
    subcommands = {
      DeployCommand.Target.class,
      DeployCommand.History.class,
      DeployCommand.Unpin.class
    })
final class DeployCommand extends Sub {
  @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET", descriptionKey = "deploy-target")
  @Nullable String target;

  @Parameters(index = "1..*", paramLabel = "PATH", descriptionKey = "deploy-paths")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--commit", paramLabel = "SHA")
  @Nullable String commit;

  @Option(names = "--who", paramLabel = "NAME")
  @Nullable String who;

  @Option(names = "--plain-http", paramLabel = "REGISTRY")
  List<String> plainHttp = new ArrayList<>();

  @Option(names = "--override", paramLabel = "FILE")
  @Nullable Path override;

  @Option(names = "--roster", paramLabel = "FILE")
  @Nullable Path roster;

  static String who(Sub c, @Nullable String given) {
    if (given != null && !given.isBlank()) {
      return given;
    }
    return c.env().getOrDefault("USER", System.getProperty("user.name", "unknown"));
  }

  @Override
  public Integer call() throws Exception {
    if (target == null) {
      return super.call();
    }
    if (paths.isEmpty()) {
      throw ExitException.usage(
          "no manifests to deploy", "pass manifest files, a directory, or - for standard input");
    }
    if ((override == null) != (roster == null)) {
      throw ExitException.usage(
          override == null ? "--roster needs --override" : "--override needs --roster",
          "give both: the override file and the roster its signers are checked against");
    }
    TargetConfig t = Targets.require(home(), target);
    List<KubeObject> objects = Deploys.read(paths, System.in);
    OciClient oci = Deploys.registries(objects, plainHttp);
    RolloutEngine engine;
    if (override != null && roster != null) {
      BreakGlass o;
      try {
        o = BreakGlass.parse(Files.readString(override));
      } catch (java.io.IOException e) {
        throw ExitException.usage(
            "cannot read override " + override + ": " + e.getMessage(), "check the path");
      } catch (DutyException e) {
        throw ExitException.usage(
            override + ": " + e.getMessage(), e.hint().orElse("check the override file"));
      }
      Roster r;
      try {
        r = Roster.read(roster, false);
      } catch (DutyException e) {
        throw ExitException.usage(
            String.valueOf(e.getMessage()), e.hint().orElse("check the roster file"));
      }
      engine = Deploys.engine(home(), oci, Clock.systemUTC(), o, r);
    } else {
      engine = Deploys.engine(home(), oci, Clock.systemUTC());
    }
    try {
      DeployResult r = engine.deploy(new DeployRequest(t, objects, commit, who(this, who)));
      return render(this, t, r);
    } catch (DeployException e) {
      return refused(this, e);
    }
  }

  static int render(Sub c, TargetConfig t, DeployResult r) {
    Revision rev = r.revision();
    switch (r) {
      case DeployResult.Deployed d ->
          c.out()
              .println(
                  "Deployed rev "
                      + rev.rev()
                      + " to "
                      + t.name()
                      + " ("
                      + t.namespace()
                      + ") in "
                      + d.elapsed().toMillis()
                      + " ms; gate "
                      + rev.gate());
      case DeployResult.RolledBack b ->
          c.out()
              .println(
                  "Rev "
                      + rev.rev()
                      + " of "
                      + t.name()
                      + " failed to roll out and was rolled back to rev "
                      + b.restored()
                      + ": "
                      + Text.escape(b.failure().describe()));
      case DeployResult.Failed f ->
          c.out()
              .println(
                  "Rev "
                      + rev.rev()
                      + " of "
                      + t.name()
                      + " failed to roll out: "
                      + Text.escape(f.failure().describe())
                      + "; "
                      + Text.escape(f.why()));
    }
    for (String image : rev.images()) {
      c.out().println("  " + image);
    }
    c.out().flush();
    return r.succeeded() ? Main.OK : Main.FINDINGS;
  }

  /** A refusal: the gate, a pin, a busy target are findings (1); the rest is input (2). */
  static int refused(Sub c, DeployException e) {
    c.err().println("cairn: " + Text.escape(String.valueOf(e.getMessage())));
    String hint =
        e.reason().equals("pinned")
            ? "unpin it with `cairn deploy unpin "
                + e.fix().map(f -> f.args().get("target")).orElse("TARGET")
                + "` when the rollback is no longer needed"
            : Hints.of(e).orElse(null);
    if (hint != null) {
      c.err().println("  perhaps you should " + Text.escape(hint));
    }
    c.err().flush();
    return switch (e.reason()) {
      case "gate", "pinned", "busy" -> Main.FINDINGS;
      default -> Main.USAGE;
    };
  }

  @Command(name = "target")
  static final class Target extends Sub {
    @Parameters(index = "0", paramLabel = "NAME", descriptionKey = "deploy-target-name")
    String name = "";

    @Option(names = "--kubeconfig", required = true, paramLabel = "FILE")
    @Nullable Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME")
    @Nullable String context;

    @Option(names = "--namespace", required = true, paramLabel = "NS")
    String namespace = "";

    @Option(names = "--deadline", paramLabel = "SECONDS")
    long deadline = 120;

    @Option(names = "--allow-repository", paramLabel = "URL")
    List<String> repositories = new ArrayList<>();

    @Option(names = "--allow-branch", paramLabel = "BRANCH")
    List<String> branches = new ArrayList<>();

    @Option(
        names = {"-f", "--framework"},
        split = ",",
        paramLabel = "F")
    List<String> frameworks = new ArrayList<>();

    @Option(names = "--certificate", paramLabel = "FILE")
    @Nullable Path certificate;

    @Option(names = "--no-certificate")
    boolean noCertificate;

    @Option(
        names = "--max-severity",
        paramLabel = "SEVERITY",
        converter = VulnCommand.SeverityValue.class)
    @Nullable Severity maxSeverity;

    @Option(names = "--max-db-age", paramLabel = "AGE", converter = VulnCommand.AgeValue.class)
    @Nullable Duration maxDbAge;

    @Option(names = "--vulnerabilities-optional")
    boolean vulnerabilitiesOptional;

    @Override
    public Integer call() throws Exception {
      if (!TargetConfig.validName(name)) {
        throw ExitException.usage(
            "'" + name + "' is not a target name", "use 1-63 lower-case letters, digits and '-'");
      }
      if (certificate == null && !noCertificate) {
        throw ExitException.usage(
            "target " + name + " names no compliance certificate",
            "give --certificate FILE (cairn certify writes it), or --no-certificate for a"
                + " cluster that needs none");
      }
      if (deadline < 1) {
        throw ExitException.usage("--deadline is at least 1 second", "give a positive number");
      }
      if (maxSeverity == null && (maxDbAge != null || vulnerabilitiesOptional)) {
        throw ExitException.usage(
            (maxDbAge != null ? "--max-db-age" : "--vulnerabilities-optional")
                + " needs --max-severity",
            "give --max-severity SEVERITY (critical, high, …) to demand the vulnerability-gate"
                + " attestation");
      }
      VulnPolicy vulns =
          maxSeverity == null
              ? null
              : new VulnPolicy(
                  maxSeverity,
                  maxDbAge != null ? maxDbAge : VulnGate.DEFAULT_MAX_DB_AGE,
                  !vulnerabilitiesOptional);
      TargetConfig t =
          TargetConfig.of(name, java.util.Objects.requireNonNull(kubeconfig), namespace)
              .withContext(context)
              .withDeadline(Duration.ofSeconds(deadline))
              .withGate(repositories, branches, frameworks, !noCertificate, certificate)
              .withVulnerabilities(vulns);
      Targets.save(home(), t);
      out().println("Target " + name + " deploys to namespace " + namespace + " of " + kubeconfig);
      if (vulns != null) {
        out()
            .println(
                "It "
                    + (vulns.required() ? "demands" : "judges, when there is one,")
                    + " each image's attested vulnerability-gate result: no open finding at or"
                    + " above "
                    + vulns.maxSeverity().id()
                    + ", database at most "
                    + VulnPolicy.formatAge(vulns.maxDbAge())
                    + " old");
      }
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "history")
  static final class History extends Sub {
    @Parameters(index = "0", paramLabel = "TARGET", descriptionKey = "deploy-target-arg")
    String target = "";

    @Override
    public Integer call() throws Exception {
      RolloutEngine e =
          Deploys.engine(home(), Deploys.registries(List.of(), List.of()), Clock.systemUTC());
      Optional<Pin> pin = e.pin(target);
      for (Revision r : e.history(target)) {
        out()
            .println(
                r.rev()
                    + "  "
                    + r.kind()
                    + "  "
                    + r.outcome().wire()
                    + "  "
                    + r.time()
                    + "  "
                    + r.who()
                    + "  "
                    + (r.commit() == null ? "-" : r.commit())
                    + "  "
                    + String.join(",", r.images())
                    + "  gate "
                    + r.gate()
                    + (r.reason() == null ? "" : "  " + Text.escape(r.reason())));
      }
      pin.ifPresent(
          p -> out().println("pinned at rev " + p.rev() + " by " + p.who() + " since " + p.time()));
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "unpin")
  static final class Unpin extends Sub {
    @Parameters(index = "0", paramLabel = "TARGET", descriptionKey = "deploy-target-arg")
    String target = "";

    @Override
    public Integer call() throws Exception {
      Targets.require(home(), target);
      RolloutEngine e =
          Deploys.engine(home(), Deploys.registries(List.of(), List.of()), Clock.systemUTC());
      Optional<Pin> p = e.unpin(target);
      out()
          .println(
              p.map(
                      x ->
                          "Unpinned "
                              + target
                              + " (was pinned at rev "
                              + x.rev()
                              + " by "
                              + x.who()
                              + ")")
                  .orElse("Target " + target + " was not pinned"));
      out().flush();
      return Main.OK;
    }
  }
}
