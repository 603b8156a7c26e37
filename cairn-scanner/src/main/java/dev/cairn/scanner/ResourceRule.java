package dev.cairn.scanner;

/**
 * What a check matches: a group, version and plural resource, as in Marvin's {@code
 * match.resources} ({@code group: ""} is the core group). {@code *} matches any version.
 */
public record ResourceRule(String group, String version, String resource) {
  public ResourceRule {
    if (resource.isBlank()) {
      throw new IllegalArgumentException("resource must not be blank");
    }
  }

  public boolean matches(String group, String version, String resource) {
    return this.group.equals(group)
        && (this.version.equals("*") || this.version.equals(version))
        && this.resource.equals(resource);
  }

  @Override
  public String toString() {
    return (group.isEmpty() ? "" : group + "/") + version + "/" + resource;
  }
}
