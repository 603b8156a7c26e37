package dev.cairn.attest;

import dev.cairn.core.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Injects released secrets into a measured service's command and environment by name, as SCONE
 * does: {@code $$CAIRN::name$$} becomes the secret in base64, {@code $$CAIRN::name:text$$} the
 * secret as UTF-8 text. Unknown names fail: a service never starts with a placeholder left in.
 */
public final class SecretInjection {
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$\\$CAIRN::([A-Za-z0-9_.-]+)(:text)?\\$\\$");

  private SecretInjection() {}

  /**
   * A command and environment with secrets in them: each argument and value is a {@link Secret} (it
   * may hold one), so none is ever printed.
   */
  public static final class Injected {
    private final List<Secret> args;
    private final Map<String, Secret> env;

    Injected(List<Secret> args, Map<String, Secret> env) {
      this.args = List.copyOf(args);
      this.env = Map.copyOf(env);
    }

    /** The arguments, as UTF-8 bytes. */
    public List<Secret> args() {
      return args;
    }

    /** The environment's values, as UTF-8 bytes. */
    public Map<String, Secret> env() {
      return env;
    }

    /** The argument after the first one equal to {@code flag}, if any. */
    public java.util.Optional<Secret> option(String flag) {
      Secret f = Secret.ofUtf8(flag);
      for (int i = 0; i + 1 < args.size(); i++) {
        if (args.get(i).equals(f)) {
          return java.util.Optional.of(args.get(i + 1));
        }
      }
      return java.util.Optional.empty();
    }

    /** Wipes every argument and value held here. */
    public void destroy() {
      args.forEach(Secret::destroy);
      env.values().forEach(Secret::destroy);
    }

    @Override
    public String toString() {
      return "Injected[" + args.size() + " args, " + env.size() + " env vars, secrets hidden]";
    }
  }

  public static Injected inject(
      List<String> command, Map<String, String> env, Map<String, Secret> secrets)
      throws AttestationException {
    List<Secret> args = new ArrayList<>(command.size());
    for (String a : command) {
      args.add(replace(a, secrets));
    }
    Map<String, Secret> e = new LinkedHashMap<>();
    for (Map.Entry<String, String> en : env.entrySet()) {
      e.put(en.getKey(), replace(en.getValue(), secrets));
    }
    return new Injected(args, e);
  }

  private static Secret replace(String s, Map<String, Secret> secrets) throws AttestationException {
    Matcher m = PLACEHOLDER.matcher(s);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int last = 0;
    while (m.find()) {
      Secret v = secrets.get(m.group(1));
      if (v == null) {
        throw new AttestationException(
            "the policy injects secret '"
                + m.group(1)
                + "', which was not released to this service",
            "release it to the service in the policy");
      }
      out.writeBytes(s.substring(last, m.start()).getBytes(StandardCharsets.UTF_8));
      byte[] b = v.bytes();
      byte[] text = m.group(2) != null ? b : Base64.getEncoder().encode(b);
      out.writeBytes(text);
      java.util.Arrays.fill(b, (byte) 0);
      java.util.Arrays.fill(text, (byte) 0);
      last = m.end();
    }
    out.writeBytes(s.substring(last).getBytes(StandardCharsets.UTF_8));
    byte[] all = out.toByteArray();
    Secret result = Secret.of(all);
    java.util.Arrays.fill(all, (byte) 0);
    return result;
  }
}
