package dev.cairn.pipeline.webhook.internal;

import dev.cairn.core.Json;
import dev.cairn.pipeline.webhook.Trigger;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The forges' event payloads, read only after the signature held: GitHub's and Gitea's push (the
 * same shape: {@code ref}, {@code before}, {@code after}, {@code commits[].added/modified/removed},
 * {@code repository.clone_url}), GitLab's {@code Push Hook} and {@code Tag Push Hook} ({@code
 * checkout_sha}, {@code project.git_http_url}, {@code total_commits_count}).
 */
public final class Payloads {
  private Payloads() {}

  /** What kind of event a verified request carries. */
  public enum Kind {
    PUSH,
    PING,
    /** Anything else the forge sends (issues, a Gitea {@code delete} or {@code create}, …). */
    OTHER
  }

  /**
   * One event.
   *
   * @param kind what it is
   * @param name the forge's own event name ({@code push}, {@code Tag Push Hook})
   * @param push the push, for {@link Kind#PUSH}
   * @param pushedAt when the forge says the push happened (GitHub's signed {@code pushed_at})
   */
  public record Event(Kind kind, String name, @Nullable Push push, @Nullable Instant pushedAt) {}

  /**
   * A push as the forge describes it.
   *
   * @param ref the full ref
   * @param before the previous commit
   * @param after the new commit (all zeros for a deletion)
   * @param commit the commit to build (a tag's commit, not the tag object)
   * @param deleted whether the ref was deleted
   */
  public record Push(
      String ref,
      String before,
      String after,
      String commit,
      boolean deleted,
      Trigger.Repository repository,
      String pusher,
      List<String> paths,
      boolean pathsComplete) {}

  /** A verified payload that can't be used; its message goes back to the (authentic) sender. */
  public static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedException(String message) {
      super(message);
    }
  }

  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final int GITHUB_MAX_COMMITS = 2048;

  /** Whether {@code sha} is all zeros (a deleted or not yet existing ref). */
  public static boolean isZero(String sha) {
    return !sha.isEmpty() && sha.chars().allMatch(c -> c == '0');
  }

  /**
   * The JSON object in {@code body}: the body itself, or its {@code payload} form field when the
   * hook sends {@code application/x-www-form-urlencoded} (GitHub and Gitea can).
   */
  public static Map<String, Object> json(byte[] body, @Nullable String contentType)
      throws MalformedException {
    String text = new String(body, StandardCharsets.UTF_8);
    if (contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      String payload = null;
      for (String pair : text.split("&", -1)) {
        if (pair.startsWith("payload=")) {
          if (payload != null) {
            throw new MalformedException("the form has more than one payload field");
          }
          try {
            payload = URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8);
          } catch (IllegalArgumentException e) {
            throw new MalformedException("the form's payload field is not URL-encoded");
          }
        }
      }
      if (payload == null) {
        throw new MalformedException("the form has no payload field");
      }
      text = payload;
    }
    try {
      return Json.parseObject(text);
    } catch (IOException e) {
      throw new MalformedException("the body is not a JSON object");
    }
  }

  /** GitHub, by {@code X-GitHub-Event}. */
  public static Event github(String event, Map<String, Object> json) throws MalformedException {
    switch (event) {
      case "ping":
        return new Event(Kind.PING, event, null, null);
      case "push":
        break;
      default:
        return new Event(Kind.OTHER, event, null, null);
    }
    Map<String, Object> repo = object(json, "repository");
    String after = sha(json, "after");
    Map<String, Object> head = optionalObject(json, "head_commit");
    String commit = head != null && head.get("id") instanceof String id ? id : after;
    if (!SHA.matcher(commit).matches()) {
      throw new MalformedException("head_commit.id is not a commit SHA");
    }
    Map<String, Object> pusher = optionalObject(json, "pusher");
    List<Map<String, Object>> commits = commits(json);
    Push p =
        new Push(
            string(json, "ref"),
            sha(json, "before"),
            after,
            commit,
            Boolean.TRUE.equals(json.get("deleted")) || isZero(after),
            new Trigger.Repository(
                string(repo, "name"), text(repo, "full_name"), cloneUrl(string(repo, "clone_url"))),
            pusher == null ? "" : text(pusher, "name"),
            paths(commits),
            !commits.isEmpty() && commits.size() < GITHUB_MAX_COMMITS);
    return new Event(Kind.PUSH, event, p, pushedAt(repo.get("pushed_at")));
  }

  /** GitLab, by {@code X-Gitlab-Event}. */
  public static Event gitlab(String event, Map<String, Object> json) throws MalformedException {
    String kind;
    switch (event) {
      case "Push Hook":
        kind = "push";
        break;
      case "Tag Push Hook":
        kind = "tag_push";
        break;
      default:
        return new Event(Kind.OTHER, event, null, null);
    }
    if (!kind.equals(json.get("object_kind"))) {
      throw new MalformedException(
          "a " + event + " whose object_kind is not " + kind + ": " + json.get("object_kind"));
    }
    Map<String, Object> project = object(json, "project");
    String after = sha(json, "after");
    String commit = json.get("checkout_sha") instanceof String s && !s.isEmpty() ? s : after;
    if (!SHA.matcher(commit).matches()) {
      throw new MalformedException("checkout_sha is not a commit SHA");
    }
    String url =
        project.get("git_http_url") instanceof String s
            ? s
            : string(object(json, "repository"), "git_http_url");
    List<Map<String, Object>> commits = commits(json);
    long total =
        json.get("total_commits_count") instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    String user =
        json.get("user_username") instanceof String u && !u.isEmpty() ? u : text(json, "user_name");
    Push p =
        new Push(
            string(json, "ref"),
            sha(json, "before"),
            after,
            commit,
            isZero(after),
            new Trigger.Repository(
                string(project, "name"), text(project, "path_with_namespace"), cloneUrl(url)),
            user,
            paths(commits),
            !commits.isEmpty() && commits.size() == total);
    return new Event(Kind.PUSH, event, p, null);
  }

  /** Gitea and Forgejo, by {@code X-Gitea-Event} / {@code X-Forgejo-Event}. */
  public static Event gitea(String event, Map<String, Object> json) throws MalformedException {
    if (!event.equals("push")) {
      return new Event(Kind.OTHER, event, null, null);
    }
    Map<String, Object> repo = object(json, "repository");
    String after = sha(json, "after");
    Map<String, Object> pusher = optionalObject(json, "pusher");
    String who = "";
    if (pusher != null) {
      who = pusher.get("login") instanceof String l ? l : text(pusher, "username");
    }
    List<Map<String, Object>> commits = commits(json);
    long total = json.get("total_commits") instanceof Number n ? n.longValue() : commits.size();
    Push p =
        new Push(
            string(json, "ref"),
            sha(json, "before"),
            after,
            after,
            isZero(after),
            new Trigger.Repository(
                string(repo, "name"), text(repo, "full_name"), cloneUrl(string(repo, "clone_url"))),
            who,
            paths(commits),
            !commits.isEmpty() && commits.size() == total);
    return new Event(Kind.PUSH, event, p, null);
  }

  private static List<Map<String, Object>> commits(Map<String, Object> json)
      throws MalformedException {
    Object c = json.get("commits");
    if (c == null) {
      return List.of();
    }
    if (!(c instanceof List<?> l)) {
      throw new MalformedException("commits is not a list");
    }
    java.util.ArrayList<Map<String, Object>> out = new java.util.ArrayList<>();
    for (Object o : l) {
      out.add(asObject(o, "commits[]"));
    }
    return out;
  }

  private static List<String> paths(List<Map<String, Object>> commits) throws MalformedException {
    TreeSet<String> paths = new TreeSet<>();
    for (Map<String, Object> c : commits) {
      for (String key : List.of("added", "modified", "removed")) {
        Object v = c.get(key);
        if (v == null) {
          continue;
        }
        if (!(v instanceof List<?> l)) {
          throw new MalformedException("commits[]." + key + " is not a list");
        }
        for (Object p : l) {
          if (!(p instanceof String s)) {
            throw new MalformedException("commits[]." + key + " holds a non-string");
          }
          paths.add(s);
        }
      }
    }
    return List.copyOf(paths);
  }

  private static @Nullable Instant pushedAt(@Nullable Object v) {
    if (v instanceof Number n) {
      return Instant.ofEpochSecond(n.longValue());
    }
    if (v instanceof String s) {
      try {
        return Instant.parse(s);
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  /** The URL without a user-info part (a token in it would end up in run records). */
  static String cloneUrl(String url) throws MalformedException {
    try {
      URI u = new URI(url);
      if (u.getScheme() == null || u.getHost() == null) {
        throw new MalformedException("the clone URL has no scheme or host");
      }
      if (u.getRawUserInfo() == null) {
        return url;
      }
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null)
          .toString();
    } catch (URISyntaxException e) {
      throw new MalformedException("the clone URL is not a URL");
    }
  }

  private static Map<String, Object> object(Map<String, Object> json, String key)
      throws MalformedException {
    Object v = json.get(key);
    if (v == null) {
      throw new MalformedException("the payload has no " + key);
    }
    return asObject(v, key);
  }

  private static @Nullable Map<String, Object> optionalObject(Map<String, Object> json, String key)
      throws MalformedException {
    Object v = json.get(key);
    return v == null ? null : asObject(v, key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object v, String key) throws MalformedException {
    if (!(v instanceof Map<?, ?> m)) {
      throw new MalformedException(key + " is not an object");
    }
    return (Map<String, Object>) m;
  }

  private static String string(Map<String, Object> json, String key) throws MalformedException {
    if (!(json.get(key) instanceof String s) || s.isEmpty()) {
      throw new MalformedException("the payload has no " + key);
    }
    return s;
  }

  /** A string that may be absent ({@code ""} then). */
  private static String text(Map<String, Object> json, String key) throws MalformedException {
    Object v = json.get(key);
    if (v == null) {
      return "";
    }
    if (!(v instanceof String s)) {
      throw new MalformedException(key + " is not a string");
    }
    return s;
  }

  private static String sha(Map<String, Object> json, String key) throws MalformedException {
    String s = string(json, key);
    if (!SHA.matcher(s).matches()) {
      throw new MalformedException(key + " is not a commit SHA");
    }
    return s;
  }
}
