package dev.cairn.server.notify;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Posts notifications to endpoints, signed ({@link Signatures}), retried with exponential backoff,
 * each delivery recorded as one JSON file in its directory, written whole before {@link #publish}
 * returns and after every attempt. A crash loses nothing: {@link #start} goes on with the pending
 * deliveries it finds.
 *
 * <p>An answer 2xx delivers; 408, 425, 429 and 5xx, a refused connection or a timeout are tried
 * again (after {@code Retry-After} when the endpoint sends one, capped at {@link Retry#max}); any
 * other 4xx fails at once (the endpoint will not take it), and so does the last attempt.
 */
public final class Notifier implements AutoCloseable {
  /** When to try again. */
  public record Retry(Duration first, Duration max, int attempts, Duration timeout) {
    public Retry {
      if (first.isNegative() || first.isZero() || max.compareTo(first) < 0 || attempts < 1) {
        throw new IllegalArgumentException("retry: first > 0, max >= first, attempts >= 1");
      }
    }

    /** 2 s, doubling, at most 10 min apart, 10 attempts (about 40 minutes), 10 s per request. */
    public static Retry defaults() {
      return new Retry(Duration.ofSeconds(2), Duration.ofMinutes(10), 10, Duration.ofSeconds(10));
    }

    Duration after(int attempt) {
      long ms = first.toMillis() << Math.min(attempt - 1, 30);
      return ms <= 0 || ms > max.toMillis() ? max : Duration.ofMillis(ms);
    }
  }

  /** Where a delivery stands. */
  public enum Status {
    PENDING,
    DELIVERED,
    FAILED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One try: the HTTP status (0: no answer) and what went wrong, if anything. */
  public record Attempt(Instant at, int status, @Nullable String error) {}

  /** A notification on its way to one endpoint, with every attempt so far. */
  public record Delivery(
      String id,
      Notification notification,
      String endpoint,
      String endpointKey,
      Status status,
      List<Attempt> attempts,
      @Nullable Instant nextAttempt) {
    public Delivery {
      attempts = List.copyOf(attempts);
    }
  }

  private final Path dir;
  private final List<Endpoint> endpoints;
  private final Clock clock;
  private final Retry retry;
  private final Consumer<String> log;
  private final HttpClient http;
  private final ScheduledExecutorService timer;

  private Notifier(
      Path dir, List<Endpoint> endpoints, Clock clock, Retry retry, Consumer<String> log) {
    this.dir = dir;
    this.endpoints = List.copyOf(endpoints);
    this.clock = clock;
    this.retry = retry;
    this.log = log;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(retry.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-notify");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts delivering to {@code endpoints}, recording in {@code dir}, and goes on with the
   * deliveries a previous process left pending.
   *
   * @param log hears one line per delivery that fails for good (for the server's log)
   */
  public static Notifier start(
      Path dir, List<Endpoint> endpoints, Clock clock, Retry retry, Consumer<String> log)
      throws IOException {
    Files.createDirectories(dir);
    Notifier n = new Notifier(dir, endpoints, clock, retry, log);
    for (Delivery d : n.list(Integer.MAX_VALUE)) {
      if (d.status() == Status.PENDING) {
        if (n.endpoint(d.endpointKey()).isEmpty()) {
          n.save(
              new Delivery(
                  d.id(),
                  d.notification(),
                  d.endpoint(),
                  d.endpointKey(),
                  Status.FAILED,
                  append(
                      d.attempts(),
                      new Attempt(clock.instant(), 0, "the endpoint is no longer configured")),
                  null));
        } else {
          n.schedule(d);
        }
      }
    }
    return n;
  }

  /** The endpoints configured. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /**
   * Records a delivery of {@code n} to every endpoint that wants its kind, durably, and sends them
   * in the background.
   */
  public List<Delivery> publish(Notification n) throws IOException {
    List<Delivery> out = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (!e.wants(n.kind())) {
        continue;
      }
      String key = key(e);
      Delivery d =
          new Delivery(
              n.id() + "." + key, n, e.shown(), key, Status.PENDING, List.of(), clock.instant());
      Path f = file(d.id());
      if (Files.exists(f)) {
        continue; // published before (a retried publish of the same event)
      }
      save(d);
      schedule(d);
      out.add(d);
    }
    return out;
  }

  /** The deliveries recorded, newest first. */
  public List<Delivery> list(int max) throws IOException {
    List<Delivery> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
        try {
          out.add(read(Files.readString(f, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
          log.accept("a notification record cannot be read and is skipped: " + f.getFileName());
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return List.of();
    }
    out.sort(
        Comparator.comparing((Delivery d) -> d.notification().at())
            .reversed()
            .thenComparing(Delivery::id));
    return out.size() > max ? out.subList(0, max) : out;
  }

  /** One delivery by id. */
  public Optional<Delivery> get(String id) throws IOException {
    if (!id.matches("[A-Za-z0-9._:-]{1,160}")) {
      return Optional.empty();
    }
    Path f = file(id);
    return Files.exists(f)
        ? Optional.of(read(Files.readString(f, StandardCharsets.UTF_8)))
        : Optional.empty();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    http.close();
  }

  // ------------------------------------------------------------------ delivering

  private void schedule(Delivery d) {
    Instant next = d.nextAttempt() == null ? clock.instant() : d.nextAttempt();
    long delay = Math.max(0, Duration.between(clock.instant(), next).toMillis());
    try {
      timer.schedule(() -> attempt(d.id()), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // closing: the record stays pending and the next start sends it
    }
  }

  private void attempt(String id) {
    Delivery d;
    try {
      d = get(id).orElse(null);
    } catch (IOException e) {
      log.accept("a notification record cannot be read: " + id);
      return;
    }
    if (d == null || d.status() != Status.PENDING) {
      return;
    }
    Endpoint e = endpoint(d.endpointKey()).orElse(null);
    if (e == null) {
      finish(
          d,
          Status.FAILED,
          new Attempt(clock.instant(), 0, "the endpoint is no longer configured"),
          null);
      return;
    }
    byte[] body = Json.canonical(d.notification().body()).getBytes(StandardCharsets.UTF_8);
    Instant now = clock.instant();
    int status = 0;
    String error = null;
    Duration retryAfter = null;
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(e.url())
                  .timeout(retry.timeout())
                  .header("Content-Type", "application/json")
                  .header("User-Agent", "cairn-notify/1")
                  .header("X-Cairn-Event", d.notification().kind().wire())
                  .header("X-Cairn-Delivery", d.id())
                  .header(
                      Signatures.HEADER, Signatures.sign(e.secret(), now.getEpochSecond(), body))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      status = r.statusCode();
      retryAfter = r.headers().firstValue("Retry-After").flatMap(Notifier::seconds).orElse(null);
      if (status < 200 || status > 299) {
        error = "the endpoint answered " + status;
      }
    } catch (IOException ex) {
      error = "no answer: " + ex.getClass().getSimpleName();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return; // closing: stays pending
    }
    Attempt a = new Attempt(now, status, error);
    if (error == null) {
      finish(d, Status.DELIVERED, a, null);
      return;
    }
    boolean again = status == 0 || status == 408 || status == 425 || status == 429 || status >= 500;
    int made = d.attempts().size() + 1;
    if (!again || made >= retry.attempts()) {
      finish(d, Status.FAILED, a, null);
      log.accept(
          "notification "
              + d.id()
              + " to "
              + d.endpoint()
              + " failed for good after "
              + made
              + (made == 1 ? " attempt: " : " attempts: ")
              + error);
      return;
    }
    Duration wait = retry.after(made);
    if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
      wait = retryAfter.compareTo(retry.max()) > 0 ? retry.max() : retryAfter;
    }
    Delivery next = finish(d, Status.PENDING, a, clock.instant().plus(wait));
    if (next != null) {
      schedule(next);
    }
  }

  private @Nullable Delivery finish(
      Delivery d, Status status, Attempt a, @Nullable Instant nextAttempt) {
    Delivery n =
        new Delivery(
            d.id(),
            d.notification(),
            d.endpoint(),
            d.endpointKey(),
            status,
            append(d.attempts(), a),
            nextAttempt);
    try {
      save(n);
      return n;
    } catch (IOException e) {
      log.accept("a notification record cannot be written: " + d.id());
      return null;
    }
  }

  private static Optional<Duration> seconds(String v) {
    try {
      long s = Long.parseLong(v.strip());
      return s >= 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static List<Attempt> append(List<Attempt> as, Attempt a) {
    List<Attempt> out = new ArrayList<>(as);
    out.add(a);
    return out;
  }

  private Optional<Endpoint> endpoint(String key) {
    return endpoints.stream().filter(e -> key(e).equals(key)).findFirst();
  }

  /** An endpoint's identity in the records: its full URL's digest (the query may be a secret). */
  static String key(Endpoint e) {
    return Digest.sha256(e.url().toString()).hex().substring(0, 16);
  }

  // ------------------------------------------------------------------ records

  private Path file(String id) {
    return dir.resolve(id + ".json");
  }

  private void save(Delivery d) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id());
    m.put("notification", d.notification().body());
    m.put("endpoint", d.endpoint());
    m.put("endpointKey", d.endpointKey());
    m.put("status", d.status().wire());
    List<Map<String, Object>> as = new ArrayList<>();
    for (Attempt a : d.attempts()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("at", a.at().toString());
      x.put("status", a.status());
      if (a.error() != null) {
        x.put("error", a.error());
      }
      as.add(x);
    }
    m.put("attempts", as);
    if (d.nextAttempt() != null) {
      m.put("nextAttempt", d.nextAttempt().toString());
    }
    AtomicFiles.write(file(d.id()), Json.canonical(m));
  }

  private static String str(Map<String, Object> m, String key) throws IOException {
    if (m.get(key) instanceof String v) {
      return v;
    }
    throw new IOException("a notification record lacks " + key);
  }

  private static int num(Map<String, Object> m, String key) throws IOException {
    if (m.get(key) instanceof Number v) {
      return v.intValue();
    }
    throw new IOException("a notification record lacks " + key);
  }

  @SuppressWarnings("unchecked")
  private static Delivery read(String json) throws IOException {
    Map<String, Object> m = Json.parseObject(json);
    Map<String, Object> n = (Map<String, Object>) Objects.requireNonNull(m.get("notification"));
    Notification note =
        new Notification(
            str(n, "id"),
            Notification.Kind.of(str(n, "kind")).orElseThrow(),
            Instant.parse(str(n, "at")),
            str(n, "subject"),
            str(n, "summary"),
            (Map<String, Object>) n.getOrDefault("details", Map.of()));
    List<Attempt> as = new ArrayList<>();
    for (Object o : (List<Object>) m.getOrDefault("attempts", List.of())) {
      Map<String, Object> a = (Map<String, Object>) o;
      as.add(
          new Attempt(
              Instant.parse(str(a, "at")),
              num(a, "status"),
              a.get("error") instanceof String e ? e : null));
    }
    Object next = m.get("nextAttempt");
    return new Delivery(
        str(m, "id"),
        note,
        str(m, "endpoint"),
        str(m, "endpointKey"),
        Status.valueOf((str(m, "status")).toUpperCase(java.util.Locale.ROOT)),
        as,
        next == null ? null : Instant.parse((String) next));
  }
}
