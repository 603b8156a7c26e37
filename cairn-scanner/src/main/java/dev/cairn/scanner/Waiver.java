package dev.cairn.scanner;

import dev.cairn.core.SourceLocation;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An accepted exception: a check that may fail for matching objects, for a reason, until a time.
 *
 * @param check check id or glob ({@code CRN-1*})
 * @param namespace namespace glob; {@code *} for any (cluster-scoped objects match {@code *} only)
 * @param name object name glob
 * @param kind kind, or {@code *}
 * @param reason why it is accepted; required
 * @param expires when it stops applying; null means it never expires (annotations only)
 * @param origin where it was declared (file:line or the object's annotation)
 */
public record Waiver(
    String check,
    String namespace,
    String name,
    String kind,
    String reason,
    @Nullable Instant expires,
    SourceLocation origin) {

  public boolean expiredAt(Instant now) {
    return expires != null && !now.isBefore(expires);
  }
}
