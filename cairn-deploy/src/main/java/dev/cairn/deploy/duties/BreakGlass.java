package dev.cairn.deploy.duties;

import dev.cairn.core.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A break-glass override (named BreakGlass, not Override, so that it does not hide
 * java.lang.Override): one {@link OverrideRequest} and the signatures on it. It counts only with
 * valid signatures by two different roster identities, one holding Ops and the other Sec, before
 * its expiry. Each signer signs in their own Cairn home; the file passes between them. Immutable:
 * {@link #sign} returns a new override.
 */
public final class BreakGlass {
  /** One signature: the signer's key id and the base64 Ed25519 signature. */
  public record Signature(String keyId, String signature) {}

  /**
   * What a verified override lifts, and who signed it.
   *
   * @param request the request as signed
   * @param lifts the refusal reasons lifted
   * @param ops the signer counted for Ops
   * @param sec the signer counted for Sec
   */
  public record Verified(OverrideRequest request, List<String> lifts, String ops, String sec) {
    public Verified {
      lifts = List.copyOf(lifts);
    }

    /** Whether it lifts {@code reason} for this target and image. */
    public boolean lifts(String target, String imageDigest, String reason) {
      return request.target().equals(target)
          && request.imageDigest().equals(imageDigest)
          && lifts.contains(reason);
    }
  }

  private final OverrideRequest request;
  private final List<Signature> signatures;

  private BreakGlass(OverrideRequest request, List<Signature> signatures) {
    this.request = request;
    this.signatures = List.copyOf(signatures);
  }

  public static BreakGlass create(OverrideRequest request) {
    return new BreakGlass(request, List.of());
  }

  public OverrideRequest request() {
    return request;
  }

  public List<Signature> signatures() {
    return signatures;
  }

  /**
   * This override with {@code key}'s signature added (replacing an earlier one by the same key).
   */
  public BreakGlass sign(IdentityKey key) {
    List<Signature> s = new ArrayList<>();
    String id = key.identity().keyId();
    for (Signature x : signatures) {
      if (!x.keyId().equals(id)) {
        s.add(x);
      }
    }
    s.add(new Signature(id, key.sign(request.signedBytes())));
    return new BreakGlass(request, s);
  }

  /**
   * What the override lifts, if it holds at {@code now}; else a one-line refusal that names what is
   * missing (a second signature, a different identity, the Sec or Ops duty, a key the roster does
   * not list, a signature that does not match, the expiry).
   */
  public Verified verify(Roster roster, Instant now) throws DutyException {
    if (!now.isBefore(request.expiry())) {
      throw new DutyException(
          "the override for " + request.target() + " expired at " + request.expiry(),
          "make a new override request and have it signed again");
    }
    if (now.isBefore(request.created().minus(Duties.REQUEST_WINDOW))) {
      throw new DutyException(
          "the override for "
              + request.target()
              + " was made in the future ("
              + request.created()
              + ")",
          "check this machine's clock and the signers'");
    }
    byte[] bytes = request.signedBytes();
    List<Roster.Member> signers = new ArrayList<>();
    for (Signature s : signatures) {
      Optional<Roster.Member> m = roster.byKeyId(s.keyId());
      if (m.isEmpty()) {
        throw new DutyException(
            "the override is signed by key " + s.keyId() + ", which the roster does not list",
            "have identities in the roster sign it");
      }
      if (!Duties.verify(m.get().identity(), bytes, s.signature())) {
        throw new DutyException(
            "the signature by "
                + m.get().name()
                + " does not match the override request (altered after signing?)",
            "make a new override request and have it signed again");
      }
      if (signers.stream().noneMatch(x -> x.name().equals(m.get().name()))) {
        signers.add(m.get());
      }
    }
    if (signatures.size() < 2) {
      throw new DutyException(
          "the override has "
              + (signatures.isEmpty()
                  ? "no signature"
                  : "only " + signers.get(0).name() + "'s signature")
              + "; it needs two, by an Ops and a different Sec identity",
          "have a second identity sign it with its own key");
    }
    if (signers.size() < 2) {
      throw new DutyException(
          "both signatures on the override are by "
              + signers.get(0).name()
              + "; it needs two different identities",
          "have a second identity sign it with its own key");
    }
    for (Roster.Member o : signers) {
      if (!o.holds(Duty.OPS)) {
        continue;
      }
      for (Roster.Member s : signers) {
        if (s != o && s.holds(Duty.SEC)) {
          return new Verified(request, request.lifts(), o.name(), s.name());
        }
      }
    }
    StringBuilder who = new StringBuilder();
    for (Roster.Member m : signers) {
      who.append(who.length() == 0 ? "" : ", ")
          .append(m.name())
          .append(": ")
          .append(m.dutiesText());
    }
    boolean anyOps = signers.stream().anyMatch(m -> m.holds(Duty.OPS));
    boolean anySec = signers.stream().anyMatch(m -> m.holds(Duty.SEC));
    String lack =
        !anyOps && !anySec
            ? "no signer holds Ops or Sec"
            : !anySec
                ? "no signer holds Sec"
                : !anyOps ? "no signer holds Ops" : "Ops and Sec are held by the same signer only";
    throw new DutyException(
        "the override is not by an Ops and a different Sec identity: " + lack + " (" + who + ")",
        "have an identity holding the missing duty sign it");
  }

  /**
   * Verifies the override and appends the decision to {@code audit}: a used override always leaves
   * a record, and a refused one too.
   */
  public Verified use(Roster roster, Instant now, AuditLog audit) throws DutyException {
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("event", "override");
    rec.put("at", now.toString());
    rec.put("request", request.toMap());
    rec.put("signers", signatures.stream().map(Signature::keyId).toList());
    rec.put("roster", roster.digest().toString());
    try {
      Verified v = verify(roster, now);
      rec.put("decision", "accepted");
      rec.put("ops", v.ops());
      rec.put("sec", v.sec());
      audit.append(rec);
      return v;
    } catch (DutyException e) {
      rec.put("decision", "refused");
      rec.put("why", e.getMessage());
      audit.append(rec);
      throw e;
    }
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("override", request.toMap());
    List<Object> s = new ArrayList<>();
    for (Signature x : signatures) {
      s.add(Map.of("keyId", x.keyId(), "signature", x.signature()));
    }
    m.put("signatures", s);
    return Json.pretty(m) + "\n";
  }

  /** Reads what {@link #toJson} wrote; signatures are checked by {@link #verify}. */
  public static BreakGlass parse(String json) throws DutyException {
    try {
      Map<String, Object> m = Json.parseObject(json);
      if (!(m.get("override") instanceof Map<?, ?> r) || !(r.get("lifts") instanceof List<?> l)) {
        throw new IllegalArgumentException("override and its lifts must be given");
      }
      OverrideRequest req =
          new OverrideRequest(
              String.valueOf(r.get("target")),
              String.valueOf(r.get("imageDigest")),
              String.valueOf(r.get("reason")),
              l.stream().map(String::valueOf).toList(),
              Instant.parse(String.valueOf(r.get("created"))),
              Instant.parse(String.valueOf(r.get("expiry"))));
      List<Signature> sigs = new ArrayList<>();
      if (m.get("signatures") instanceof List<?> sl) {
        for (Object o : sl) {
          if (o instanceof Map<?, ?> so) {
            sigs.add(
                new Signature(
                    String.valueOf(so.get("keyId")), String.valueOf(so.get("signature"))));
          }
        }
      }
      return new BreakGlass(req, sigs);
    } catch (IOException | RuntimeException e) {
      throw new DutyException(
          "not an override file: " + e.getMessage(), "make the override with override create", e);
    }
  }
}
