package dev.cairn.ledger.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * This module's Jackson, for JSON trees and streams; plain values go through {@code
 * dev.cairn.core.Json}. Configured as core's: ints are read as {@code Long}, which canonical JSON
 * and digests depend on.
 */
public final class Jackson {
  /** Shared; do not reconfigure it. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          // a key twice is an error: a certificate with two envelopes must not verify
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .build();

  private Jackson() {}

  /** A Jackson error in one line, without the source excerpt: {@code … at line 3, column 7}. */
  public static String oneLine(com.fasterxml.jackson.core.JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? "malformed JSON" : e.getOriginalMessage();
    var at = e.getLocation();
    return dev.cairn.core.Text.escape(m.replace('\n', ' '))
        + (at == null || at.getLineNr() < 1
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
  }
}
