package dev.cairn.pipeline.webhook;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The deliveries already taken, for refusing replays; it must survive restarts. The file
 * implementation ({@link #file}) serves one listener process; {@code cairn-server} supplies a JDBC
 * one so that several share one truth.
 */
public interface DeliveryStore extends AutoCloseable {
  /**
   * One verified delivery.
   *
   * @param source the forge
   * @param id the forge's delivery id ({@code [A-Za-z0-9][A-Za-z0-9._:-]{0,127}})
   * @param bodySha256 the hex SHA-256 of the raw body
   * @param receivedAt when it arrived
   */
  record Delivery(SourceKind source, String id, String bodySha256, Instant receivedAt) {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public Delivery {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(receivedAt, "receivedAt");
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException("not a delivery id: " + id.length() + " characters");
      }
      if (!SHA256.matcher(bodySha256).matches()) {
        throw new IllegalArgumentException("not a hex SHA-256: " + bodySha256);
      }
    }

    /** Whether {@code id} can be a delivery id. */
    public static boolean isId(String id) {
      return ID.matcher(id).matches();
    }
  }

  /**
   * How long deliveries are remembered: a delivery older than {@code maxAge}, and the oldest past
   * {@code maxEntries}, are forgotten. A replay older than what is remembered is only refused when
   * the forge signs a time (GitHub's {@code pushed_at}); keep {@code maxAge} at least the replay
   * window the handler uses.
   */
  record Retention(Duration maxAge, int maxEntries) {
    /** Seven days, 100 000 deliveries (about 20 MB of memory). */
    public static final Retention DEFAULT = new Retention(Duration.ofDays(7), 100_000);

    public Retention {
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("a retention needs a positive age: " + maxAge);
      }
      if (maxEntries < 1) {
        throw new IllegalArgumentException("a retention needs at least one entry: " + maxEntries);
      }
    }
  }

  /**
   * Records {@code delivery} unless its id (for its forge) or its body was recorded before, at
   * once: two racing copies of one delivery cannot both be new. Durable when it returns.
   *
   * @return true when it is new, false when it is a replay
   */
  boolean recordIfNew(Delivery delivery) throws IOException;

  /** A delivery taken but perhaps not yet on disk: {@link #sync} makes it durable. */
  @FunctionalInterface
  interface Pending {
    /**
     * Returns once the delivery is durable.
     *
     * @throws IOException when it could not be written: the store has forgotten it again
     */
    void sync() throws IOException;
  }

  /**
   * As {@link #recordIfNew}, but returns before the disk has it, so the caller can overlap the wait
   * with other durable writes (the audit): null for a replay, else a {@link Pending} to {@link
   * Pending#sync sync} before the delivery counts. Two racing copies still cannot both be new. By
   * default it waits at once.
   */
  default @Nullable Pending recordIfNewLater(Delivery delivery) throws IOException {
    return recordIfNew(delivery) ? () -> {} : null;
  }

  /** Forgets {@code delivery} again: it was recorded but could not be handed on. */
  void forget(Delivery delivery) throws IOException;

  /** How many deliveries are remembered now. */
  int size();

  @Override
  void close() throws IOException;

  /**
   * The append-only file store in {@code directory} ({@code deliveries.log}, one line per delivery,
   * each synced to disk before it counts; a torn last line from a crash is dropped on open). One
   * process at a time: a second one gets an error.
   *
   * @throws WebhookException when the directory cannot be used or the file is damaged
   */
  static DeliveryStore file(Path directory, Retention retention, Clock clock)
      throws WebhookException {
    return FileDeliveryStore.open(directory, retention, clock);
  }
}
