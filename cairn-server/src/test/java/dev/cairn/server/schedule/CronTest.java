package dev.cairn.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cron schedules: fixed cases, error messages, and a seeded generator whose every schedule's next
 * fire times are cross-checked against stepping minute by minute.
 */
class CronTest {
  static final ZoneId UTC = ZoneOffset.UTC;
  static final Instant T = Instant.parse("2026-12-02T10:17:42Z"); // a Wednesday

  static Instant next(String cron, String after) {
    return Cron.parse(cron).next(Instant.parse(after), UTC).orElseThrow();
  }

  @Test
  void fields_listsRangesStepsAndNames() {
    assertThat(next("0 3 * * *", "2026-12-02T10:17:42Z")).isEqualTo("2026-12-03T03:00:00Z");
    assertThat(next("0 3 * * *", "2026-12-02T02:59:59Z")).isEqualTo("2026-12-02T03:00:00Z");
    assertThat(next("0 3 * * *", "2026-12-02T03:00:00Z"))
        .as("strictly after")
        .isEqualTo("2026-12-03T03:00:00Z");
    assertThat(next("*/15 * * * *", "2026-12-02T10:17:42Z")).isEqualTo("2026-12-02T10:30:00Z");
    assertThat(next("5,10-12 * * * *", "2026-12-02T10:10:00Z")).isEqualTo("2026-12-02T10:11:00Z");
    assertThat(next("10-50/20 * * * *", "2026-12-02T10:31:00Z")).isEqualTo("2026-12-02T10:50:00Z");
    assertThat(next("30/15 9 * * *", "2026-12-02T09:31:00Z")).isEqualTo("2026-12-02T09:45:00Z");
    assertThat(next("0 0 * * MON-FRI", "2026-12-04T12:00:00Z"))
        .as("Friday noon: next is Monday")
        .isEqualTo("2026-12-07T00:00:00Z");
    assertThat(next("0 0 * * sun", "2026-12-02T00:00:00Z")).isEqualTo("2026-12-06T00:00:00Z");
    assertThat(next("0 0 * * 7", "2026-12-02T00:00:00Z"))
        .as("7 is Sunday too")
        .isEqualTo("2026-12-06T00:00:00Z");
    assertThat(next("0 0 1 FEB,jun *", "2026-12-02T00:00:00Z")).isEqualTo("2027-02-01T00:00:00Z");
    assertThat(next("0 0 29 2 *", "2026-12-02T00:00:00Z"))
        .as("the next leap day")
        .isEqualTo("2028-02-29T00:00:00Z");
  }

  @Test
  void dayOfMonthAndDayOfWeek_bothRestricted_matchEither_otherwiseBoth() {
    // the 13th or any Friday
    assertThat(next("0 0 13 * 5", "2026-12-02T00:00:00Z")).isEqualTo("2026-12-04T00:00:00Z");
    assertThat(next("0 0 13 * 5", "2026-12-11T00:00:00Z")).isEqualTo("2026-12-13T00:00:00Z");
    // a star in day-of-week: day-of-month alone decides
    assertThat(next("0 0 13 * *", "2026-12-02T00:00:00Z")).isEqualTo("2026-12-13T00:00:00Z");
    // Vixie: a field starting with * counts as unrestricted, so */2 days AND Fridays
    assertThat(next("0 0 */2 * 5", "2026-12-02T00:00:00Z")).isEqualTo("2026-12-11T00:00:00Z");
  }

  @Test
  void macros_standForTheirFields() {
    assertThat(next("@daily", "2026-12-02T10:00:00Z")).isEqualTo("2026-12-03T00:00:00Z");
    assertThat(next("@midnight", "2026-12-02T10:00:00Z")).isEqualTo("2026-12-03T00:00:00Z");
    assertThat(next("@hourly", "2026-12-02T10:00:00Z")).isEqualTo("2026-12-02T11:00:00Z");
    assertThat(next("@weekly", "2026-12-02T10:00:00Z")).isEqualTo("2026-12-06T00:00:00Z");
    assertThat(next("@monthly", "2026-12-02T10:00:00Z")).isEqualTo("2027-01-01T00:00:00Z");
    assertThat(next("@yearly", "2026-12-02T10:00:00Z")).isEqualTo("2027-01-01T00:00:00Z");
    assertThat(next("@ANNUALLY", "2026-12-02T10:00:00Z")).isEqualTo("2027-01-01T00:00:00Z");
  }

  @Test
  void aTimeZone_readsTheFields_throughDaylightSaving() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    Cron c = Cron.parse("30 2 * * *");
    // 2027-03-28 02:30 does not exist in Berlin (clocks go 02:00 -> 03:00): that day does not fire
    assertThat(c.next(Instant.parse("2027-03-27T12:00:00Z"), berlin))
        .contains(Instant.parse("2027-03-29T00:30:00Z"));
    // 2027-10-31 02:30 happens twice: both fire
    Instant first = c.next(Instant.parse("2027-10-30T12:00:00Z"), berlin).orElseThrow();
    assertThat(first).isEqualTo("2027-10-31T00:30:00Z");
    assertThat(c.next(first, berlin)).contains(Instant.parse("2027-10-31T01:30:00Z"));
    assertThat(Cron.parse("0 9 * * *").next(T, ZoneId.of("America/New_York")))
        .contains(Instant.parse("2026-12-02T14:00:00Z"));
  }

  @Test
  void badSchedules_nameTheField_inOneLine_withAHint() {
    assertThatThrownBy(() -> Cron.parse("61 * * * *"))
        .isInstanceOf(Cron.InvalidSchedule.class)
        .hasMessage(
            "not a cron schedule: '61 * * * *': the minute field '61' has the value 61,"
                + " out of 0-59");
    assertThatThrownBy(() -> Cron.parse("0 3 * * FUN"))
        .hasMessage(
            "not a cron schedule: '0 3 * * FUN': the day-of-week field 'FUN' has 'FUN', which is"
                + " not a number from 0 to 7 or a name (SUN..SAT)");
    assertThatThrownBy(() -> Cron.parse("0 3 * *"))
        .hasMessage("not a cron schedule: '0 3 * *': it has 4 fields, not 5");
    assertThatThrownBy(() -> Cron.parse("every day")).hasMessageContaining("it has 2 fields");
    assertThatThrownBy(() -> Cron.parse("0 25 * * *"))
        .hasMessageContaining("the hour field '25' has the value 25, out of 0-23");
    assertThatThrownBy(() -> Cron.parse("0 0 5-1 * *"))
        .hasMessageContaining("the day-of-month field '5-1' has the range 5-1 that runs backwards");
    assertThatThrownBy(() -> Cron.parse("*/0 * * * *"))
        .hasMessageContaining("the minute field '*/0' has the step 0, out of 1-60");
    assertThatThrownBy(() -> Cron.parse("0 0 1,,2 * *"))
        .hasMessageContaining("the day-of-month field '1,,2' has an empty list item");
    assertThatThrownBy(() -> Cron.parse("0 0 L * *"))
        .hasMessageContaining("the day-of-month field 'L' has 'L', which is not a number");
    assertThatThrownBy(() -> Cron.parse("0 0 31 2 *"))
        .hasMessageContaining("no day ever matches its day-of-month and month fields");
    assertThatThrownBy(() -> Cron.parse("@often")).hasMessageContaining("no macro @often");
    assertThatThrownBy(() -> Cron.parse("0 0 * 13 *"))
        .hasMessageContaining("the month field '13' has the value 13, out of 1-12");
    assertThatThrownBy(() -> Cron.parse("0 0 * * *\n1"))
        .hasMessageNotContaining("\n")
        .hasMessageContaining("6 fields");
    Cron.InvalidSchedule e =
        (Cron.InvalidSchedule)
            org.assertj.core.api.Assertions.catchThrowable(() -> Cron.parse("x * * * *"));
    assertThat(e.hint()).contains("five fields").contains("@daily");
    assertThat(Cron.valid("0 3 * * *")).isTrue();
    assertThat(Cron.valid("0 3 * * * *")).isFalse();
  }

  // ------------------------------------------------------------------ generated, brute-forced

  private static String field(Random r, int min, int max, List<String> names) {
    int kind = r.nextInt(7);
    int span = max - min + 1;
    return switch (kind) {
      case 0 -> "*";
      case 1 -> "*/" + (1 + r.nextInt(Math.min(span, 12)));
      case 2 -> {
        int a = min + r.nextInt(span);
        yield names.isEmpty() || r.nextBoolean() ? Integer.toString(a) : name(names, min, a);
      }
      case 3 -> {
        int a = min + r.nextInt(span);
        int b = a + r.nextInt(max - a + 1);
        yield a + "-" + b;
      }
      case 4 -> {
        int a = min + r.nextInt(span);
        int b = a + r.nextInt(max - a + 1);
        yield a + "-" + b + "/" + (1 + r.nextInt(4));
      }
      case 5 -> {
        List<String> items = new ArrayList<>();
        int n = 2 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
          items.add(Integer.toString(min + r.nextInt(span)));
        }
        yield String.join(",", items);
      }
      default -> (min + r.nextInt(span)) + "/" + (1 + r.nextInt(Math.min(span, 10)));
    };
  }

  private static String name(List<String> names, int min, int a) {
    int i = a - min;
    return i < names.size() ? names.get(i) : Integer.toString(a);
  }

  /** The first minute after {@code after} at which {@code c} matches, by stepping; or empty. */
  private static Optional<Instant> bruteForce(Cron c, Instant after, ZoneId zone, long minutes) {
    Instant t = after.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    for (long i = 0; i < minutes; i++, t = t.plus(1, ChronoUnit.MINUTES)) {
      if (c.matches(LocalDateTime.ofInstant(t, zone))) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  @Test
  void generatedSchedules_agreeWithStepping_minuteByMinute() {
    Random r = new Random(20261202L);
    List<ZoneId> zones =
        List.of(
            UTC,
            ZoneId.of("Europe/Berlin"),
            ZoneId.of("America/New_York"),
            ZoneId.of("Australia/Lord_Howe"),
            ZoneId.of("Asia/Kolkata"));
    List<String> months =
        List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    List<String> days = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    long window = 60L * 24 * 200; // 200 days of minutes
    int checked = 0;
    int compared = 0;
    while (checked < 120) {
      String s =
          String.join(
              " ",
              field(r, 0, 59, List.of()),
              field(r, 0, 23, List.of()),
              field(r, 1, 31, List.of()),
              field(r, 1, 12, months),
              field(r, 0, 7, days));
      Cron c;
      try {
        c = Cron.parse(s);
      } catch (Cron.InvalidSchedule e) {
        continue; // e.g. 30 2 31 2 *: never
      }
      checked++;
      ZoneId zone = zones.get(r.nextInt(zones.size()));
      // around daylight-saving changes more often than by chance
      Instant after =
          r.nextBoolean()
              ? Instant.parse("2027-03-27T00:00:00Z").plusSeconds(r.nextInt(86400 * 3))
              : Instant.parse("2026-01-01T00:00:00Z").plusSeconds(r.nextLong(86400L * 700));
      for (int step = 0; step < 3; step++) {
        Optional<Instant> want = bruteForce(c, after, zone, window);
        Optional<Instant> got = c.next(after, zone);
        if (want.isPresent()) {
          assertThat(got).as(s + " in " + zone + " after " + after).isEqualTo(want);
          compared++;
          after = want.get();
        } else {
          assertThat(got.orElseThrow())
              .as(s + " in " + zone + ": nothing within the window, so later")
              .isAfter(after.plus(window, ChronoUnit.MINUTES));
          break;
        }
      }
    }
    assertThat(compared).isGreaterThan(200);
  }
}
