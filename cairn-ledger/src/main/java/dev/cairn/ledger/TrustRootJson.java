package dev.cairn.ledger;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.ledger.TrustRoot.BuilderKey;
import dev.cairn.ledger.TrustRoot.BuilderMeasurement;
import dev.cairn.ledger.TrustRoot.Entry;
import dev.cairn.ledger.TrustRoot.Item;
import dev.cairn.ledger.TrustRoot.LedgerPin;
import dev.cairn.ledger.TrustRoot.LogKey;
import dev.cairn.ledger.TrustRoot.Measurement;
import dev.cairn.ledger.TrustRoot.PlatformKey;
import dev.cairn.ledger.TrustRoot.Policy;
import dev.cairn.ledger.TrustRoot.SigningKey;
import dev.cairn.ledger.internal.Jackson;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The JSON form of a {@link TrustRoot}, and the migration from the older trust.json. */
final class TrustRootJson {
  static final String MEDIA_TYPE_BASE = "application/vnd.cairn.trust-root+json";
  private static final String HINT = "pass the trust.json published with the attestation service";

  /** The lists of the document, in the order they are written; each holds one kind. */
  private static final List<String> LISTS =
      List.of(
          "policies",
          "measurements",
          "signingKeys",
          "platformKeys",
          "logKeys",
          "ledgers",
          "witnesses",
          "builderKeys",
          "builderMeasurements");

  /** The lists of version 4 (no builder keys and measurements). */
  private static final List<String> LISTS_V4 = LISTS.subList(0, 7);

  /** The lists of versions 2 and 3 (no witnesses). */
  private static final List<String> LISTS_V3 = LISTS.subList(0, 6);

  private static final Set<String> V1_FIELDS =
      Set.of(
          "logVerifierKey",
          "platformKeys",
          "policy",
          "measurements",
          "signingKey",
          "ledgerIssuer",
          "ledgerRegistry",
          "ledgerChainId");

  private TrustRootJson() {}

  static String write(TrustRoot root) {
    List<List<Map<String, Object>>> lists = new ArrayList<>();
    LISTS.forEach(l -> lists.add(new ArrayList<>()));
    for (Entry e : root.entries()) {
      Map<String, Object> m = item(e.item());
      Instant from = e.validFrom();
      Instant until = e.validUntil();
      if (from != null) {
        m.put("validFrom", from.toString());
      }
      if (until != null) {
        m.put("validUntil", until.toString());
      }
      lists.get(TrustRoot.rank(e.item())).add(m);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("mediaType", TrustRoot.MEDIA_TYPE);
    doc.put("acceptSnapshots", root.acceptsSnapshots());
    doc.put("acceptUnattestedBuilders", root.acceptsUnattestedBuilders());
    for (int i = 0; i < LISTS.size(); i++) {
      doc.put(LISTS.get(i), lists.get(i));
    }
    List<Map<String, Object>> cps = new ArrayList<>();
    for (Checkpoint c : root.checkpoints()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("origin", c.origin());
      m.put("size", c.size());
      m.put("root", Base64.getEncoder().encodeToString(c.root()));
      m.put("note", c.signedNote());
      cps.add(m);
    }
    doc.put("checkpoints", cps);
    doc.put("requiredWitnesses", root.requiredWitnesses());
    return Json.pretty(doc);
  }

  private static Map<String, Object> item(Item i) {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (i) {
      case Policy p -> {
        m.put("digest", p.digest().toString());
        if (!p.name().isEmpty()) {
          m.put("name", p.name());
          m.put("version", p.version());
        }
      }
      case Measurement x -> m.put("digest", x.digest().toString());
      case SigningKey k -> {
        m.put("keyId", k.keyId());
        m.put("key", Base64.getEncoder().encodeToString(k.key()));
      }
      case PlatformKey k -> {
        m.put("keyId", k.keyId());
        m.put("key", Base64.getEncoder().encodeToString(k.key()));
      }
      case LogKey k -> m.put("verifierKey", k.verifierKey());
      case LedgerPin p -> {
        m.put("registry", p.registry());
        m.put("chainId", p.chainId());
        m.put("issuer", p.issuer());
        if (p.contractVersion() != 1) {
          // absent: version 1, so that trust roots written before versions read and write alike
          m.put("contractVersion", p.contractVersion());
        }
      }
      case TrustRoot.WitnessKey w -> m.put("verifierKey", w.verifierKey());
      case BuilderKey k -> {
        m.put("keyId", k.keyId());
        m.put("key", Base64.getEncoder().encodeToString(k.spki()));
      }
      case BuilderMeasurement x -> m.put("digest", x.digest().toString());
    }
    return m;
  }

  /** A problem at a place in the document ({@code signingKeys[1].validFrom}). */
  private static final class Bad extends Exception {
    private static final long serialVersionUID = 1L;

    Bad(String message) {
      super(message);
    }
  }

  static TrustRoot read(String json) throws CairnException {
    JsonNode doc;
    try {
      doc =
          Jackson.MAPPER
              .reader()
              .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
              .readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw notTrust(
          e.getOriginalMessage()
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
    } catch (java.io.IOException e) {
      throw notTrust(String.valueOf(e.getMessage()));
    }
    if (doc == null || !doc.isObject()) {
      throw notTrust("the document is not a JSON object");
    }
    try {
      JsonNode mt = doc.get("mediaType");
      if (mt == null) {
        if (!doc.has("signingKey")) {
          throw new Bad(
              "it has neither a mediaType nor the fields of the older trust.json (signingKey, …)");
        }
        return v1(doc);
      }
      if (!mt.isTextual()) {
        throw new Bad("mediaType is not a string");
      }
      String type = mt.asText();
      if (type.equals(TrustRoot.MEDIA_TYPE_V2)) {
        return v2(doc);
      }
      if (type.equals(TrustRoot.MEDIA_TYPE_V3)) {
        return v3(doc, 3);
      }
      if (type.equals(TrustRoot.MEDIA_TYPE_V4)) {
        return v3(doc, 4);
      }
      if (!type.equals(TrustRoot.MEDIA_TYPE)) {
        if (type.startsWith(MEDIA_TYPE_BASE)) {
          throw new CairnException(
              "trust root "
                  + type
                  + " is a version this Cairn does not read (it reads "
                  + TrustRoot.MEDIA_TYPE
                  + ", version=4, version=3, version=2 and the older trust.json)",
              "upgrade Cairn to one that reads it, or use a trust.json this version wrote");
        }
        throw new Bad("mediaType is " + type + ", not " + TrustRoot.MEDIA_TYPE);
      }
      return v3(doc, 5);
    } catch (Bad e) {
      throw notTrust(String.valueOf(e.getMessage()));
    }
  }

  private static CairnException notTrust(String why) {
    return new CairnException("not a Cairn trust file: " + why, HINT);
  }

  /**
   * Version 3: the lists of v2, the snapshot setting and the pinned checkpoints; version 4 adds the
   * witnesses and how many must cosign; version 5 (the current one) the builder keys and
   * measurements and the unattested builder setting.
   */
  private static TrustRoot v3(JsonNode doc, int version) throws Bad {
    boolean v4 = version >= 4;
    boolean v5 = version >= 5;
    List<String> fields = new ArrayList<>(v5 ? LISTS : v4 ? LISTS_V4 : LISTS_V3);
    fields.add("acceptSnapshots");
    fields.add("checkpoints");
    if (v4) {
      fields.add("requiredWitnesses");
    }
    if (v5) {
      fields.add("acceptUnattestedBuilders");
    }
    only(doc, "", concat("mediaType", fields));
    int required = 0;
    if (v4) {
      JsonNode r = doc.get("requiredWitnesses");
      if (r == null || !r.isIntegralNumber() || !r.canConvertToInt() || r.asInt() < 0) {
        throw new Bad("requiredWitnesses is missing or not a whole number of 0 or more");
      }
      required = r.asInt();
    }
    boolean unattested = false;
    if (v5) {
      JsonNode u = doc.get("acceptUnattestedBuilders");
      if (u == null || !u.isBoolean()) {
        throw new Bad("acceptUnattestedBuilders is missing or not true or false");
      }
      unattested = u.asBoolean();
    }
    JsonNode accept = doc.get("acceptSnapshots");
    if (accept == null || !accept.isBoolean()) {
      throw new Bad("acceptSnapshots is missing or not true or false");
    }
    JsonNode l = doc.get("checkpoints");
    if (l == null || !l.isArray()) {
      throw new Bad("checkpoints is missing or not a list");
    }
    List<Checkpoint> cps = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      String at = "checkpoints[" + i + "]";
      JsonNode n = l.get(i);
      if (!n.isObject()) {
        throw new Bad(at + " is not an object");
      }
      only(n, at + ".", Set.of("origin", "size", "root", "note"));
      cps.add(checkpoint(n, at));
    }
    try {
      return new TrustRoot(entries(doc, version), accept.asBoolean(), cps, required, unattested);
    } catch (IllegalArgumentException e) {
      throw new Bad(String.valueOf(e.getMessage()));
    }
  }

  private static Checkpoint checkpoint(JsonNode n, String at) throws Bad {
    String origin = text(n, at, "origin");
    JsonNode size = n.get("size");
    if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
      throw new Bad(at + ".size is missing or not a whole number");
    }
    byte[] root = base64(text(n, at, "root"), at + ".root");
    String note = text(n, at, "note");
    Checkpoint c;
    try {
      c = Checkpoint.parse(note);
    } catch (LedgerException e) {
      throw new Bad(at + ".note is not a checkpoint: " + e.getMessage());
    }
    if (!c.origin().equals(origin)
        || c.size() != size.asLong()
        || !java.util.Arrays.equals(c.root(), root)) {
      throw new Bad(at + ".note does not say the origin, size and root beside it");
    }
    return c;
  }

  private static TrustRoot v2(JsonNode doc) throws Bad {
    only(doc, "", concat("mediaType", LISTS_V3));
    return root(entries(doc, 2));
  }

  private static List<Entry> entries(JsonNode doc, int version) throws Bad {
    List<Entry> entries = new ArrayList<>();
    list(doc, "policies", entries, (n, at) -> policy(n, at));
    list(doc, "measurements", entries, (n, at) -> new Measurement(digest(n, at, "digest")));
    list(doc, "signingKeys", entries, (n, at) -> new SigningKey(key(n, at)));
    list(doc, "platformKeys", entries, (n, at) -> new PlatformKey(key(n, at)));
    list(doc, "logKeys", entries, (n, at) -> logKey(text(n, at, "verifierKey"), at));
    list(doc, "ledgers", entries, (n, at) -> pin(n, at));
    if (version >= 4) {
      list(doc, "witnesses", entries, (n, at) -> witness(text(n, at, "verifierKey"), at));
    }
    if (version >= 5) {
      list(doc, "builderKeys", entries, (n, at) -> builderKey(n, at));
      list(
          doc,
          "builderMeasurements",
          entries,
          (n, at) -> new BuilderMeasurement(digest(n, at, "digest")));
    }
    return entries;
  }

  private interface ItemReader {
    Item read(JsonNode n, String at) throws Bad;
  }

  private static void list(JsonNode doc, String name, List<Entry> out, ItemReader r) throws Bad {
    JsonNode l = doc.get(name);
    if (l == null || !l.isArray()) {
      throw new Bad(name + " is missing or not a list");
    }
    Set<String> fields = fieldsOf(name);
    for (int i = 0; i < l.size(); i++) {
      String at = name + "[" + i + "]";
      JsonNode n = l.get(i);
      if (!n.isObject()) {
        throw new Bad(at + " is not an object");
      }
      only(n, at + ".", fields);
      Item item = r.read(n, at);
      try {
        out.add(new Entry(item, instant(n, at, "validFrom"), instant(n, at, "validUntil")));
      } catch (IllegalArgumentException e) {
        throw new Bad(at + ": " + e.getMessage());
      }
    }
  }

  private static Set<String> fieldsOf(String list) {
    Set<String> s =
        switch (list) {
          case "policies" -> Set.of("digest", "name", "version");
          case "measurements" -> Set.of("digest");
          case "signingKeys", "platformKeys" -> Set.of("keyId", "key");
          case "logKeys" -> Set.of("verifierKey");
          case "ledgers" -> Set.of("registry", "chainId", "issuer", "contractVersion");
          case "witnesses" -> Set.of("verifierKey");
          case "builderKeys" -> Set.of("keyId", "key");
          case "builderMeasurements" -> Set.of("digest");
          default -> throw new IllegalArgumentException(list);
        };
    return concat(s, List.of("validFrom", "validUntil"));
  }

  private static Policy policy(JsonNode n, String at) throws Bad {
    Digest d = digest(n, at, "digest");
    if (!n.has("name") && !n.has("version")) {
      return Policy.of(d);
    }
    JsonNode v = n.get("version");
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
      throw new Bad(at + ".version is missing or not a positive whole number");
    }
    String name = text(n, at, "name");
    if (name.isEmpty()) {
      throw new Bad(at + ".name is empty");
    }
    return new Policy(d, name, v.asInt());
  }

  private static byte[] key(JsonNode n, String at) throws Bad {
    byte[] k = base64(text(n, at, "key"), at + ".key");
    if (k.length != 32) {
      throw new Bad(at + ".key is not a raw 32-byte Ed25519 public key");
    }
    if (n.has("keyId") && !text(n, at, "keyId").equals(Digest.sha256(k).toString())) {
      throw new Bad(at + ".keyId does not match its key");
    }
    return k;
  }

  private static BuilderKey builderKey(JsonNode n, String at) throws Bad {
    byte[] k = base64(text(n, at, "key"), at + ".key");
    BuilderKey key;
    try {
      key = new BuilderKey(k);
    } catch (IllegalArgumentException e) {
      throw new Bad(
          at + ".key is not an ECDSA P-256 public key (base64 of its SubjectPublicKeyInfo DER)");
    }
    if (n.has("keyId") && !text(n, at, "keyId").equals(key.keyId())) {
      throw new Bad(at + ".keyId does not match its key");
    }
    return key;
  }

  private static LogKey logKey(String verifierKey, String at) throws Bad {
    try {
      return new LogKey(verifierKey);
    } catch (IllegalArgumentException e) {
      throw new Bad(at + ".verifierKey is " + e.getMessage());
    }
  }

  private static TrustRoot.WitnessKey witness(String verifierKey, String at) throws Bad {
    try {
      return new TrustRoot.WitnessKey(verifierKey);
    } catch (IllegalArgumentException e) {
      throw new Bad(at + ".verifierKey is " + e.getMessage());
    }
  }

  private static LedgerPin pin(JsonNode n, String at) throws Bad {
    JsonNode c = n.get("chainId");
    if (c == null || !c.isIntegralNumber() || !c.canConvertToLong()) {
      throw new Bad(at + ".chainId is missing or not a whole number");
    }
    JsonNode v = n.get("contractVersion");
    if (v != null && (!v.isIntegralNumber() || !v.canConvertToInt())) {
      throw new Bad(at + ".contractVersion is not a whole number");
    }
    try {
      return new LedgerPin(
          text(n, at, "registry"), c.asLong(), text(n, at, "issuer"), v == null ? 1 : v.asInt());
    } catch (IllegalArgumentException e) {
      throw new Bad(at + ": " + e.getMessage());
    }
  }

  /** The older trust.json: one of everything, trusted since before the root, still open. */
  private static TrustRoot v1(JsonNode doc) throws Bad {
    only(doc, "", V1_FIELDS);
    List<Entry> entries = new ArrayList<>();
    entries.add(open(logKey(text(doc, "", "logVerifierKey"), "logVerifierKey")));
    each(doc, "platformKeys", (n, at) -> new PlatformKey(key32(n, at)), entries);
    entries.add(open(Policy.of(digest(doc, "", "policy"))));
    each(doc, "measurements", (n, at) -> new Measurement(digest(n, at)), entries);
    entries.add(open(new SigningKey(key32(doc.get("signingKey"), "signingKey"))));
    String issuer = optionalText(doc, "ledgerIssuer");
    String registry = optionalText(doc, "ledgerRegistry");
    if (!issuer.isEmpty() && !registry.isEmpty()) {
      JsonNode c = doc.get("ledgerChainId");
      if (c == null || !c.isIntegralNumber() || !c.canConvertToLong()) {
        throw new Bad("ledgerChainId is missing or not a whole number");
      }
      try {
        entries.add(open(new LedgerPin(registry, c.asLong(), issuer)));
      } catch (IllegalArgumentException e) {
        throw new Bad("ledgerRegistry: " + e.getMessage());
      }
    }
    return root(entries);
  }

  private static Entry open(Item i) {
    return new Entry(i, null, null);
  }

  private static void each(JsonNode doc, String name, ItemReader r, List<Entry> out) throws Bad {
    JsonNode l = doc.get(name);
    if (l == null || !l.isArray()) {
      throw new Bad(name + " is missing or not a list");
    }
    for (int i = 0; i < l.size(); i++) {
      out.add(open(r.read(l.get(i), name + "[" + i + "]")));
    }
  }

  private static TrustRoot root(List<Entry> entries) throws Bad {
    try {
      return new TrustRoot(entries);
    } catch (IllegalArgumentException e) {
      throw new Bad(String.valueOf(e.getMessage()));
    }
  }

  private static void only(JsonNode n, String prefix, Set<String> allowed) throws Bad {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new Bad(prefix + f + " is not a field of a trust root (misspelt?)");
      }
    }
  }

  private static String text(JsonNode n, String at, String field) throws Bad {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new Bad(name(at, field) + " is missing or not a string");
    }
    return v.asText();
  }

  private static String optionalText(JsonNode n, String field) throws Bad {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw new Bad(field + " is not a string");
    }
    return v.asText();
  }

  private static Digest digest(JsonNode n, String at, String field) throws Bad {
    return digest(text(n, at, field), name(at, field));
  }

  private static Digest digest(JsonNode n, String at) throws Bad {
    if (!n.isTextual()) {
      throw new Bad(at + " is not a string");
    }
    return digest(n.asText(), at);
  }

  private static Digest digest(String s, String at) throws Bad {
    try {
      return Digest.parse(s);
    } catch (IllegalArgumentException e) {
      throw new Bad(at + " is not a sha256 digest: " + s);
    }
  }

  private static byte[] key32(@Nullable JsonNode n, String at) throws Bad {
    if (n == null || !n.isTextual()) {
      throw new Bad(at + " is missing or not a string");
    }
    byte[] k = base64(n.asText(), at);
    if (k.length != 32) {
      throw new Bad(at + " is not a raw 32-byte Ed25519 public key");
    }
    return k;
  }

  private static byte[] base64(String s, String at) throws Bad {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new Bad(at + " is not base64");
    }
  }

  private static @Nullable Instant instant(JsonNode n, String at, String field) throws Bad {
    JsonNode v = n.get(field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw new Bad(
          name(at, field) + " is not a time (an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z)");
    }
    try {
      return Instant.parse(v.asText());
    } catch (DateTimeException e) {
      throw new Bad(
          name(at, field)
              + " is not a time (an ISO-8601 instant, e.g. 2026-01-31T12:00:00Z): "
              + v.asText());
    }
  }

  private static String name(String at, String field) {
    return at.isEmpty() ? field : at + "." + field;
  }

  private static Set<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(rest);
    all.add(first);
    return Set.copyOf(all);
  }

  private static Set<String> concat(Set<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
