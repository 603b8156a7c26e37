package dev.cairn.deploy.gate;

import dev.cairn.deploy.TargetConfig;
import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.duties.BreakGlass;
import dev.cairn.deploy.duties.DutyException;
import dev.cairn.deploy.duties.OverrideRequest;
import dev.cairn.deploy.duties.Roster;
import dev.cairn.scanner.KubeObject;
import dev.cairn.supplychain.ImageRef;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gate whose refusals a break-glass override may lift: only for its target and image digest, only
 * when it names every reason the gate refused for, and only when it verifies (two identities, Ops
 * and Sec, before its expiry). Every attempt to use it, lifted or not, leaves an audit record.
 */
final class OverriddenGate implements DeployGate {
  private final DeployGate gate;
  private final BreakGlass override;
  private final Roster roster;
  private final AuditLog audit;
  private final Clock clock;

  OverriddenGate(DeployGate gate, BreakGlass override, Roster roster, AuditLog audit, Clock clock) {
    this.gate = gate;
    this.override = override;
    this.roster = roster;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public GateDecision decide(TargetConfig target, List<KubeObject> objects, List<ImageRef> images) {
    GateDecision d = gate.decide(target, objects, images);
    if (d.allowed()) {
      return d;
    }
    Instant now = clock.instant();
    String why = mismatch(target, images, d);
    if (why != null) {
      Map<String, Object> rec = record(target, d, now);
      rec.put("decision", "refused");
      rec.put("why", why);
      return refuse(d, why, "make an override for this target, image and these reasons", rec);
    }
    BreakGlass.Verified v;
    try {
      v = override.use(roster, now, audit);
    } catch (DutyException e) {
      return refuse(d, String.valueOf(e.getMessage()), e.hint().orElse(null), null);
    }
    Map<String, Object> rec = record(target, d, now);
    rec.put("decision", "lifted");
    rec.put("ops", v.ops());
    rec.put("sec", v.sec());
    try {
      audit.append(rec);
    } catch (DutyException e) {
      // no audit record, no override
      return refuse(d, String.valueOf(e.getMessage()), e.hint().orElse(null), null);
    }
    return new GateDecision(
        d.passed(), List.of(), d.refusals(), "ops " + v.ops() + ", sec " + v.sec());
  }

  /** Why the override does not cover this decision, or null when it does. */
  private @org.jspecify.annotations.Nullable String mismatch(
      TargetConfig target, List<ImageRef> images, GateDecision d) {
    OverrideRequest r = override.request();
    if (!r.target().equals(target.name())) {
      return "the override is for target " + r.target() + ", not " + target.name();
    }
    ImageRef ours = null;
    for (ImageRef i : images) {
      if (i.digestIfAny().map(x -> x.toString().equals(r.imageDigest())).orElse(false)) {
        ours = i;
      }
    }
    if (ours == null) {
      return "the override is for image "
          + r.imageDigest()
          + ", which this deploy does not run ("
          + String.join(", ", images.stream().map(ImageRef::toString).toList())
          + ")";
    }
    for (GateDecision.Refusal f : d.refusals()) {
      for (ImageRef i : images) {
        if (i != ours && f.subject().equals(i.toString())) {
          return "the override is for image "
              + r.imageDigest()
              + ", and the gate refused another image, "
              + i
              + ", for "
              + f.reason();
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (String reason : d.reasons()) {
      if (!r.lifts().contains(reason)) {
        missing.add(reason);
      }
    }
    if (!missing.isEmpty()) {
      return "the override lifts "
          + String.join(", ", r.lifts())
          + ", and the gate also refused for "
          + String.join(", ", missing);
    }
    return null;
  }

  private Map<String, Object> record(TargetConfig target, GateDecision d, Instant now) {
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("event", "deploy-override");
    rec.put("at", now.toString());
    rec.put("target", target.name());
    rec.put("imageDigest", override.request().imageDigest());
    rec.put("refused", d.reasons());
    rec.put("lifts", override.request().lifts());
    rec.put("overrideReason", override.request().reason());
    return rec;
  }

  private GateDecision refuse(
      GateDecision d,
      String why,
      @org.jspecify.annotations.Nullable String hint,
      @org.jspecify.annotations.Nullable Map<String, Object> rec) {
    List<GateDecision.Refusal> all = new ArrayList<>(d.refusals());
    if (rec != null) {
      try {
        audit.append(rec);
      } catch (DutyException e) {
        all.add(
            new GateDecision.Refusal(
                "override", "audit log " + audit.where(), String.valueOf(e.getMessage()), null));
      }
    }
    all.add(new GateDecision.Refusal("override", "break-glass override", why, hint));
    return new GateDecision(d.passed(), all);
  }
}
