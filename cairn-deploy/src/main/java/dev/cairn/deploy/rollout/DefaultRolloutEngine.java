package dev.cairn.deploy.rollout;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import dev.cairn.core.SourceLocation;
import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.gate.DeployGate;
import dev.cairn.deploy.gate.GateDecision;
import dev.cairn.deploy.internal.KubeRollout;
import dev.cairn.scanner.Kinds;
import dev.cairn.scanner.KubeObject;
import dev.cairn.supplychain.ImageRef;
import dev.cairn.supplychain.OciClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

final class DefaultRolloutEngine implements RolloutEngine {
  private static final Set<String> BUSY = ConcurrentHashMap.newKeySet();

  private final DeployHistory history;
  private final ImagePins pins;
  private final @Nullable DeployGate gate;
  private final Clock clock;

  DefaultRolloutEngine(
      DeployHistory history, OciClient oci, @Nullable DeployGate gate, Clock clock) {
    this.history = history;
    this.pins = new ImagePins(oci);
    this.gate = gate;
    this.clock = clock;
  }

  @Override
  public DeployResult deploy(DeployRequest request) throws DeployException, InterruptedException {
    TargetConfig t = request.target();
    lock(t.name());
    try {
      Optional<Pin> pin = io(() -> history.pin(t.name()));
      if (pin.isPresent()) {
        throw pinned(t.name(), pin.get());
      }
      checkObjects(t, request.objects());
      ImagePins.Pinned pinned = pins.pin(request.objects());
      String gateLine = "none";
      if (gate != null) {
        GateDecision d = gate.decide(t, pinned.objects(), pinned.images());
        if (!d.allowed()) {
          throw refused(t.name(), d);
        }
        gateLine = d.summary();
      }
      List<Revision> revs = io(() -> history.revisions(t.name()));
      int rev = revs.isEmpty() ? 1 : revs.get(revs.size() - 1).rev() + 1;
      Revision r =
          new Revision(
              rev,
              "deploy",
              request.commit(),
              pinned.images().stream().map(ImageRef::toString).toList(),
              clock.instant(),
              request.who(),
              gateLine,
              Revision.Outcome.APPLYING,
              null,
              null);
      List<Map<String, Object>> manifests =
          pinned.objects().stream().map(KubeObject::content).toList();
      run(
          () -> {
            history.record(t.name(), r, manifests);
          });
      Optional<Revision> previous = lastDeployed(revs);
      return rollOut(t, r, pinned.objects(), previous);
    } finally {
      BUSY.remove(t.name());
    }
  }

  private DeployResult rollOut(
      TargetConfig t, Revision r, List<KubeObject> objects, Optional<Revision> previous)
      throws DeployException, InterruptedException {
    Instant start = clock.instant();
    try (KubeRollout k = kube(t)) {
      Optional<RolloutFailure> failure;
      try {
        k.apply(objects, t.namespace());
        failure = k.await(objects, t.namespace(), t.deadline(), clock);
      } catch (CairnException e) {
        record(t, r.ended(Revision.Outcome.FAILED, String.valueOf(e.getMessage()), null));
        throw new DeployException(
            "cluster", String.valueOf(e.getMessage()), e.hint().orElse(null), null, e);
      }
      if (failure.isEmpty()) {
        Revision done = r.ended(Revision.Outcome.DEPLOYED, null, r.restored());
        record(t, done);
        return new DeployResult.Deployed(done, since(start));
      }
      RolloutFailure f = failure.get();
      if (previous.isEmpty()) {
        String why = "no earlier deployed revision of " + t.name() + " to roll back to";
        Revision failed = r.ended(Revision.Outcome.FAILED, f.describe() + "; " + why, null);
        record(t, failed);
        return new DeployResult.Failed(failed, f, why, since(start));
      }
      Revision prev = previous.get();
      try {
        List<KubeObject> old = objectsOf(t.name(), prev.rev());
        k.apply(old, t.namespace());
        Optional<RolloutFailure> again = k.await(old, t.namespace(), t.deadline(), clock);
        if (again.isPresent()) {
          String why =
              "rolling back to rev " + prev.rev() + " failed too: " + again.get().describe();
          Revision failed = r.ended(Revision.Outcome.FAILED, f.describe() + "; " + why, null);
          record(t, failed);
          return new DeployResult.Failed(failed, f, why, since(start));
        }
      } catch (CairnException e) {
        String why = "rolling back to rev " + prev.rev() + " failed: " + e.getMessage();
        Revision failed = r.ended(Revision.Outcome.FAILED, f.describe() + "; " + why, null);
        record(t, failed);
        return new DeployResult.Failed(failed, f, why, since(start));
      }
      Revision back =
          r.ended(
              Revision.Outcome.ROLLED_BACK,
              f.describe() + "; rolled back to rev " + prev.rev(),
              prev.rev());
      record(t, back);
      return new DeployResult.RolledBack(back, f, prev.rev(), since(start));
    }
  }

  @Override
  public DeployResult rollback(TargetConfig t, @Nullable Integer to, String who)
      throws DeployException, InterruptedException {
    lock(t.name());
    try {
      List<Revision> revs = io(() -> history.revisions(t.name()));
      Optional<Revision> live = lastDeployed(revs);
      if (live.isEmpty()) {
        throw new DeployException(
            "revision",
            "target " + t.name() + " has no deployed revision to roll back from",
            "deploy it first",
            null,
            null);
      }
      Revision target;
      if (to == null) {
        Optional<Revision> before =
            lastDeployed(revs.stream().filter(r -> r.rev() < live.get().rev()).toList());
        if (before.isEmpty()) {
          throw new DeployException(
              "revision",
              "target "
                  + t.name()
                  + " has no deployed revision before rev "
                  + live.get().rev()
                  + " to roll back to",
              "name the revision to roll back to",
              Fix.of("deploy.rollback-to", "target", t.name()),
              null);
        }
        target = before.get();
      } else {
        target =
            revs.stream()
                .filter(r -> r.rev() == to)
                .findFirst()
                .orElseThrow(
                    () ->
                        new DeployException(
                            "revision",
                            "target " + t.name() + " has no rev " + to,
                            "pick one its history lists",
                            Fix.of("deploy.history", "target", t.name()),
                            null));
        if (target.outcome() != Revision.Outcome.DEPLOYED) {
          throw new DeployException(
              "revision",
              "rev "
                  + to
                  + " of target "
                  + t.name()
                  + " did not roll out ("
                  + target.outcome().wire()
                  + "): only a revision that ran can be put back",
              "pick a deployed revision from its history",
              Fix.of("deploy.history", "target", t.name()),
              null);
        }
      }
      int src =
          target.restored() != null && "rollback".equals(target.kind())
              ? target.restored()
              : target.rev();
      List<KubeObject> objects = objectsOf(t.name(), target.rev());
      Revision r =
          new Revision(
              revs.get(revs.size() - 1).rev() + 1,
              "rollback",
              target.commit(),
              target.images(),
              clock.instant(),
              who,
              "not asked: rev " + target.rev() + " passed it when it was deployed",
              Revision.Outcome.APPLYING,
              null,
              src);
      run(
          () -> {
            history.record(t.name(), r, objects.stream().map(KubeObject::content).toList());
          });
      DeployResult result = rollOut(t, r, objects, Optional.empty());
      if (result.succeeded()) {
        Pin p = new Pin(src, who, clock.instant());
        run(
            () -> {
              history.setPin(t.name(), p);
            });
      }
      return result;
    } finally {
      BUSY.remove(t.name());
    }
  }

  @Override
  public Optional<Pin> unpin(String target) throws DeployException {
    Optional<Pin> p = io(() -> history.pin(target));
    if (p.isPresent()) {
      run(
          () -> {
            history.setPin(target, null);
          });
    }
    return p;
  }

  @Override
  public List<Revision> history(String target) throws DeployException {
    return io(() -> history.revisions(target));
  }

  @Override
  public Optional<Pin> pin(String target) throws DeployException {
    return io(() -> history.pin(target));
  }

  // ------------------------------------------------------------------

  KubeRollout kube(TargetConfig t) throws DeployException {
    try {
      return new KubeRollout(t);
    } catch (CairnException e) {
      throw new DeployException(
          "cluster", String.valueOf(e.getMessage()), e.hint().orElse(null), null, e);
    }
  }

  private static Optional<Revision> lastDeployed(List<Revision> revs) {
    for (int i = revs.size() - 1; i >= 0; i--) {
      if (revs.get(i).outcome() == Revision.Outcome.DEPLOYED) {
        return Optional.of(revs.get(i));
      }
    }
    return Optional.empty();
  }

  private List<KubeObject> objectsOf(String target, int rev) throws DeployException {
    List<Map<String, Object>> ms = io(() -> history.manifests(target, rev));
    List<KubeObject> out = new ArrayList<>();
    for (Map<String, Object> m : ms) {
      KubeObject o = KubeObject.of(m, SourceLocation.of("history:" + target + "/rev-" + rev));
      if (o == null) {
        throw new DeployException(
            "history",
            "rev " + rev + " of target " + target + " holds an object without apiVersion or kind",
            null,
            null,
            null);
      }
      out.add(o);
    }
    return out;
  }

  private static void checkObjects(TargetConfig t, List<KubeObject> objects)
      throws DeployException {
    if (objects.isEmpty()) {
      throw new DeployException(
          "manifests",
          "no objects to deploy to " + t.name(),
          "give manifest files, a directory, or YAML on standard input",
          Fix.of("deploy.manifests", "target", t.name()),
          null);
    }
    List<String> problems = new ArrayList<>();
    for (KubeObject o : objects) {
      boolean namespaced =
          Kinds.byKind(o.group(), o.kind()).map(Kinds.KindInfo::namespaced).orElse(true);
      if (namespaced && o.namespace() != null && !o.namespace().equals(t.namespace())) {
        problems.add(
            o.location()
                + ": "
                + o.display()
                + " names namespace "
                + o.namespace()
                + ", but target "
                + t.name()
                + " deploys to "
                + t.namespace());
      }
      if (o.name().isEmpty()
          || !(o.content().get("metadata") instanceof Map<?, ?> md)
          || !(md.get("name") instanceof String)) {
        problems.add(o.location() + ": " + o.kind() + " has no metadata.name (apply needs one)");
      }
    }
    if (!problems.isEmpty()) {
      throw new DeployException(
          "manifests",
          String.join("\n", problems),
          "leave the namespace out (the target supplies it) or deploy to the target of that"
              + " namespace",
          Fix.of("deploy.namespace", "target", t.name()),
          null);
    }
  }

  private static DeployException pinned(String target, Pin p) {
    return new DeployException(
        "pinned",
        "target "
            + target
            + " is pinned at rev "
            + p.rev()
            + " by "
            + p.who()
            + " (since "
            + p.time()
            + "): deploys are refused until it is unpinned",
        "unpin the target when the rollback is no longer needed",
        Fix.of("deploy.unpin", "target", target),
        null);
  }

  private static DeployException refused(String target, GateDecision d) {
    StringBuilder b =
        new StringBuilder("the deploy gate refused the deploy to ")
            .append(target)
            .append(" (")
            .append(d.refusals().size())
            .append(d.refusals().size() == 1 ? " reason" : " reasons")
            .append("):");
    for (GateDecision.Refusal r : d.refusals()) {
      b.append("\n  ").append(r.describe());
    }
    GateDecision.Refusal first = d.refusals().get(0);
    return new DeployException(
        "gate",
        b.toString(),
        first.hint(),
        Fix.of("deploy.gate", "reason", first.reason(), "target", target),
        null);
  }

  private void lock(String target) throws DeployException {
    if (!BUSY.add(target)) {
      throw new DeployException(
          "busy",
          "another deploy or rollback of target " + target + " is running",
          "wait for it to end",
          null,
          null);
    }
  }

  private void record(TargetConfig t, Revision r) throws DeployException {
    run(
        () -> {
          history.record(t.name(), r, null);
        });
  }

  private Duration since(Instant start) {
    return Duration.between(start, clock.instant());
  }

  private interface Io<T> {
    T run() throws IOException;
  }

  private interface IoVoid {
    void run() throws IOException;
  }

  private static void run(IoVoid f) throws DeployException {
    io(
        () -> {
          f.run();
          return Boolean.TRUE;
        });
  }

  private static <T> T io(Io<T> f) throws DeployException {
    try {
      return f.run();
    } catch (IOException e) {
      throw new DeployException(
          "history",
          "the deploy history cannot be read or written: " + e.getMessage(),
          "check that Cairn's home is writable",
          null,
          e);
    } catch (IllegalArgumentException e) {
      throw new DeployException("history", String.valueOf(e.getMessage()), null, null, e);
    }
  }
}
