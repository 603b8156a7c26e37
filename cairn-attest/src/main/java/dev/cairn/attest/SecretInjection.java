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

  /** A command and environment with secrets in them; never printed. */
  public static final class Injected {
    private final List<String> args;
    private final Map<String, String> env;

    Injected(List<String> args, Map<String, String> env) {
      this.args = List.copyOf(args);
      this.env = Map.copyOf(env);
    }

    public List<String> args() {
      return args;
    }

    public Map<String, String> env() {
      return env;
    }

    /** The value after {@code flag} in the arguments, if any. */
    public java.util.Optional<String> option(String flag) {
      int i = args.indexOf(flag);
      return i >= 0 && i + 1 < args.size()
          ? java.util.Optional.of(args.get(i + 1))
          : java.util.Optional.empty();
    }

    @Override
    public String toString() {
      return "Injected[" + args.size() + " args, " + env.size() + " env vars, secrets hidden]";
    }
  }

  public static Injected inject(
      List<String> command, Map<String, String> env, Map<String, Secret> secrets)
      throws AttestationException {
    List<String> args = new ArrayList<>(command.size());
    for (String a : command) {
      args.add(replace(a, secrets));
    }
    Map<String, String> e = new LinkedHashMap<>();
    for (Map.Entry<String, String> en : env.entrySet()) {
      e.put(en.getKey(), replace(en.getValue(), secrets));
    }
    return new Injected(args, e);
  }

  private static String replace(String s, Map<String, Secret> secrets) throws AttestationException {
    Matcher m = PLACEHOLDER.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      Secret v = secrets.get(m.group(1));
      if (v == null) {
        throw new AttestationException(
            "the policy injects secret '"
                + m.group(1)
                + "', which was not released to this service",
            "release it to the service in the policy");
      }
      byte[] b = v.bytes();
      String text =
          m.group(2) != null
              ? new String(b, StandardCharsets.UTF_8)
              : Base64.getEncoder().encodeToString(b);
      java.util.Arrays.fill(b, (byte) 0);
      m.appendReplacement(sb, Matcher.quoteReplacement(text));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
