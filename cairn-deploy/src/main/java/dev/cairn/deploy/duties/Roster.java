package dev.cairn.deploy.duties;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The team roster: which identity (by public key) holds which duties. A plain JSON file the
 * operator keeps under review (ADR 0012): whoever can write it can grant duties, so it belongs
 * where changes are reviewed, like the trust root. Names and keys are each unique: one key, one
 * identity, so two signatures by one key can never count as two people.
 *
 * @param members in the order they were added
 */
public record Roster(List<Member> members) {
  /** One identity and its duties. */
  public record Member(Identity identity, Set<Duty> duties) {
    public Member {
      duties = duties.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(duties));
    }

    public String name() {
      return identity.name();
    }

    public boolean holds(Duty d) {
      return d == Duty.VIEWER ? true : duties.contains(d);
    }

    /** {@code Dev, Ops} or {@code no duty}. */
    public String dutiesText() {
      return duties.isEmpty()
          ? "no duty"
          : EnumSet.copyOf(duties).stream().map(Duty::title).collect(Collectors.joining(", "));
    }
  }

  public Roster {
    members = List.copyOf(members);
    Set<String> names = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (Member m : members) {
      if (!names.add(m.name())) {
        throw new IllegalArgumentException("identity " + m.name() + " is listed twice");
      }
      if (!keys.add(m.identity().publicKey())) {
        throw new IllegalArgumentException(
            "identity " + m.name() + " has the same key as another identity");
      }
    }
  }

  public static Roster empty() {
    return new Roster(List.of());
  }

  public Optional<Member> member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  public Optional<Member> byKeyId(String keyId) {
    return members.stream().filter(m -> m.identity().keyId().equals(keyId)).findFirst();
  }

  /**
   * The roster with {@code duty} granted to {@code name}; a new name needs its public key, a known
   * name's key (if given) must be the one listed.
   */
  public Roster grant(String name, Duty duty, @Nullable String publicKey) throws DutyException {
    List<Member> out = new ArrayList<>();
    boolean found = false;
    for (Member m : members) {
      if (m.name().equals(name)) {
        found = true;
        if (publicKey != null && !publicKey.equals(m.identity().publicKey())) {
          throw new DutyException(
              "identity " + name + " is listed with another key (" + m.identity().keyId() + ")",
              "remove the identity from the roster first if its key really changed");
        }
        Set<Duty> d = EnumSet.of(duty);
        d.addAll(m.duties());
        out.add(new Member(m.identity(), d));
      } else {
        out.add(m);
      }
    }
    if (!found) {
      if (publicKey == null) {
        throw new DutyException(
            "identity " + name + " is not in the roster yet",
            "give its public key (what identity show prints in its own Cairn home)");
      }
      try {
        out.add(new Member(new Identity(name, publicKey), EnumSet.of(duty)));
      } catch (IllegalArgumentException e) {
        throw new DutyException(
            "cannot add " + name + ": " + e.getMessage(),
            "give the public key that identity show prints");
      }
    }
    try {
      return new Roster(out);
    } catch (IllegalArgumentException e) {
      throw new DutyException(
          "cannot add " + name + ": " + e.getMessage(), "give each identity its own key", e);
    }
  }

  /** The roster with {@code duty} taken from {@code name}. */
  public Roster revoke(String name, Duty duty) throws DutyException {
    if (member(name).isEmpty()) {
      throw new DutyException(
          "identity " + name + " is not in the roster", "check the name against the roster");
    }
    List<Member> out = new ArrayList<>();
    for (Member m : members) {
      if (m.name().equals(name)) {
        Set<Duty> d = EnumSet.noneOf(Duty.class);
        d.addAll(m.duties());
        d.remove(duty);
        out.add(new Member(m.identity(), d));
      } else {
        out.add(m);
      }
    }
    return new Roster(out);
  }

  /** The roster as JSON. */
  public Map<String, Object> toMap() {
    List<Object> ms = new ArrayList<>();
    for (Member m : members) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", m.name());
      o.put("publicKey", m.identity().publicKey());
      o.put("duties", m.duties().stream().sorted().map(Duty::title).toList());
      ms.add(o);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("rosterVersion", 1);
    r.put("members", ms);
    return r;
  }

  /** The digest of the roster's canonical JSON: which roster an audit record was judged by. */
  public Digest digest() {
    return Digest.sha256(Json.canonical(toMap()));
  }

  public void write(Path file) throws DutyException {
    try {
      AtomicFiles.write(file, Json.pretty(toMap()) + "\n");
    } catch (IOException e) {
      throw new DutyException(
          "cannot write roster " + file + ": " + e.getMessage(),
          "check that the roster's directory is writable",
          e);
    }
  }

  /** Reads a roster; a missing file is an error unless {@code missingIsEmpty}. */
  public static Roster read(Path file, boolean missingIsEmpty) throws DutyException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      if (missingIsEmpty) {
        return empty();
      }
      throw new DutyException(
          "roster " + file + " does not exist", "point at the team's roster file", e);
    } catch (IOException e) {
      throw new DutyException(
          "cannot read roster " + file + ": " + e.getMessage(),
          "check the roster file's permissions",
          e);
    }
    try {
      Map<String, Object> m = Json.parseObject(text);
      if (!Integer.valueOf(1).equals(asInt(m.get("rosterVersion")))) {
        throw new IllegalArgumentException("rosterVersion must be 1");
      }
      if (!(m.get("members") instanceof List<?> list)) {
        throw new IllegalArgumentException("members must be a list");
      }
      List<Member> out = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof Map<?, ?> e)) {
          throw new IllegalArgumentException("each member must be an object");
        }
        Set<Duty> d = EnumSet.noneOf(Duty.class);
        if (!(e.get("duties") instanceof List<?> dl)) {
          throw new IllegalArgumentException(e.get("name") + ": duties must be a list");
        }
        for (Object x : dl) {
          d.add(
              Duty.parse(String.valueOf(x))
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              e.get("name")
                                  + ": unknown duty '"
                                  + x
                                  + "' (Dev, Sec, Ops, Viewer)")));
        }
        out.add(
            new Member(
                new Identity(String.valueOf(e.get("name")), String.valueOf(e.get("publicKey"))),
                d));
      }
      return new Roster(out);
    } catch (IOException | IllegalArgumentException e) {
      throw new DutyException(
          file + ": not a valid roster: " + e.getMessage(),
          "correct the roster (docs/duties.md shows its format)",
          e);
    }
  }

  private static @Nullable Integer asInt(@Nullable Object o) {
    return o instanceof Number n ? Integer.valueOf(n.intValue()) : null;
  }
}
