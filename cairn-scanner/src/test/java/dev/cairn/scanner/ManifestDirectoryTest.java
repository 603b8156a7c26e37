package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a directory walk reads, and that it says what it does not read. */
class ManifestDirectoryTest {
  @TempDir Path tmp;

  static final String POD =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: NAME, namespace: a}\n"
          + "spec: {containers: [{name: c, image: x}]}\n";

  private static ScanReport scan(Path... paths) throws ScanException {
    return Scanners.create(ScanOptions.defaults().withParallelism(1))
        .scan(List.of(ObjectSources.manifests(List.of(paths), System.in)));
  }

  private static List<String> messages(ScanReport r) {
    return r.notices().stream().map(Notice::toString).toList();
  }

  private void pod(Path file, String name) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, POD.replace("NAME", name));
  }

  @Test
  void kustomizeAndHelm_areNamedWithTheirRenderCommand_andTheirFilesAreNotRead() throws Exception {
    pod(tmp.resolve("plain/pod.yaml"), "plain");
    pod(tmp.resolve("overlay/base/pod.yaml"), "base");
    Files.writeString(tmp.resolve("overlay/kustomization.yaml"), "resources: [base/pod.yaml]\n");
    pod(tmp.resolve("old/pod.yaml"), "old");
    Files.writeString(tmp.resolve("old/Kustomization"), "resources: [pod.yaml]\n");
    Files.createDirectories(tmp.resolve("chart/templates"));
    Files.writeString(
        tmp.resolve("chart/Chart.yaml"), "apiVersion: v2\nname: web\nversion: 1.0.0\n");
    // a template is not YAML until Helm renders it
    Files.writeString(
        tmp.resolve("chart/templates/deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
            + "{{- if .Values.x }}\n  labels: {{ toYaml .Values.x | nindent 4 }}\n{{- end }}\n");

    ScanReport r = scan(tmp);
    assertThat(r.objects()).isEqualTo(1);
    assertThat(r.hasInputErrors()).isFalse();
    assertThat(messages(r))
        .anySatisfy(
            m ->
                assertThat(m)
                    .startsWith(tmp.resolve("overlay") + ": warning: Kustomize directory")
                    .endsWith("kubectl kustomize " + tmp.resolve("overlay") + " | cairn scan -"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .endsWith("kubectl kustomize " + tmp.resolve("old") + " | cairn scan -"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .startsWith(tmp.resolve("chart") + ": warning: Helm chart")
                    .endsWith("helm template " + tmp.resolve("chart") + " | cairn scan -"));
  }

  @Test
  void chartGivenDirectly_isNamed_notReadAsBrokenYaml() throws Exception {
    Path chart = tmp.resolve("web");
    Files.createDirectories(chart.resolve("templates"));
    Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: web\nversion: 1.0.0\n");
    Files.writeString(chart.resolve("templates/x.yaml"), "{{ include \"x\" . }}\n");
    ScanReport r = scan(chart);
    assertThat(r.hasInputErrors()).isFalse();
    assertThat(messages(r)).singleElement().asString().contains("helm template " + chart);
  }

  @Test
  void symlinkedDirectory_isFollowedAndNamed_loopsAndDanglingLinksAreReported() throws Exception {
    pod(tmp.resolve("shared/pod.yaml"), "shared");
    Path root = tmp.resolve("root");
    pod(root.resolve("own.yaml"), "own");
    Files.createSymbolicLink(root.resolve("linked"), tmp.resolve("shared"));
    Files.createSymbolicLink(root.resolve("loop"), root);
    Files.createSymbolicLink(root.resolve("gone.yaml"), tmp.resolve("nowhere.yaml"));

    ScanReport r = scan(root);
    assertThat(r.objects()).isEqualTo(2);
    assertThat(messages(r))
        .contains(
            root.resolve("linked")
                + ": info: followed the symbolic link to directory "
                + tmp.resolve("shared"),
            root.resolve("loop")
                + ": warning: symbolic link to "
                + root
                + " loops back to a directory being read; not followed",
            root.resolve("gone.yaml")
                + ": warning: dangling symbolic link to "
                + tmp.resolve("nowhere.yaml")
                + "; not read");
  }

  @Test
  void danglingLinkGivenDirectly_saysSo() throws Exception {
    Path link = tmp.resolve("m.yaml");
    Files.createSymbolicLink(link, tmp.resolve("deleted.yaml"));
    assertThatThrownBy(() -> scan(link))
        .isInstanceOf(ScanException.class)
        .hasMessage(link + ": dangling symbolic link to " + tmp.resolve("deleted.yaml"));
  }
}
