package dev.cairn.scanner;

import dev.cairn.scanner.internal.ClusterReader;
import dev.cairn.scanner.internal.ManifestReader;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/** Factories for {@link ObjectSource}s. */
public final class ObjectSources {
  private ObjectSources() {}

  /** Every object {@code source} yields, in order (for small inputs: tests, the demo). */
  public static List<KubeObject> readAll(ObjectSource source) throws ScanException {
    List<KubeObject> objects = new java.util.ArrayList<>();
    source.read(
        new ObjectSource.Sink() {
          @Override
          public void object(KubeObject object) {
            objects.add(object);
          }

          @Override
          public void notice(Notice notice) {}
        });
    return objects;
  }

  /**
   * Files and directories of manifests; a path {@code -} reads {@code stdin}, and a path that is
   * neither a file nor a directory (a pipe such as {@code <(helm template .)}, a device) is read as
   * a stream. Within the default {@link InputLimits}.
   */
  public static ObjectSource manifests(List<Path> paths, InputStream stdin) {
    return manifests(paths, stdin, InputLimits.defaults());
  }

  /** Manifests as {@link #manifests(List, InputStream)} reads them, within {@code limits}. */
  public static ObjectSource manifests(List<Path> paths, InputStream stdin, InputLimits limits) {
    return new ManifestReader(paths, stdin, limits);
  }

  /**
   * A live cluster, read-only: lists every resource the checks match, paged.
   *
   * @param options kubeconfig, namespaces, page size
   * @param checks the checks that will run, to know which resources to list
   */
  public static ObjectSource cluster(ClusterOptions options, CheckSet checks) {
    return new ClusterReader(options, checks);
  }
}
