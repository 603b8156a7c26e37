package dev.cairn.pipeline.webhook;

import dev.cairn.pipeline.webhook.internal.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which pushes start a run: globs over branch names, tag names and changed paths ({@code *} stops
 * at {@code /}, {@code **} does not, {@code ?} is one character). A glob starting with {@code !}
 * excludes. A name passes a list when the list is empty, or when it matches some including glob (or
 * the list has only excluding ones) and no excluding glob. So {@code tags: ["!**"]} takes no tag at
 * all.
 *
 * <p>Paths apply to branch pushes only, and only when the forge listed every changed path: a push
 * too long for the forge to list ({@link Trigger#pathsComplete()} false) passes, since running once
 * too often is better than missing a change.
 *
 * @param branches globs over branch names ({@code main}, {@code release/**})
 * @param tags globs over tag names ({@code v*})
 * @param paths globs over changed paths ({@code src/**}, {@code !docs/**})
 */
public record WebhookFilter(List<String> branches, List<String> tags, List<String> paths) {
  /** Every branch, every tag, any paths. */
  public static final WebhookFilter ANY = new WebhookFilter(List.of(), List.of(), List.of());

  public WebhookFilter {
    branches = List.copyOf(branches);
    tags = List.copyOf(tags);
    paths = List.copyOf(paths);
    for (List<String> l : List.of(branches, tags, paths)) {
      for (String g : l) {
        Glob.compile(g.startsWith("!") ? g.substring(1) : g);
      }
    }
  }

  /**
   * Why {@code trigger} does not start a run, or empty when it passes.
   *
   * @return a reason in words, e.g. {@code branch 'wip' matches no branch filter}
   */
  public Optional<String> rejects(Trigger trigger) {
    if (trigger.isTag()) {
      String tag = trigger.refName();
      return matches(tags, tag)
          ? Optional.empty()
          : Optional.of("tag '" + tag + "' is not selected by the tag filter " + tags);
    }
    String branch = trigger.refName();
    if (!matches(branches, branch)) {
      return Optional.of(
          "branch '" + branch + "' is not selected by the branch filter " + branches);
    }
    if (!paths.isEmpty() && trigger.pathsComplete()) {
      for (String p : trigger.changedPaths()) {
        if (matches(paths, p)) {
          return Optional.empty();
        }
      }
      return Optional.of(
          "none of the "
              + trigger.changedPaths().size()
              + " changed paths is selected by the path filter "
              + paths);
    }
    return Optional.empty();
  }

  static boolean matches(List<String> globs, String name) {
    if (globs.isEmpty()) {
      return true;
    }
    List<Pattern> include = new ArrayList<>();
    List<Pattern> exclude = new ArrayList<>();
    for (String g : globs) {
      if (g.startsWith("!")) {
        exclude.add(Glob.compile(g.substring(1)));
      } else {
        include.add(Glob.compile(g));
      }
    }
    boolean in = include.isEmpty() || include.stream().anyMatch(p -> p.matcher(name).matches());
    return in && exclude.stream().noneMatch(p -> p.matcher(name).matches());
  }
}
