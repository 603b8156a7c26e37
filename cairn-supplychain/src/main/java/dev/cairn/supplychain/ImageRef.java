package dev.cairn.supplychain;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.core.Fix;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An image reference: {@code registry/repository[:tag][@sha256:hex]}, parsed as Docker does. The
 * first path component is the registry when it has a {@code .} or a {@code :} or is {@code
 * localhost}; otherwise the registry is {@code docker.io} and a one-component repository is under
 * {@code library/}. No tag is assumed: a reference with neither tag nor digest names a repository.
 *
 * @param registry {@code host[:port]}
 * @param repository the repository path, e.g. {@code team/app}
 */
public record ImageRef(
    String registry, String repository, @Nullable String tag, @Nullable Digest digest) {
  public static final String DOCKER_HUB = "docker.io";

  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
              + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");
  private static final String HINT =
      "write it as registry/repository:tag or registry/repository@sha256:<64 hex digits>";

  public ImageRef {
    if (!HOST.matcher(registry).matches()) {
      throw new IllegalArgumentException("not a registry host: " + registry);
    }
    for (String c : repository.split("/", -1)) {
      if (!COMPONENT.matcher(c).matches()) {
        throw new IllegalArgumentException("not a repository path: " + repository);
      }
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("not a tag: " + tag);
    }
  }

  /**
   * Parses a reference.
   *
   * @throws CairnException naming what is wrong, with a hint
   */
  public static ImageRef parse(String text) throws CairnException {
    String s = text.strip();
    if (s.isEmpty()) {
      throw bad(text, "is empty");
    }
    Digest digest = null;
    int at = s.indexOf('@');
    if (at >= 0) {
      String d = s.substring(at + 1);
      if (!d.startsWith("sha256:")) {
        throw bad(text, "has digest '" + d + "', which is not sha256:<hex>");
      }
      try {
        digest = Digest.parse(d);
      } catch (IllegalArgumentException e) {
        throw bad(text, "has digest '" + d + "', which is not sha256 and 64 hex digits");
      }
      s = s.substring(0, at);
    }
    String tag = null;
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':');
    if (colon > slash) {
      tag = s.substring(colon + 1);
      s = s.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw bad(
            text, "has tag '" + tag + "'; a tag is 1-128 of [A-Za-z0-9_.-], not first . or -");
      }
    }
    String registry;
    String repository;
    int first = s.indexOf('/');
    String head = first < 0 ? "" : s.substring(0, first);
    if (first >= 0 && (head.contains(".") || head.contains(":") || head.equals("localhost"))) {
      registry = head;
      repository = s.substring(first + 1);
      if (!HOST.matcher(registry).matches()) {
        throw bad(text, "has registry '" + registry + "', which is not host[:port]");
      }
    } else {
      registry = DOCKER_HUB;
      repository = first < 0 ? "library/" + s : s;
    }
    if (repository.length() > 255) {
      throw bad(text, "has a repository path longer than 255 characters");
    }
    for (String c : repository.split("/", -1)) {
      if (!COMPONENT.matcher(c).matches()) {
        throw bad(
            text,
            "has repository '"
                + repository
                + "'; each path component is lower-case letters and digits joined by . _ __ or -");
      }
    }
    return new ImageRef(registry, repository, tag, digest);
  }

  private static CairnException bad(String text, String what) {
    return new CairnException(
        "image reference '" + text.strip() + "' " + what,
        HINT,
        Fix.of("image.reference", "reference", text.strip()),
        null);
  }

  public Optional<String> tagIfAny() {
    return Optional.ofNullable(tag);
  }

  public Optional<Digest> digestIfAny() {
    return Optional.ofNullable(digest);
  }

  /** The digest, for operations that need one. */
  public Digest requireDigest() {
    if (digest == null) {
      throw new IllegalArgumentException(this + " has no digest; pin the image by digest");
    }
    return digest;
  }

  public ImageRef withDigest(Digest d) {
    return new ImageRef(registry, repository, tag, d);
  }

  /** The same repository at {@code t}, without a digest. */
  public ImageRef withTag(String t) {
    return new ImageRef(registry, repository, t, null);
  }

  /** The same repository at digest {@code d} alone, without a tag. */
  public ImageRef atDigest(Digest d) {
    return new ImageRef(registry, repository, null, d);
  }

  /** {@code registry/repository}: the repository with neither tag nor digest. */
  public String name() {
    return registry + "/" + repository;
  }

  /**
   * What goes after {@code /manifests/}: the digest when there is one, else the tag.
   *
   * @throws IllegalArgumentException when there is neither
   */
  public String reference() {
    if (digest != null) {
      return digest.toString();
    }
    if (tag != null) {
      return tag;
    }
    throw new IllegalArgumentException(name() + " has neither tag nor digest");
  }

  @Override
  public String toString() {
    return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }
}
