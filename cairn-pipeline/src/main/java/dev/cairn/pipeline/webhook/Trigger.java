package dev.cairn.pipeline.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A verified push of a branch or a tag that passed the filter: what a pipeline run starts from.
 * Nothing here is secret; the clone URL never carries credentials (a user-info part is stripped
 * when the payload is read).
 *
 * @param source the forge it came from
 * @param deliveryId the forge's id of this delivery (unique per delivery)
 * @param repository the repository pushed to
 * @param ref the full ref, {@code refs/heads/...} or {@code refs/tags/...}
 * @param commit the commit to build (hex SHA-1 or SHA-256), exactly as pushed
 * @param before the ref's previous commit (all zeros for a new ref)
 * @param pusher who pushed, as the forge names them ({@code ""} when it does not say)
 * @param changedPaths the paths the pushed commits added, modified or removed, sorted
 * @param pathsComplete whether {@code changedPaths} is the whole list (forges truncate long pushes:
 *     GitHub at 2048 commits, GitLab at 20)
 * @param receivedAt when the request arrived
 */
public record Trigger(
    SourceKind source,
    String deliveryId,
    Repository repository,
    String ref,
    String commit,
    String before,
    String pusher,
    List<String> changedPaths,
    boolean pathsComplete,
    Instant receivedAt) {
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  /**
   * @param name the short name ({@code app})
   * @param fullName the name with its owner ({@code team/app})
   * @param cloneUrl the HTTP(S) URL to clone from
   */
  public record Repository(String name, String fullName, String cloneUrl) {
    public Repository {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(fullName, "fullName");
      Objects.requireNonNull(cloneUrl, "cloneUrl");
      if (cloneUrl.isEmpty()) {
        throw new IllegalArgumentException("a repository needs a clone URL");
      }
    }
  }

  public Trigger {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(pusher, "pusher");
    Objects.requireNonNull(receivedAt, "receivedAt");
    if (!ref.startsWith(BRANCH_PREFIX) && !ref.startsWith(TAG_PREFIX)) {
      throw new IllegalArgumentException("not a branch or tag ref: " + ref);
    }
    if (!SHA.matcher(commit).matches()) {
      throw new IllegalArgumentException("not a commit SHA: " + commit);
    }
    if (!SHA.matcher(before).matches()) {
      throw new IllegalArgumentException("not a commit SHA: " + before);
    }
    changedPaths = List.copyOf(changedPaths);
  }

  static final String BRANCH_PREFIX = "refs/heads/";
  static final String TAG_PREFIX = "refs/tags/";

  /** Whether a tag was pushed (else a branch). */
  public boolean isTag() {
    return ref.startsWith(TAG_PREFIX);
  }

  /** The branch's name ({@code main}) when a branch was pushed. */
  public Optional<String> branch() {
    return isTag() ? Optional.empty() : Optional.of(ref.substring(BRANCH_PREFIX.length()));
  }

  /** The tag's name ({@code v1.2.0}) when a tag was pushed. */
  public Optional<String> tag() {
    return isTag() ? Optional.of(ref.substring(TAG_PREFIX.length())) : Optional.empty();
  }

  /** The branch or tag name without its {@code refs/...} prefix. */
  public String refName() {
    return isTag() ? ref.substring(TAG_PREFIX.length()) : ref.substring(BRANCH_PREFIX.length());
  }
}
