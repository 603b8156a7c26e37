package dev.cairn.server.auth;

import dev.cairn.core.AtomicFiles;
import dev.cairn.core.Digest;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.core.Text;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.server.ServerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Tokens in one JSON file, replaced atomically and owner-only, each as its salt and PBKDF2 hash. A
 * token verified once is remembered for this process by its SHA-256 (never by itself), so that a
 * request does not pay 210 000 HMAC rounds each time; revoking it forgets it.
 */
final class FileTokenStore implements TokenStore {
  /** {@code cairn_} + 12 hex id + {@code _} + 32 random bytes as unpadded base64url. */
  static final Pattern FORM = Pattern.compile("cairn_([0-9a-f]{12})_([A-Za-z0-9_-]{43})");

  private record Entry(ApiToken token, byte[] salt, byte[] hash, int iterations) {}

  private final Path file;
  private final int iterations;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /** SHA-256 of a verified token → its id. */
  private final Map<String, String> verified = new ConcurrentHashMap<>();

  /** The file's modification time and size when last read or written: a change is reread. */
  private @Nullable String stamp;

  private FileTokenStore(Path file, int iterations) {
    this.file = file;
    this.iterations = iterations;
  }

  static FileTokenStore open(Path file, int iterations) throws ServerException {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations: " + iterations);
    }
    FileTokenStore s = new FileTokenStore(file, iterations);
    s.load();
    return s;
  }

  private @Nullable String stampNow() {
    try {
      return Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file);
    } catch (IOException e) {
      return null;
    }
  }

  /** Rereads the file when another process (the CLI) changed it. */
  private synchronized void refresh() throws ServerException {
    String now = stampNow();
    if (now != null && !now.equals(stamp)) {
      entries.clear();
      verified.clear();
      load();
    }
  }

  @SuppressWarnings("unchecked")
  private void load() throws ServerException {
    if (!Files.exists(file)) {
      return;
    }
    stamp = stampNow();
    try {
      Map<String, Object> doc = Json.parseObject(Files.readString(file));
      Object list = doc.get("tokens");
      if (!(list instanceof List<?> l)) {
        throw new IOException("no \"tokens\" list");
      }
      Base64.Decoder b64 = Base64.getDecoder();
      for (Object o : l) {
        Map<String, Object> m = (Map<String, Object>) o;
        Set<Duty> duties = EnumSet.noneOf(Duty.class);
        for (Object d : (List<Object>) need(m, "duties")) {
          duties.add(
              Duty.parse(String.valueOf(d))
                  .orElseThrow(() -> new IOException("unknown duty " + Text.escape("" + d))));
        }
        Object rev = m.get("revoked");
        ApiToken t =
            new ApiToken(
                (String) need(m, "id"),
                (String) need(m, "name"),
                duties,
                Instant.parse((String) need(m, "created")),
                rev == null ? null : Instant.parse((String) rev));
        entries.put(
            t.id(),
            new Entry(
                t,
                b64.decode((String) need(m, "salt")),
                b64.decode((String) need(m, "hash")),
                ((Number) need(m, "iterations")).intValue()));
      }
    } catch (IOException | RuntimeException e) {
      throw new ServerException(
          "cannot read the token store " + file + ": " + e.getMessage(),
          "restore it from a backup, or move it away and make new tokens",
          e);
    }
  }

  private static Object need(Map<String, Object> m, String key) throws IOException {
    Object v = m.get(key);
    if (v == null) {
      throw new IOException("a token without \"" + key + "\"");
    }
    return v;
  }

  private void save() throws ServerException {
    List<Object> list = new ArrayList<>();
    Base64.Encoder b64 = Base64.getEncoder();
    for (Entry e : entries.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", e.token().id());
      m.put("name", e.token().name());
      m.put("duties", e.token().duties().stream().sorted().map(Duty::title).toList());
      m.put("created", e.token().created().toString());
      m.put("revoked", e.token().revoked() == null ? null : e.token().revoked().toString());
      m.put("kdf", "PBKDF2WithHmacSHA256");
      m.put("iterations", e.iterations());
      m.put("salt", b64.encodeToString(e.salt()));
      m.put("hash", b64.encodeToString(e.hash()));
      list.add(m);
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      AtomicFiles.write(
          file, Json.pretty(Map.of("tokens", list)).getBytes(StandardCharsets.UTF_8), true);
      stamp = stampNow();
    } catch (IOException e) {
      throw new ServerException(
          "cannot write the token store " + file + ": " + Text.describe(e),
          "check that Cairn's home is writable",
          e);
    }
  }

  @Override
  public synchronized Issued create(String name, Set<Duty> duties, Instant now)
      throws ServerException {
    refresh();
    if (!ApiToken.NAME.matcher(name).matches()) {
      throw new ServerException(
          "'" + Text.escape(name) + "' is not a token name",
          "use letters, digits, '.', '_' and '-' (at most 64), starting with a letter or digit");
    }
    if (duties.isEmpty()) {
      throw new ServerException("a token needs a duty", "give one of Dev, Sec, Ops, Viewer");
    }
    String id;
    do {
      byte[] idBytes = new byte[6];
      random.nextBytes(idBytes);
      id = HexFormat.of().formatHex(idBytes);
    } while (entries.containsKey(id));
    byte[] secretPart = new byte[32];
    random.nextBytes(secretPart);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secretPart);
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    ApiToken t = new ApiToken(id, name, duties, now, null);
    entries.put(id, new Entry(t, salt, pbkdf2(secretText, salt, iterations), iterations));
    try {
      save();
    } catch (ServerException e) {
      entries.remove(id);
      throw e;
    }
    return new Issued(t, Secret.ofUtf8("cairn_" + id + "_" + secretText));
  }

  @Override
  public Optional<ApiToken> authenticate(Secret presented) throws ServerException {
    String text = new String(presented.bytes(), StandardCharsets.UTF_8);
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String fingerprint = Digest.sha256(text).toString();
    Entry e;
    synchronized (this) {
      refresh();
      e = entries.get(m.group(1));
    }
    if (e == null || !e.token().active()) {
      return Optional.empty();
    }
    String known = verified.get(fingerprint);
    if (known != null && known.equals(e.token().id())) {
      return Optional.of(e.token());
    }
    byte[] h = pbkdf2(m.group(2), e.salt(), e.iterations());
    if (!MessageDigest.isEqual(h, e.hash())) {
      return Optional.empty();
    }
    synchronized (this) {
      Entry now = entries.get(e.token().id());
      if (now == null || !now.token().active()) {
        return Optional.empty();
      }
      verified.put(fingerprint, now.token().id());
      return Optional.of(now.token());
    }
  }

  @Override
  public synchronized List<ApiToken> list() throws ServerException {
    refresh();
    return entries.values().stream().map(Entry::token).toList();
  }

  @Override
  public synchronized boolean revoke(String id, Instant now) throws ServerException {
    refresh();
    Entry e = entries.get(id);
    if (e == null || !e.token().active()) {
      return false;
    }
    ApiToken t = e.token();
    entries.put(
        id,
        new Entry(
            new ApiToken(t.id(), t.name(), t.duties(), t.created(), now),
            e.salt(),
            e.hash(),
            e.iterations()));
    verified.values().removeIf(id::equals);
    try {
      save();
    } catch (ServerException ex) {
      entries.put(id, e);
      throw ex;
    }
    return true;
  }

  static byte[] pbkdf2(String secret, byte[] salt, int iterations) {
    char[] chars = secret.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
    } finally {
      spec.clearPassword();
      java.util.Arrays.fill(chars, '\0');
    }
  }

  @Override
  public void close() {
    verified.clear();
  }

  @Override
  public String toString() {
    return "FileTokenStore[" + file + ", " + entries.size() + " tokens]";
  }
}
