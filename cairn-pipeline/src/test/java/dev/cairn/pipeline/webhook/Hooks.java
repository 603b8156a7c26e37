package dev.cairn.pipeline.webhook;

import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import dev.cairn.pipeline.webhook.internal.Signatures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Payloads shaped as each forge sends them, and their signatures. */
final class Hooks {
  private Hooks() {}

  static final String SECRET = "test-secret-7f3a9c1e-do-not-leak";
  static final String ZERO = "0".repeat(40);
  static final String SHA_A = "a".repeat(40);
  static final String SHA_B = "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0";

  static Secret secret() {
    return Secret.ofUtf8(SECRET);
  }

  static String hmac(String body) {
    return Signatures.of(secret()).hmacHex(body.getBytes(StandardCharsets.UTF_8));
  }

  static String id() {
    return UUID.randomUUID().toString();
  }

  static List<Map<String, Object>> commits(String sha, List<String> added, List<String> modified) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("id", sha);
    c.put("message", "change");
    c.put("added", added);
    c.put("removed", List.of());
    c.put("modified", modified);
    List<Map<String, Object>> l = new ArrayList<>();
    l.add(c);
    return l;
  }

  /** A GitHub push event body. */
  static String githubPush(String ref, String before, String after, List<String> paths) {
    return githubPush(ref, before, after, paths, Instant.now());
  }

  static String githubPush(
      String ref, String before, String after, List<String> paths, Instant pushedAt) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ref", ref);
    m.put("before", before);
    m.put("after", after);
    boolean deleted = after.equals(ZERO);
    m.put("created", before.equals(ZERO));
    m.put("deleted", deleted);
    m.put("forced", false);
    m.put("commits", deleted ? List.of() : commits(after, paths, List.of()));
    m.put("head_commit", deleted ? null : commits(after, paths, List.of()).get(0));
    m.put(
        "repository",
        Map.of(
            "name", "app",
            "full_name", "team/app",
            "clone_url", "https://github.example/team/app.git",
            "pushed_at", pushedAt.getEpochSecond()));
    m.put("pusher", Map.of("name", "alice", "email", "alice@example.org"));
    m.put("sender", Map.of("login", "alice"));
    return Json.canonical(m);
  }

  static String gitlabPush(String kind, String ref, String before, String after) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("object_kind", kind);
    m.put("event_name", kind);
    m.put("before", before);
    m.put("after", after);
    m.put("ref", ref);
    m.put("checkout_sha", after.equals(ZERO) ? null : after);
    m.put("user_name", "Bob B");
    m.put("user_username", "bob");
    m.put(
        "project",
        Map.of(
            "name", "svc",
            "path_with_namespace", "group/svc",
            "git_http_url", "https://gitlab.example/group/svc.git"));
    List<Map<String, Object>> c =
        after.equals(ZERO) ? List.of() : commits(after, List.of("b.txt"), List.of("a.txt"));
    m.put("commits", c);
    m.put("total_commits_count", c.size());
    return Json.canonical(m);
  }

  static String giteaPush(String ref, String before, String after) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ref", ref);
    m.put("before", before);
    m.put("after", after);
    m.put("commits", commits(after, List.of("main.go"), List.of()));
    m.put("total_commits", 1);
    m.put(
        "repository",
        Map.of(
            "name", "tool",
            "full_name", "org/tool",
            "clone_url", "https://gitea.example/org/tool.git"));
    m.put("pusher", Map.of("login", "carol", "username", "carol"));
    return Json.canonical(m);
  }

  /** Headers GitHub sends with {@code body}, signed with {@link #SECRET}. */
  static Map<String, List<String>> github(String event, String delivery, String body) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("X-GitHub-Event", List.of(event));
    h.put("X-GitHub-Delivery", List.of(delivery));
    h.put("X-Hub-Signature-256", List.of("sha256=" + hmac(body)));
    h.put("Content-Type", List.of("application/json"));
    return h;
  }

  static Map<String, List<String>> gitlab(String event, String uuid, String token) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("X-Gitlab-Event", List.of(event));
    h.put("X-Gitlab-Event-UUID", List.of(uuid));
    h.put("X-Gitlab-Token", List.of(token));
    h.put("Content-Type", List.of("application/json"));
    return h;
  }

  /** Gitea's headers, which include GitHub's and Gogs' too. */
  static Map<String, List<String>> gitea(String event, String delivery, String body) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("X-Gitea-Event", List.of(event));
    h.put("X-Gitea-Delivery", List.of(delivery));
    h.put("X-Gitea-Signature", List.of(hmac(body)));
    h.put("X-GitHub-Event", List.of(event));
    h.put("X-GitHub-Delivery", List.of(delivery));
    h.put("Content-Type", List.of("application/json"));
    return h;
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
