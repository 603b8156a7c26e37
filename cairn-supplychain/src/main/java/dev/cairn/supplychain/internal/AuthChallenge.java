package dev.cairn.supplychain.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme and its parameters, e.g.
 * {@code Bearer realm="https://auth/token",service="registry",scope="repository:a:pull,push"}.
 * Quoted values may hold commas and escaped quotes; parameter names are case-insensitive.
 *
 * @param scheme lower case: {@code basic}, {@code bearer}
 */
public record AuthChallenge(String scheme, Map<String, String> params) {
  public AuthChallenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
  }

  /** Every challenge in a header value; malformed trailing text is ignored. */
  public static List<AuthChallenge> parseAll(String header) {
    List<AuthChallenge> out = new ArrayList<>();
    int i = 0;
    int n = header.length();
    while (i < n) {
      while (i < n && (header.charAt(i) == ',' || Character.isWhitespace(header.charAt(i)))) {
        i++;
      }
      int s = i;
      while (i < n && isTokenChar(header.charAt(i))) {
        i++;
      }
      if (i == s) {
        break;
      }
      String scheme = header.substring(s, i);
      Map<String, String> params = new LinkedHashMap<>();
      while (true) {
        int save = i;
        while (i < n && Character.isWhitespace(header.charAt(i))) {
          i++;
        }
        int ks = i;
        while (i < n && isTokenChar(header.charAt(i))) {
          i++;
        }
        String key = header.substring(ks, i);
        int j = i;
        while (j < n && Character.isWhitespace(header.charAt(j))) {
          j++;
        }
        if (key.isEmpty() || j >= n || header.charAt(j) != '=') {
          // not a parameter: the next challenge's scheme (or the end)
          i = key.isEmpty() ? i : save;
          break;
        }
        i = j + 1;
        while (i < n && Character.isWhitespace(header.charAt(i))) {
          i++;
        }
        StringBuilder value = new StringBuilder();
        if (i < n && header.charAt(i) == '"') {
          i++;
          while (i < n && header.charAt(i) != '"') {
            char c = header.charAt(i++);
            if (c == '\\' && i < n) {
              c = header.charAt(i++);
            }
            value.append(c);
          }
          i = Math.min(n, i + 1);
        } else {
          while (i < n && header.charAt(i) != ',' && !Character.isWhitespace(header.charAt(i))) {
            value.append(header.charAt(i++));
          }
        }
        params.put(key.toLowerCase(Locale.ROOT), value.toString());
        while (i < n && Character.isWhitespace(header.charAt(i))) {
          i++;
        }
        if (i < n && header.charAt(i) == ',') {
          i++;
        } else {
          break;
        }
      }
      out.add(new AuthChallenge(scheme, params));
    }
    return out;
  }

  /** The first challenge of {@code scheme} among all headers, if any. */
  public static Optional<AuthChallenge> find(List<String> headers, String scheme) {
    for (String h : headers) {
      for (AuthChallenge c : parseAll(h)) {
        if (c.scheme().equals(scheme)) {
          return Optional.of(c);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isTokenChar(char c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={} ".indexOf(c) < 0;
  }
}
