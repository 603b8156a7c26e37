package dev.cairn.deploy;

import dev.cairn.core.CairnException;
import dev.cairn.core.CairnHome;
import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.duties.BreakGlass;
import dev.cairn.deploy.duties.Roster;
import dev.cairn.deploy.gate.Gates;
import dev.cairn.deploy.rollout.DeployException;
import dev.cairn.deploy.rollout.DeployRequest;
import dev.cairn.deploy.rollout.DeployResult;
import dev.cairn.deploy.rollout.RolloutEngine;
import dev.cairn.deploy.rollout.Rollouts;
import dev.cairn.pipeline.DeployTarget;
import dev.cairn.pipeline.PipelineException;
import dev.cairn.scanner.KubeObject;
import dev.cairn.scanner.ObjectSources;
import dev.cairn.scanner.ScanException;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the CLI and the server call to deploy: the engine over Cairn's home (file history, the
 * standard gate), manifests read as {@code cairn scan} reads them, and the pipeline's deploy
 * targets ({@link DeployTarget}).
 */
public final class Deploys {
  private Deploys() {}

  /** The engine of {@code home}: its deploy history, and the gate against its trust root. */
  public static RolloutEngine engine(CairnHome home, OciClient oci, Clock clock) {
    return Rollouts.engine(
        Rollouts.fileHistory(home), oci, Gates.standard(home, oci, clock), clock);
  }

  /**
   * The engine of {@code home} with a break-glass override: the gate's refusals are lifted when
   * {@code override} covers them and verifies against {@code roster}; each use is recorded in
   * {@code home}'s audit log.
   */
  public static RolloutEngine engine(
      CairnHome home, OciClient oci, Clock clock, BreakGlass override, Roster roster) {
    return Rollouts.engine(
        Rollouts.fileHistory(home),
        oci,
        Gates.withOverride(
            Gates.standard(home, oci, clock), override, roster, AuditLog.in(home), clock),
        clock);
  }

  /** Manifest files, directories, or {@code -} for {@code stdin} (rendered Kustomize or Helm). */
  public static List<KubeObject> read(List<Path> paths, InputStream stdin) throws DeployException {
    try {
      return ObjectSources.readAll(ObjectSources.manifests(paths, stdin));
    } catch (ScanException e) {
      throw new DeployException(
          "manifests", String.valueOf(e.getMessage()), e.hint().orElse(null), null, e);
    }
  }

  /**
   * A registry client for deploying {@code objects}: HTTPS, and plain HTTP to the registries in
   * {@code plainHttp} and to those on the loopback address ({@code 127.0.0.1}, {@code localhost},
   * {@code [::1]}) that the objects name, as the push step's {@code plainHttp} allows for a
   * registry on this machine.
   */
  public static OciClient registries(List<KubeObject> objects, List<String> plainHttp) {
    var b = dev.cairn.supplychain.Registries.builder();
    for (String r : plainHttp) {
      b.allowPlainHttp(r);
    }
    for (String text : images(objects)) {
      try {
        String reg = ImageRef.parse(text).registry();
        String host =
            reg.startsWith("[") ? reg.substring(0, reg.indexOf(']') + 1) : reg.split(":")[0];
        if (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]")) {
          b.allowPlainHttp(reg);
        }
      } catch (CairnException e) {
        // named by the pinning, which refuses it
      }
    }
    return b.build();
  }

  private static List<String> images(List<KubeObject> objects) {
    List<String> out = new java.util.ArrayList<>();
    for (KubeObject o : objects) {
      collect(o.content(), out);
    }
    return out;
  }

  private static void collect(@Nullable Object node, List<String> out) {
    if (node instanceof java.util.Map<?, ?> m) {
      for (var e : m.entrySet()) {
        if ("image".equals(e.getKey()) && e.getValue() instanceof String s) {
          out.add(s);
        } else {
          collect(e.getValue(), out);
        }
      }
    } else if (node instanceof List<?> l) {
      for (Object o : l) {
        collect(o, out);
      }
    }
  }

  /** The pipeline's deploy targets: those defined in {@code home}, deployed through its gate. */
  public static DeployTarget.Lookup pipelineTargets(CairnHome home, Clock clock) {
    return name -> {
      Optional<TargetConfig> t;
      try {
        t = Targets.load(home, name);
      } catch (DeployException e) {
        throw new PipelineException(String.valueOf(e.getMessage()), e.hint().orElse(null));
      }
      return t.map(cfg -> order -> deploy(home, clock, cfg, order));
    };
  }

  private static DeployTarget.Outcome deploy(
      CairnHome home, Clock clock, TargetConfig t, DeployTarget.Order order)
      throws PipelineException, InterruptedException {
    try {
      List<KubeObject> objects = read(order.manifests(), InputStream.nullInputStream());
      @Nullable String image = order.image();
      if (image != null) {
        objects = Rollouts.withImage(objects, ImageRef.parse(image));
      }
      order.log().accept("deploying " + objects.size() + " objects to target " + t.name());
      RolloutEngine engine = engine(home, registries(objects, List.of()), clock);
      DeployResult r = engine.deploy(new DeployRequest(t, objects, order.commit(), order.who()));
      String msg =
          switch (r) {
            case DeployResult.Deployed d ->
                "deployed rev "
                    + d.revision().rev()
                    + " to "
                    + t.name()
                    + " in "
                    + d.elapsed().toMillis()
                    + " ms";
            case DeployResult.RolledBack b ->
                "rev "
                    + b.revision().rev()
                    + " failed to roll out: "
                    + b.failure().describe()
                    + "; rolled back to rev "
                    + b.restored();
            case DeployResult.Failed f ->
                "rev "
                    + f.revision().rev()
                    + " failed to roll out: "
                    + f.failure().describe()
                    + "; "
                    + f.why();
          };
      return new DeployTarget.Outcome(r.succeeded(), r.revision().rev(), msg);
    } catch (CairnException e) {
      throw new PipelineException(String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
  }
}
