package dev.cairn.deploy;

import dev.cairn.core.Json;
import dev.cairn.supplychain.ImageVerifyResult;
import dev.cairn.supplychain.vuln.Severity;
import dev.cairn.supplychain.vuln.VulnGate;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a target demands of an image's vulnerability-gate attestation ({@code docs/deploy.md}): the
 * gate's result ({@link VulnGate#PREDICATE_TYPE}), attested about the image's digest and signed by
 * a builder key the trust root lists, judged as it stands — nothing is scanned again at deploy
 * time. The deploy gate and the admission webhook judge it with {@link #judge}.
 *
 * @param maxSeverity the severity at and above which an open (unwaived) finding refuses the image,
 *     as the vuln-gate step's {@code failOn}
 * @param maxDbAge how old the database the gate matched against may be at deploy time
 * @param required whether an image without the attestation is refused; when false, only an
 *     attestation that is there is judged
 */
public record VulnPolicy(Severity maxSeverity, Duration maxDbAge, boolean required) {
  /** The names of the refusals, as a break-glass override names them. */
  public static final String MISSING = "vulnerabilities.missing";

  public static final String UNSIGNED = "vulnerabilities.unsigned";
  public static final String MALFORMED = "vulnerabilities.malformed";
  public static final String SEVERITY = "vulnerabilities.severity";
  public static final String STALE = "vulnerabilities.stale";

  public VulnPolicy {
    if (maxDbAge.isNegative() || maxDbAge.isZero()) {
      throw new IllegalArgumentException("a maximum database age is positive: " + maxDbAge);
    }
  }

  /**
   * One demand that did not hold.
   *
   * @param reason {@link #MISSING}, {@link #UNSIGNED}, {@link #MALFORMED}, {@link #SEVERITY} or
   *     {@link #STALE}
   * @param message what does not hold, one line
   * @param hint what to do, phrased to follow "perhaps you should"
   */
  public record Breach(String reason, String message, String hint) {}

  /**
   * Judges the vulnerability-gate attestations of a verified image at {@code now}: of those signed
   * by a trusted builder key, the one scanned last. Empty when every demand holds.
   */
  public List<Breach> judge(ImageVerifyResult.Verified image, Instant now) {
    List<String> predicates = new ArrayList<>();
    for (ImageVerifyResult.Attestation a : image.attestations(VulnGate.PREDICATE_TYPE)) {
      predicates.add(a.predicate());
    }
    return judge(predicates, image.untrustedTypes().contains(VulnGate.PREDICATE_TYPE), now);
  }

  /**
   * Judges the vulnerability-gate predicates (JSON) of an image that a trusted builder key signed,
   * at {@code now}: the one scanned last. {@code untrustedToo} says whether the image also carries
   * one that no trusted key signed (then none is {@link #UNSIGNED}, not {@link #MISSING}).
   */
  public List<Breach> judge(List<String> predicates, boolean untrustedToo, Instant now) {
    if (predicates.isEmpty()) {
      if (untrustedToo) {
        return List.of(
            new Breach(
                UNSIGNED,
                "the vulnerability gate's result is attested, but signed by no builder key the"
                    + " trust root lists (trusted when the build finished)",
                "attest the gate's result with the builder's key (the pipeline's sign step does)"));
      }
      if (!required) {
        return List.of();
      }
      return List.of(
          new Breach(
              MISSING,
              "no vulnerability-gate attestation ("
                  + VulnGate.PREDICATE_TYPE
                  + ") of this digest signed by a trusted builder key",
              "run the vuln-gate step before the sign step, so that its result is attested"));
    }
    Read newest = null;
    String malformed = null;
    for (String p : predicates) {
      try {
        Read r = read(p);
        if (newest == null || r.scannedAt().isAfter(newest.scannedAt())) {
          newest = r;
        }
      } catch (IOException | RuntimeException e) {
        malformed = String.valueOf(e.getMessage());
      }
    }
    if (newest == null) {
      return List.of(malformed(String.valueOf(malformed)));
    }
    List<Breach> out = new ArrayList<>();
    severity(newest, out);
    stale(newest, now, out);
    return List.copyOf(out);
  }

  private static Breach malformed(String why) {
    return new Breach(
        MALFORMED,
        "the vulnerability gate's result cannot be read: " + why,
        "check the builder: it attested a result this gate cannot judge");
  }

  private void severity(Read r, List<Breach> out) {
    long total = 0;
    List<String> parts = new ArrayList<>();
    for (int i = Severity.values().length - 1; i >= maxSeverity.ordinal(); i--) {
      Severity s = Severity.values()[i];
      long n = r.counts().getOrDefault(s, 0L);
      if (n > 0) {
        parts.add(s.id() + " " + n);
        total += n;
      }
    }
    // the findings list must agree with the counts: take the larger (fail closed)
    long listed = r.openAtOrAbove().size();
    if (total == 0 && listed == 0) {
      return;
    }
    long n = Math.max(total, listed);
    String ids =
        r.openAtOrAbove().isEmpty()
            ? ""
            : ": "
                + String.join(", ", r.openAtOrAbove().stream().limit(5).toList())
                + (r.openAtOrAbove().size() > 5 ? ", …" : "");
    out.add(
        new Breach(
            SEVERITY,
            n
                + (n == 1 ? " open finding" : " open findings")
                + " at or above "
                + maxSeverity.id()
                + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")")
                + ids,
            "upgrade the affected packages and rebuild, or waive the findings with a reason in the"
                + " vuln-gate step"));
  }

  private void stale(Read r, Instant now, List<Breach> out) {
    Instant date = r.dbDate();
    if (date == null) {
      out.add(
          new Breach(
              STALE,
              "the vulnerability gate's result names no database date (an empty database?)",
              "import a current OSV export (cairn vuln db import) and rebuild"));
      return;
    }
    Duration age = Duration.between(date, now);
    if (age.compareTo(maxDbAge) > 0) {
      out.add(
          new Breach(
              STALE,
              "the vulnerability database it was matched against is of "
                  + date
                  + ", "
                  + formatAge(age)
                  + " old at deploy time; at most "
                  + formatAge(maxDbAge)
                  + " is allowed",
              "import a current OSV export (cairn vuln db import) and rebuild, so the gate runs"
                  + " again"));
    }
  }

  /** The parts of the predicate this policy judges. */
  private record Read(
      Map<Severity, Long> counts,
      List<String> openAtOrAbove,
      @Nullable Instant dbDate,
      Instant scannedAt) {}

  private Read read(String predicate) throws IOException {
    if (!(Json.parse(predicate) instanceof Map<?, ?> p)) {
      throw new IOException("the predicate is not an object");
    }
    if (!(p.get("counts") instanceof Map<?, ?> c)) {
      throw new IOException("predicate.counts is missing");
    }
    Map<Severity, Long> counts = new java.util.EnumMap<>(Severity.class);
    for (Map.Entry<?, ?> e : c.entrySet()) {
      Severity s =
          Severity.parse(String.valueOf(e.getKey()))
              .orElseThrow(() -> new IOException("predicate.counts names severity " + e.getKey()));
      if (!(e.getValue() instanceof Number n) || n.longValue() < 0) {
        throw new IOException("predicate.counts." + e.getKey() + " is not a count");
      }
      counts.put(s, n.longValue());
    }
    List<String> open = new ArrayList<>();
    if (!(p.get("findings") instanceof List<?> fs)) {
      throw new IOException("predicate.findings is missing");
    }
    for (Object o : fs) {
      if (!(o instanceof Map<?, ?> f)) {
        throw new IOException("predicate.findings holds a non-object");
      }
      if ("waived".equals(f.get("state"))) {
        continue;
      }
      Severity s = Severity.parse(String.valueOf(f.get("severity"))).orElse(Severity.CRITICAL);
      if (s.compareTo(maxSeverity) >= 0) {
        open.add(String.valueOf(f.get("id")));
      }
    }
    if (!(p.get("database") instanceof Map<?, ?> db)) {
      throw new IOException("predicate.database is missing");
    }
    Instant date;
    Instant scanned;
    try {
      date = db.get("date") instanceof String d ? Instant.parse(d) : null;
      if (!(p.get("scannedAt") instanceof String sa)) {
        throw new IOException("predicate.scannedAt is missing");
      }
      scanned = Instant.parse(sa);
    } catch (DateTimeException e) {
      throw new IOException("a date of the predicate is not an instant: " + e.getMessage(), e);
    }
    return new Read(counts, open, date, scanned);
  }

  /** An age as {@code 7d}, {@code 36h} or {@code 90m}. */
  public static Optional<Duration> parseAge(String text) {
    String v = text.strip().toLowerCase(Locale.ROOT);
    if (!v.matches("[0-9]{1,6}[dhm]")) {
      return Optional.empty();
    }
    long n = Long.parseLong(v.substring(0, v.length() - 1));
    if (n == 0) {
      return Optional.empty();
    }
    return Optional.of(
        switch (v.charAt(v.length() - 1)) {
          case 'd' -> Duration.ofDays(n);
          case 'h' -> Duration.ofHours(n);
          default -> Duration.ofMinutes(n);
        });
  }

  /**
   * {@code d} as {@link #parseAge} reads it when it is whole days, hours or minutes ({@code 7d},
   * {@code 36h}, {@code 90m}); else, for a message, {@code 9d 2h} or {@code 3h 5m}.
   */
  public static String formatAge(Duration d) {
    long minutes = d.toMinutes();
    boolean whole = d.toSecondsPart() == 0 && d.toNanosPart() == 0;
    if (whole && minutes % (24 * 60) == 0) {
      return d.toDays() + "d";
    }
    if (whole && minutes % 60 == 0) {
      return d.toHours() + "h";
    }
    if (whole || minutes < 60) {
      return minutes + "m";
    }
    if (minutes >= 24 * 60) {
      return d.toDays() + "d " + d.toHoursPart() + "h";
    }
    return d.toHours() + "h " + d.toMinutesPart() + "m";
  }
}
