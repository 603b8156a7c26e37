package dev.cairn.server.schedule;

import dev.cairn.core.Text;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A cron schedule as Vixie cron reads it: five fields (minute, hour, day of month, month, day of
 * week), each {@code *}, a number, a range {@code a-b}, a list {@code a,b,c} and any of those with
 * a step {@code /n} ({@code a/n} runs from {@code a} to the field's end); months and days of week
 * also by name ({@code JAN}..{@code DEC}, {@code SUN}..{@code SAT}, any case); day of week 0 and 7
 * are Sunday. When both day of month and day of week are restricted (neither starts with {@code
 * *}), a day matches if either does. The macros <code>&#64;yearly</code> (<code>&#64;annually
 * </code>), <code>&#64;monthly</code>, <code>&#64;weekly</code>, <code>&#64;daily</code> (<code>
 * &#64;midnight</code>) and <code>&#64;hourly</code> stand for their five fields. Times are read in
 * a time zone; a local time the zone skips (a daylight-saving gap) does not fire, one it repeats
 * fires at each of its instants.
 */
public final class Cron {
  /** What a schedule is, for hints. */
  public static final String HINT =
      "five fields: minute hour day-of-month month day-of-week, e.g. '0 3 * * *' or"
          + " '*/15 8-18 * * MON-FRI', or a macro such as @daily";

  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /** How far around a time the search looks for instants a zone's transitions reorder. */
  private static final long SLACK_HOURS = 26;

  /** A schedule that fires on none of these years fires never. */
  private static final int SEARCH_YEARS = 30;

  private enum Field {
    MINUTE("minute", 0, 59, null),
    HOUR("hour", 0, 23, null),
    DAY_OF_MONTH("day-of-month", 1, 31, null),
    MONTH("month", 1, 12, MONTHS),
    DAY_OF_WEEK("day-of-week", 0, 7, DAYS);

    final String title;
    final int min;
    final int max;
    final @Nullable List<String> names;

    Field(String title, int min, int max, @Nullable List<String> names) {
      this.title = title;
      this.min = min;
      this.max = max;
      this.names = names;
    }

    /** The value of a name ({@code JAN} is 1, {@code SUN} is 0), or -1. */
    int named(String s) {
      List<String> n = names;
      if (n == null) {
        return -1;
      }
      int i = n.indexOf(s.toUpperCase(Locale.ROOT));
      return i < 0 ? -1 : this == MONTH ? i + 1 : i;
    }
  }

  /** A schedule that is not one: the message names the field, {@link #hint()} says what is. */
  public static final class InvalidSchedule extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidSchedule(String message) {
      super(message);
    }

    public String hint() {
      return HINT;
    }
  }

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domStar;
  private final boolean dowStar;

  private Cron(String text, String[] f) {
    this.text = text;
    this.minutes = field(text, Field.MINUTE, f[0]);
    this.hours = field(text, Field.HOUR, f[1]);
    this.daysOfMonth = field(text, Field.DAY_OF_MONTH, f[2]);
    this.months = field(text, Field.MONTH, f[3]);
    BitSet dow = field(text, Field.DAY_OF_WEEK, f[4]);
    if (dow.get(7)) {
      dow.set(0);
      dow.clear(7);
    }
    this.daysOfWeek = dow;
    this.domStar = f[2].startsWith("*");
    this.dowStar = f[4].startsWith("*");
  }

  /**
   * Reads a schedule.
   *
   * @throws InvalidSchedule naming the field that is wrong and how, in one line
   */
  public static Cron parse(String schedule) {
    Objects.requireNonNull(schedule, "schedule");
    String s = schedule.strip();
    if (s.length() > 200) {
      throw invalid(s, "it is longer than 200 characters");
    }
    String expanded = s;
    if (s.startsWith("@")) {
      String m = MACROS.get(s.toLowerCase(Locale.ROOT));
      if (m == null) {
        throw invalid(
            s,
            "no macro "
                + s
                + " (there are @yearly, @annually, @monthly, @weekly, @daily, @midnight and"
                + " @hourly)");
      }
      expanded = m;
    }
    String[] f = expanded.isEmpty() ? new String[0] : expanded.split("\\s+");
    if (f.length != 5) {
      throw invalid(s, "it has " + f.length + " field" + (f.length == 1 ? "" : "s") + ", not 5");
    }
    Cron c = new Cron(s, f);
    if (c.next(Instant.EPOCH, ZoneOffset.UTC).isEmpty()) {
      throw invalid(s, "no day ever matches its day-of-month and month fields");
    }
    return c;
  }

  /** Whether {@code schedule} is one ({@link #parse} would take it). */
  public static boolean valid(String schedule) {
    try {
      parse(schedule);
      return true;
    } catch (InvalidSchedule e) {
      return false;
    }
  }

  private static InvalidSchedule invalid(String s, String why) {
    return new InvalidSchedule("not a cron schedule: '" + Text.escape(s) + "': " + why);
  }

  private static BitSet field(String text, Field field, String value) {
    BitSet out = new BitSet(field.max + 1);
    for (String part : value.split(",", -1)) {
      if (part.isEmpty()) {
        throw bad(text, field, value, "has an empty list item");
      }
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        String st = part.substring(slash + 1);
        step = number(text, field, value, st, 1, field.max - field.min + 1, "step");
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = field.min;
        hi = field == Field.DAY_OF_WEEK ? 6 : field.max;
      } else {
        int dash = range.indexOf('-', 1);
        if (dash > 0) {
          lo = value(text, field, value, range.substring(0, dash));
          hi = value(text, field, value, range.substring(dash + 1));
          if (hi < lo) {
            throw bad(text, field, value, "has the range " + range + " that runs backwards");
          }
        } else {
          lo = value(text, field, value, range);
          hi = slash >= 0 ? (field == Field.DAY_OF_WEEK ? 6 : field.max) : lo;
        }
      }
      for (int i = lo; i <= hi; i += step) {
        out.set(i);
      }
    }
    return out;
  }

  private static int value(String text, Field field, String value, String v) {
    int named = field.named(v);
    if (named >= 0) {
      return named;
    }
    return number(text, field, value, v, field.min, field.max, "value");
  }

  private static int number(
      String text, Field field, String value, String v, int min, int max, String what) {
    if (v.isEmpty() || v.length() > 4 || !v.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      String names =
          field.names == null
              ? ""
              : " or a name (" + field.names.get(0) + ".." + field.names.getLast() + ")";
      throw bad(
          text,
          field,
          value,
          "has '" + Text.escape(v) + "', which is not a number from " + min + " to " + max + names);
    }
    int n = Integer.parseInt(v);
    if (n < min || n > max) {
      throw bad(text, field, value, "has the " + what + " " + n + ", out of " + min + "-" + max);
    }
    return n;
  }

  private static InvalidSchedule bad(String text, Field field, String value, String why) {
    return invalid(text, "the " + field.title + " field '" + Text.escape(value) + "' " + why);
  }

  /** The schedule as given. */
  public String text() {
    return text;
  }

  /** Whether the schedule fires at {@code t} (seconds and below are ignored). */
  public boolean matches(LocalDateTime t) {
    return minutes.get(t.getMinute())
        && hours.get(t.getHour())
        && months.get(t.getMonthValue())
        && dayMatches(t.toLocalDate());
  }

  private boolean dayMatches(LocalDate d) {
    boolean dom = daysOfMonth.get(d.getDayOfMonth());
    boolean dow =
        daysOfWeek.get(d.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : d.getDayOfWeek().getValue());
    return domStar || dowStar ? dom && dow : dom || dow;
  }

  /**
   * The first instant strictly after {@code after}, on a whole minute, at which the schedule fires
   * in {@code zone}; empty when it never does again.
   */
  public Optional<Instant> next(Instant after, ZoneId zone) {
    LocalDateTime start =
        LocalDateTime.ofInstant(after, zone)
            .truncatedTo(ChronoUnit.MINUTES)
            .minusHours(SLACK_HOURS);
    int lastYear = start.getYear() + SEARCH_YEARS;
    var rules = zone.getRules();
    Instant best = null;
    LocalDateTime c = nextLocal(start, lastYear);
    while (c != null) {
      for (ZoneOffset o : rules.getValidOffsets(c)) {
        Instant t = c.toInstant(o);
        if (t.isAfter(after) && (best == null || t.isBefore(best))) {
          best = t;
        }
      }
      if (best != null && c.isAfter(LocalDateTime.ofInstant(best, zone).plusHours(SLACK_HOURS))) {
        break;
      }
      c = nextLocal(c.plusMinutes(1), lastYear);
    }
    return Optional.ofNullable(best);
  }

  /**
   * The first local time at or after {@code from} that matches, or null before {@code lastYear}.
   */
  private @Nullable LocalDateTime nextLocal(LocalDateTime from, int lastYear) {
    LocalDateTime t = from;
    while (t.getYear() <= lastYear) {
      if (!months.get(t.getMonthValue())) {
        t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
      } else if (!dayMatches(t.toLocalDate())) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return t;
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cron c && c.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
