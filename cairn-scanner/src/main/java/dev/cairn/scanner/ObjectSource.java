package dev.cairn.scanner;

/**
 * Where objects to scan come from: manifest files, standard input, a live cluster. A source
 * streams: it hands each object to the sink as soon as it has read it and keeps none.
 */
public interface ObjectSource {
  /** Receives objects and notices; called from the reading thread only. */
  interface Sink {
    void object(KubeObject object);

    void notice(Notice notice);

    /**
     * An object not judged on its own (what Kubernetes itself creates, a Pod judged through its
     * controller) that is still part of the cluster relational checks look at: bootstrap
     * ClusterRoles are aggregated, owned Pods run as their service accounts.
     */
    default void context(KubeObject object) {}
  }

  /** For people: {@code manifests (3 paths)}, {@code cluster https://...}. */
  String describe();

  /**
   * Reads every object into {@code sink}. Problems with single documents become notices; only a
   * problem that stops the whole source (an unreachable cluster) throws.
   */
  void read(Sink sink) throws ScanException;
}
