package dev.cairn.supplychain;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import dev.cairn.ledger.TrustRoot;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One image verification ({@link ImageVerifier}).
 *
 * @param image the image, pinned by digest
 * @param trustRoot what is trusted: builder keys and measurements with their windows, and whether
 *     unattested builders are accepted
 * @param from where the signature and provenance are read: the image's registry, or a bundle
 * @param sourceRepository the repository the image must have been built from (null: not checked,
 *     only reported)
 * @param commit the commit it must have been built from, 40 or 64 hex digits (null: not checked)
 * @param builderId the builder id its provenance must name (null: any the trust root's keys sign)
 * @param saveBundle after a verification that held, save what was read from the registry as a
 *     bundle in this directory (absent or empty); null: save nothing
 */
public record ImageVerifyRequest(
    ImageRef image,
    TrustRoot trustRoot,
    Source from,
    @Nullable String sourceRepository,
    @Nullable String commit,
    @Nullable String builderId,
    @Nullable Path saveBundle) {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  public ImageVerifyRequest {
    if (image.digest() == null) {
      throw new IllegalArgumentException(image + " has no digest; an image is verified by digest");
    }
    if (commit != null) {
      commit = commit.toLowerCase(Locale.ROOT);
      if (!COMMIT.matcher(commit).matches()) {
        throw new IllegalArgumentException(
            "a commit is 40 (SHA-1) or 64 (SHA-256) hex digits: " + commit);
      }
    }
    if (saveBundle != null && from instanceof Source.Bundle) {
      throw new IllegalArgumentException("a bundle is saved from a registry, not from a bundle");
    }
  }

  /** Where a verification reads the signature and provenance. */
  public sealed interface Source {
    /** The image's registry, through this client (the one network a verification uses). */
    record Registry(OciClient client) implements Source {}

    /** A bundle ({@code docs/image-verify.md}): no network at all. */
    record Bundle(Path dir) implements Source {}
  }

  /** A request checking nothing beyond the trust root. */
  public static ImageVerifyRequest of(ImageRef image, TrustRoot trustRoot, Source from) {
    return new ImageVerifyRequest(image, trustRoot, from, null, null, null, null);
  }

  /**
   * Parses the image argument of a verification: a reference with {@code @sha256:}.
   *
   * @throws CairnException when it is no reference, or has no digest
   */
  public static ImageRef image(String text) throws CairnException {
    ImageRef ref = ImageRef.parse(text);
    if (ref.digest() == null) {
      throw new CairnException(
          "image " + text.strip() + " has no digest: an image is verified by digest, never by tag",
          "give the image as registry/repository@sha256:<64 hex digits>",
          Fix.of("image.by-digest", "reference", text.strip()),
          null);
    }
    return ref;
  }

  /**
   * A commit as {@link #commit()} takes it.
   *
   * @throws CairnException when it is not 40 or 64 hex digits
   */
  public static String commit(String text) throws CairnException {
    String c = text.strip().toLowerCase(Locale.ROOT);
    if (!COMMIT.matcher(c).matches()) {
      throw new CairnException(
          "commit " + text.strip() + " is not a full commit id (40 or 64 hex digits)",
          "give the whole commit id (git rev-parse COMMIT prints it)",
          Fix.of("verify.commit", "commit", text.strip()),
          null);
    }
    return c;
  }

  public ImageVerifyRequest withSourceRepository(@Nullable String repository) {
    return new ImageVerifyRequest(
        image, trustRoot, from, repository, commit, builderId, saveBundle);
  }

  public ImageVerifyRequest withCommit(@Nullable String c) {
    return new ImageVerifyRequest(
        image, trustRoot, from, sourceRepository, c, builderId, saveBundle);
  }

  public ImageVerifyRequest withBuilderId(@Nullable String id) {
    return new ImageVerifyRequest(image, trustRoot, from, sourceRepository, commit, id, saveBundle);
  }

  public ImageVerifyRequest withSaveBundle(@Nullable Path dir) {
    return new ImageVerifyRequest(image, trustRoot, from, sourceRepository, commit, builderId, dir);
  }
}
