package dev.cairn.pipeline.webhook;

import java.util.Locale;
import java.util.Optional;

/** The forge a webhook comes from, by the rules its request is verified with. */
public enum SourceKind {
  /** GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}. */
  GITHUB,
  /** GitLab: {@code X-Gitlab-Token: <the secret itself>}. */
  GITLAB,
  /** Gitea and Forgejo: {@code X-Gitea-Signature} / {@code X-Forgejo-Signature: <hex HMAC>}. */
  GITEA;

  /** The lower-case name used in paths ({@code /hooks/github}), audit records and JSON. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind named {@code id} ({@code github}, {@code gitlab}, {@code gitea}), or empty. */
  public static Optional<SourceKind> byId(String id) {
    for (SourceKind k : values()) {
      if (k.id().equals(id)) {
        return Optional.of(k);
      }
    }
    if (id.equals("forgejo")) {
      return Optional.of(GITEA);
    }
    return Optional.empty();
  }
}
