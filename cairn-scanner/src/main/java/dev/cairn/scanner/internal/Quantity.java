package dev.cairn.scanner.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity ({@code 500m}, {@code 1.5Gi}, {@code 2e3}) as an exact decimal,
 * the value type of the {@code quantity()} CEL function.
 */
public record Quantity(BigDecimal value, String text) implements Comparable<Quantity> {
  private static final Pattern FORM =
      Pattern.compile(
          "^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$");
  private static final Map<String, BigDecimal> SUFFIX =
      Map.ofEntries(
          Map.entry("Ki", new BigDecimal(BigInteger.TWO.pow(10))),
          Map.entry("Mi", new BigDecimal(BigInteger.TWO.pow(20))),
          Map.entry("Gi", new BigDecimal(BigInteger.TWO.pow(30))),
          Map.entry("Ti", new BigDecimal(BigInteger.TWO.pow(40))),
          Map.entry("Pi", new BigDecimal(BigInteger.TWO.pow(50))),
          Map.entry("Ei", new BigDecimal(BigInteger.TWO.pow(60))),
          Map.entry("n", new BigDecimal("1e-9")),
          Map.entry("u", new BigDecimal("1e-6")),
          Map.entry("m", new BigDecimal("1e-3")),
          Map.entry("k", new BigDecimal("1e3")),
          Map.entry("M", new BigDecimal("1e6")),
          Map.entry("G", new BigDecimal("1e9")),
          Map.entry("T", new BigDecimal("1e12")),
          Map.entry("P", new BigDecimal("1e15")),
          Map.entry("E", new BigDecimal("1e18")));

  /** Parses a quantity; throws {@link IllegalArgumentException} on anything else. */
  public static Quantity parse(String s) {
    Matcher m = FORM.matcher(s.strip());
    if (s.isBlank() || !m.matches()) {
      throw new IllegalArgumentException(
          "quantities must match the regular expression '"
              + "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': "
              + s);
    }
    BigDecimal num = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
    String suffix = m.group(2);
    if (suffix != null) {
      if (suffix.startsWith("e") || suffix.startsWith("E")) {
        num = num.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
      } else {
        num = num.multiply(SUFFIX.get(suffix));
      }
    }
    return new Quantity(num, s.strip());
  }

  public static boolean isQuantity(String s) {
    try {
      parse(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public long sign() {
    return value.signum();
  }

  public boolean isInteger() {
    return value.stripTrailingZeros().scale() <= 0
        && value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
        && value.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0;
  }

  public long asInteger() {
    if (!isInteger()) {
      throw new ArithmeticException("cannot convert value to integer: " + text);
    }
    return value.longValueExact();
  }

  public double asApproximateFloat() {
    return value.doubleValue();
  }

  public Quantity add(Quantity o) {
    BigDecimal v = value.add(o.value, MathContext.DECIMAL128);
    return new Quantity(v, v.toPlainString());
  }

  public Quantity sub(Quantity o) {
    BigDecimal v = value.subtract(o.value, MathContext.DECIMAL128);
    return new Quantity(v, v.toPlainString());
  }

  @Override
  public int compareTo(Quantity o) {
    return value.compareTo(o.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quantity q && value.compareTo(q.value) == 0;
  }

  @Override
  public int hashCode() {
    return value.stripTrailingZeros().hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
