package dev.cairn.attest.tee.intel.internal;

import dev.cairn.core.Json;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A signed Intel collateral response, {@code {"tcbInfo":{...},"signature":"hex"}} or {@code
 * {"enclaveIdentity":{...},"signature":"hex"}}: Intel signs the exact bytes of the inner object as
 * they stand in the response, so this keeps them.
 *
 * @param body the inner object, parsed from exactly the signed bytes
 * @param signedBytes the inner object's bytes in the response
 * @param signature r and s, 64 bytes
 */
public record SignedJson(Map<String, Object> body, byte[] signedBytes, byte[] signature) {

  public static SignedJson parse(String text, String key) throws IOException {
    Map<String, Object> whole = Json.parseObject(text);
    if (!(whole.get(key) instanceof Map<?, ?>)) {
      throw new IOException("has no \"" + key + "\" object");
    }
    if (!(whole.get("signature") instanceof String sigHex)) {
      throw new IOException("has no \"signature\" string");
    }
    byte[] sig;
    try {
      sig = HexFormat.of().parseHex(sigHex);
    } catch (IllegalArgumentException e) {
      throw new IOException("\"signature\" is not hex");
    }
    if (sig.length != 64) {
      throw new IOException("\"signature\" has " + sig.length + " bytes, not 64");
    }
    String raw = topLevelValue(text, key);
    Map<String, Object> body = Json.parseObject(raw);
    return new SignedJson(body, raw.getBytes(java.nio.charset.StandardCharsets.UTF_8), sig);
  }

  /** The text of the value of {@code key} in the top-level object (which is valid JSON). */
  private static String topLevelValue(String text, String key) throws IOException {
    int i = skipWs(text, 0);
    if (i >= text.length() || text.charAt(i) != '{') {
      throw new IOException("is not a JSON object");
    }
    i++;
    while (true) {
      i = skipWs(text, i);
      if (i >= text.length() || text.charAt(i) != '"') {
        throw new IOException("has no \"" + key + "\" member");
      }
      int keyEnd = endOfString(text, i);
      String k = text.substring(i + 1, keyEnd - 1);
      i = skipWs(text, keyEnd);
      i = skipWs(text, i + 1); // past ':'
      int valueEnd = endOfValue(text, i);
      if (k.equals(key)) {
        return text.substring(i, valueEnd);
      }
      i = skipWs(text, valueEnd);
      if (i < text.length() && text.charAt(i) == ',') {
        i++;
      } else {
        throw new IOException("has no \"" + key + "\" member");
      }
    }
  }

  private static int skipWs(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int endOfString(String s, int i) throws IOException {
    for (int j = i + 1; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == '"') {
        return j + 1;
      }
    }
    throw new IOException("has an unterminated string");
  }

  private static int endOfValue(String s, int i) throws IOException {
    if (i >= s.length()) {
      throw new IOException("ends early");
    }
    char c = s.charAt(i);
    if (c == '"') {
      return endOfString(s, i);
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      for (int j = i; j < s.length(); j++) {
        char d = s.charAt(j);
        if (d == '"') {
          j = endOfString(s, j) - 1;
        } else if (d == '{' || d == '[') {
          depth++;
        } else if (d == '}' || d == ']') {
          depth--;
          if (depth == 0) {
            return j + 1;
          }
        }
      }
      throw new IOException("has an unterminated object");
    }
    int j = i;
    while (j < s.length() && ",}] \t\r\n".indexOf(s.charAt(j)) < 0) {
      j++;
    }
    return j;
  }
}
