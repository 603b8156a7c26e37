package dev.cairn.server.auth;

import dev.cairn.deploy.duties.Duty;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the server knows of one API token: never the token itself, which is shown once when it is
 * made.
 *
 * @param id the token's public id (12 hex digits in the file store, 16 in the database; the token
 *     starts {@code cairn_<id>_})
 * @param name who or what holds it ({@code ci}, {@code alice})
 * @param duties what it may do (Viewer is implied by each)
 * @param created when it was made
 * @param revoked when it was revoked, or null while it is valid
 */
public record ApiToken(
    String id, String name, Set<Duty> duties, Instant created, @Nullable Instant revoked) {
  /** The form of a token's name: a letter or digit, then letters, digits, {@code . _ -}. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  static final Pattern ID = Pattern.compile("[0-9a-f]{12,32}");

  public ApiToken {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a token id: " + id.length() + " characters");
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a token name");
    }
    if (duties.isEmpty()) {
      throw new IllegalArgumentException("a token holds at least one duty");
    }
    duties = Set.copyOf(EnumSet.copyOf(duties));
  }

  /** Whether the token may act with {@code duty}: it holds it, or it is Viewer (held by all). */
  public boolean holds(Duty duty) {
    return duty == Duty.VIEWER || duties.contains(duty);
  }

  public boolean active() {
    return revoked == null;
  }
}
