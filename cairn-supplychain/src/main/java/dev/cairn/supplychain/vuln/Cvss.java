package dev.cairn.supplychain.vuln;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CVSS base scores from vectors: v3.0/v3.1 by the 3.1 specification's equations (with its
 * appendix's {@code Roundup}), v4.0 by the specification's MacroVector lookup table and the
 * interpolation of FIRST's reference calculator (the distance of the vector from the highest vector
 * of its MacroVector, scaled by the score drop to the next lower MacroVector).
 */
public final class Cvss {
  private Cvss() {}

  /**
   * A score.
   *
   * @param version {@code 3.1}, {@code 3.0} or {@code 4.0}
   * @param score 0.0 to 10.0
   * @param severity its qualitative rating
   */
  public record Score(String version, double score, Severity severity) {}

  /**
   * Scores a vector ({@code CVSS:3.1/AV:N/…} or {@code CVSS:4.0/AV:N/…}).
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static Score score(String vector) {
    String v = vector.strip();
    if (v.startsWith("CVSS:3.1/") || v.startsWith("CVSS:3.0/")) {
      double s = v3(metrics(v, V3_REQUIRED, V3_VALUES));
      return new Score(v.substring(5, 8), s, Severity.ofScore(s));
    }
    if (v.startsWith("CVSS:4.0/")) {
      double s = v4(metrics(v, V4_REQUIRED, V4_VALUES));
      return new Score("4.0", s, Severity.ofScore(s));
    }
    throw new IllegalArgumentException(
        "not a CVSS v3 or v4 vector (it starts neither CVSS:3.1/ nor CVSS:4.0/): " + vector);
  }

  private static final List<String> V3_REQUIRED =
      List.of("AV", "AC", "PR", "UI", "S", "C", "I", "A");
  private static final Map<String, String> V3_VALUES =
      Map.ofEntries(
          Map.entry("AV", "NALP"),
          Map.entry("AC", "LH"),
          Map.entry("PR", "NLH"),
          Map.entry("UI", "NR"),
          Map.entry("S", "UC"),
          Map.entry("C", "HLN"),
          Map.entry("I", "HLN"),
          Map.entry("A", "HLN"),
          // temporal and environmental metrics are read and checked, not scored (base score)
          Map.entry("E", "XUPFH"),
          Map.entry("RL", "XOTWU"),
          Map.entry("RC", "XURC"),
          Map.entry("CR", "XLMH"),
          Map.entry("IR", "XLMH"),
          Map.entry("AR", "XLMH"),
          Map.entry("MAV", "XNALP"),
          Map.entry("MAC", "XLH"),
          Map.entry("MPR", "XNLH"),
          Map.entry("MUI", "XNR"),
          Map.entry("MS", "XUC"),
          Map.entry("MC", "XNLH"),
          Map.entry("MI", "XNLH"),
          Map.entry("MA", "XNLH"));

  private static final List<String> V4_REQUIRED =
      List.of("AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA");
  private static final Map<String, String> V4_VALUES =
      Map.ofEntries(
          Map.entry("AV", "NALP"),
          Map.entry("AC", "LH"),
          Map.entry("AT", "NP"),
          Map.entry("PR", "NLH"),
          Map.entry("UI", "NPA"),
          Map.entry("VC", "HLN"),
          Map.entry("VI", "HLN"),
          Map.entry("VA", "HLN"),
          Map.entry("SC", "HLN"),
          Map.entry("SI", "HLN"),
          Map.entry("SA", "HLN"),
          Map.entry("E", "XAPU"),
          Map.entry("CR", "XHML"),
          Map.entry("IR", "XHML"),
          Map.entry("AR", "XHML"),
          Map.entry("MAV", "XNALP"),
          Map.entry("MAC", "XLH"),
          Map.entry("MAT", "XNP"),
          Map.entry("MPR", "XNLH"),
          Map.entry("MUI", "XNPA"),
          Map.entry("MVC", "XHLN"),
          Map.entry("MVI", "XHLN"),
          Map.entry("MVA", "XHLN"),
          Map.entry("MSC", "XHLN"),
          Map.entry("MSI", "XSHLN"),
          Map.entry("MSA", "XSHLN"),
          // supplemental metrics: no effect on the score
          Map.entry("S", "XNP"),
          Map.entry("AU", "XNY"),
          Map.entry("R", "XAUI"),
          Map.entry("V", "XDC"),
          Map.entry("RE", "XLMH"),
          Map.entry("U", "*"));

  private static Map<String, String> metrics(
      String vector, List<String> required, Map<String, String> values) {
    Map<String, String> m = new LinkedHashMap<>();
    String[] parts = vector.split("/");
    for (int i = 1; i < parts.length; i++) {
      int c = parts[i].indexOf(':');
      if (c <= 0 || c == parts[i].length() - 1) {
        throw new IllegalArgumentException("malformed CVSS metric '" + parts[i] + "' in " + vector);
      }
      String k = parts[i].substring(0, c);
      String val = parts[i].substring(c + 1);
      String allowed = values.get(k);
      if (allowed == null) {
        throw new IllegalArgumentException("unknown CVSS metric '" + k + "' in " + vector);
      }
      if (!allowed.equals("*") && (val.length() != 1 || allowed.indexOf(val.charAt(0)) < 0)) {
        throw new IllegalArgumentException(
            "CVSS metric " + k + " cannot be '" + val + "' in " + vector);
      }
      if (m.put(k, val) != null) {
        throw new IllegalArgumentException("CVSS metric " + k + " twice in " + vector);
      }
    }
    for (String r : required) {
      if (!m.containsKey(r)) {
        throw new IllegalArgumentException("CVSS vector lacks base metric " + r + ": " + vector);
      }
    }
    return m;
  }

  // ---- v3.1 ------------------------------------------------------------------------------

  private static double v3(Map<String, String> m) {
    boolean changed = get(m, "S").equals("C");
    double av =
        switch (get(m, "AV")) {
          case "N" -> 0.85;
          case "A" -> 0.62;
          case "L" -> 0.55;
          default -> 0.2;
        };
    double ac = get(m, "AC").equals("L") ? 0.77 : 0.44;
    double pr =
        switch (get(m, "PR")) {
          case "N" -> 0.85;
          case "L" -> changed ? 0.68 : 0.62;
          default -> changed ? 0.5 : 0.27;
        };
    double ui = get(m, "UI").equals("N") ? 0.85 : 0.62;
    double iss = 1 - (1 - cia(get(m, "C"))) * (1 - cia(get(m, "I"))) * (1 - cia(get(m, "A")));
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
    double exploitability = 8.22 * av * ac * pr * ui;
    if (impact <= 0) {
      return 0.0;
    }
    return changed
        ? roundUp(Math.min(1.08 * (impact + exploitability), 10))
        : roundUp(Math.min(impact + exploitability, 10));
  }

  private static String get(Map<String, String> m, String k) {
    return Objects.requireNonNull(m.get(k), k);
  }

  private static double cia(String v) {
    return switch (v) {
      case "H" -> 0.56;
      case "L" -> 0.22;
      default -> 0.0;
    };
  }

  /** CVSS v3.1 Appendix A: the smallest number with one decimal equal to or above the input. */
  static double roundUp(double input) {
    long intInput = Math.round(input * 100000);
    if (intInput % 10000 == 0) {
      return intInput / 100000.0;
    }
    return (Math.floor(intInput / 10000.0) + 1) / 10.0;
  }

  // ---- v4.0 ------------------------------------------------------------------------------

  /** MacroVector (EQ1…EQ6 as six digits) → score: the specification's lookup table. */
  private static final class Table {
    static final Map<String, Double> SCORES = load();

    private static Map<String, Double> load() {
      Map<String, Double> t = new HashMap<>();
      try (InputStream in =
              Objects.requireNonNull(
                  Cvss.class.getResourceAsStream("cvss4-macrovectors.txt"),
                  "cvss4-macrovectors.txt is in the jar");
          BufferedReader r =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.isBlank() || line.startsWith("#")) {
            continue;
          }
          String[] p = line.strip().split("\\s+");
          t.put(p[0], Double.parseDouble(p[1]));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (t.size() != 270) {
        throw new IllegalStateException(
            "the CVSS v4.0 table has 270 MacroVectors, not " + t.size());
      }
      return Map.copyOf(t);
    }
  }

  /** Each metric's severity level in tenths (0 the most severe), for the distance to a maximum. */
  private static final Map<String, Map<Character, Double>> LEVELS =
      Map.ofEntries(
          Map.entry("AV", Map.of('N', 0.0, 'A', 0.1, 'L', 0.2, 'P', 0.3)),
          Map.entry("PR", Map.of('N', 0.0, 'L', 0.1, 'H', 0.2)),
          Map.entry("UI", Map.of('N', 0.0, 'P', 0.1, 'A', 0.2)),
          Map.entry("AC", Map.of('L', 0.0, 'H', 0.1)),
          Map.entry("AT", Map.of('N', 0.0, 'P', 0.1)),
          Map.entry("VC", Map.of('H', 0.0, 'L', 0.1, 'N', 0.2)),
          Map.entry("VI", Map.of('H', 0.0, 'L', 0.1, 'N', 0.2)),
          Map.entry("VA", Map.of('H', 0.0, 'L', 0.1, 'N', 0.2)),
          Map.entry("SC", Map.of('H', 0.1, 'L', 0.2, 'N', 0.3)),
          Map.entry("SI", Map.of('S', 0.0, 'H', 0.1, 'L', 0.2, 'N', 0.3)),
          Map.entry("SA", Map.of('S', 0.0, 'H', 0.1, 'L', 0.2, 'N', 0.3)),
          Map.entry("CR", Map.of('H', 0.0, 'M', 0.1, 'L', 0.2)),
          Map.entry("IR", Map.of('H', 0.0, 'M', 0.1, 'L', 0.2)),
          Map.entry("AR", Map.of('H', 0.0, 'M', 0.1, 'L', 0.2)));

  /** The highest-severity vectors of each EQ level (the specification's data). */
  private static final List<List<String>> EQ1_MAX =
      List.of(
          List.of("AV:N/PR:N/UI:N"),
          List.of("AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"),
          List.of("AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"));

  private static final List<List<String>> EQ2_MAX =
      List.of(List.of("AC:L/AT:N"), List.of("AC:H/AT:N", "AC:L/AT:P"));

  private static final Map<String, List<String>> EQ3EQ6_MAX =
      Map.of(
          "00", List.of("VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"),
          "01", List.of("VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"),
          "10", List.of("VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"),
          "11",
              List.of(
                  "VC:L/VI:H/VA:L/CR:H/IR:M/AR:H",
                  "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M",
                  "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
                  "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H",
                  "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"),
          "21", List.of("VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"));

  private static final List<List<String>> EQ4_MAX =
      List.of(List.of("SC:H/SI:S/SA:S"), List.of("SC:H/SI:H/SA:H"), List.of("SC:L/SI:L/SA:L"));

  /** The largest severity distance within each EQ level, in steps of 0.1. */
  private static final int[] EQ1_DEPTH = {1, 4, 5};

  private static final int[] EQ2_DEPTH = {1, 2};
  private static final Map<String, Integer> EQ3EQ6_DEPTH =
      Map.of("00", 7, "01", 6, "10", 8, "11", 8, "21", 10);
  private static final int[] EQ4_DEPTH = {6, 5, 4};

  private static char eff(Map<String, String> m, String metric) {
    String mod = m.get("M" + metric);
    if (mod != null && !mod.equals("X")) {
      return mod.charAt(0);
    }
    String v = m.get(metric);
    if (v == null || v.equals("X")) {
      return switch (metric) {
        case "E" -> 'A';
        case "CR", "IR", "AR" -> 'H';
        default -> throw new IllegalArgumentException("CVSS v4.0 vector lacks " + metric);
      };
    }
    return v.charAt(0);
  }

  private static double v4(Map<String, String> m) {
    char av = eff(m, "AV");
    char pr = eff(m, "PR");
    char ui = eff(m, "UI");
    char ac = eff(m, "AC");
    char at = eff(m, "AT");
    char vc = eff(m, "VC");
    char vi = eff(m, "VI");
    char va = eff(m, "VA");
    char sc = eff(m, "SC");
    char si = eff(m, "SI");
    char sa = eff(m, "SA");
    char e = eff(m, "E");
    char cr = eff(m, "CR");
    char ir = eff(m, "IR");
    char ar = eff(m, "AR");
    if (vc == 'N' && vi == 'N' && va == 'N' && sc == 'N' && si == 'N' && sa == 'N') {
      return 0.0;
    }
    int eq1 =
        av == 'N' && pr == 'N' && ui == 'N'
            ? 0
            : (av == 'N' || pr == 'N' || ui == 'N') && av != 'P' ? 1 : 2;
    int eq2 = ac == 'L' && at == 'N' ? 0 : 1;
    int eq3 = vc == 'H' && vi == 'H' ? 0 : vc == 'H' || vi == 'H' || va == 'H' ? 1 : 2;
    int eq4 = si == 'S' || sa == 'S' ? 0 : sc == 'H' || si == 'H' || sa == 'H' ? 1 : 2;
    int eq5 = e == 'A' ? 0 : e == 'P' ? 1 : 2;
    int eq6 =
        (cr == 'H' && vc == 'H') || (ir == 'H' && vi == 'H') || (ar == 'H' && va == 'H') ? 0 : 1;
    double value = lookup(eq1, eq2, eq3, eq4, eq5, eq6);

    double lowerEq1 = lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
    double lowerEq2 = lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
    double lowerEq3Eq6;
    if (eq3 == 0 && eq6 == 0) {
      // two ways down (01 and 10), both in the table: the higher is the next lower MacroVector
      lowerEq3Eq6 =
          Math.max(
              lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1), lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6));
    } else if (eq3 == 1 && eq6 == 0) {
      lowerEq3Eq6 = lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
    } else {
      lowerEq3Eq6 = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    }
    double lowerEq4 = lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
    double lowerEq5 = lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

    String key36 = "" + eq3 + eq6;
    Map<String, Character> own = new HashMap<>();
    own.put("AV", av);
    own.put("PR", pr);
    own.put("UI", ui);
    own.put("AC", ac);
    own.put("AT", at);
    own.put("VC", vc);
    own.put("VI", vi);
    own.put("VA", va);
    own.put("SC", sc);
    own.put("SI", si);
    own.put("SA", sa);
    own.put("CR", cr);
    own.put("IR", ir);
    own.put("AR", ar);
    @org.jspecify.annotations.Nullable Map<String, Double> dist = null;
    search:
    for (String a : EQ1_MAX.get(eq1)) {
      for (String b : EQ2_MAX.get(eq2)) {
        for (String c : Objects.requireNonNull(EQ3EQ6_MAX.get(key36))) {
          for (String d : EQ4_MAX.get(eq4)) {
            Map<String, Double> ds = distances(own, a + "/" + b + "/" + c + "/" + d);
            if (ds.values().stream().allMatch(x -> x >= 0)) {
              dist = ds;
              break search;
            }
          }
        }
      }
    }
    if (dist == null) {
      throw new IllegalStateException("no highest vector of the MacroVector lies above the vector");
    }
    double step = 0.1;
    double d1 = at(dist, "AV") + at(dist, "PR") + at(dist, "UI");
    double d2 = at(dist, "AC") + at(dist, "AT");
    double d36 =
        at(dist, "VC")
            + at(dist, "VI")
            + at(dist, "VA")
            + at(dist, "CR")
            + at(dist, "IR")
            + at(dist, "AR");
    double d4 = at(dist, "SC") + at(dist, "SI") + at(dist, "SA");
    double[] available = {
      value - lowerEq1, value - lowerEq2, value - lowerEq3Eq6, value - lowerEq4, value - lowerEq5
    };
    double[] depth = {
      EQ1_DEPTH[eq1] * step,
      EQ2_DEPTH[eq2] * step,
      Objects.requireNonNull(EQ3EQ6_DEPTH.get(key36)) * step,
      EQ4_DEPTH[eq4] * step,
      1 * step
    };
    double[] current = {d1, d2, d36, d4, 0.0};
    int lower = 0;
    double sum = 0;
    for (int i = 0; i < 5; i++) {
      if (Double.isNaN(available[i])) {
        continue;
      }
      lower++;
      sum += available[i] * (current[i] / depth[i]);
    }
    double mean = lower == 0 ? 0 : sum / lower;
    double score = Math.max(0.0, Math.min(10.0, value - mean));
    return Math.round((score + 1e-6) * 10) / 10.0;
  }

  private static double at(Map<String, Double> d, String k) {
    return Objects.requireNonNull(d.get(k), k);
  }

  private static Map<String, Double> distances(Map<String, Character> own, String max) {
    Map<String, Double> d = new HashMap<>();
    for (String part : max.split("/")) {
      String k = part.substring(0, part.indexOf(':'));
      char maxV = part.charAt(part.length() - 1);
      Map<Character, Double> levels = Objects.requireNonNull(LEVELS.get(k));
      d.put(
          k,
          Objects.requireNonNull(levels.get(own.get(k)), k)
              - Objects.requireNonNull(levels.get(maxV), k));
    }
    return d;
  }

  private static double lookup(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6) {
    Double v = Table.SCORES.get("" + eq1 + eq2 + eq3 + eq4 + eq5 + eq6);
    return v == null ? Double.NaN : v;
  }
}
