package dev.cairn.deploy.duties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RbacTest {
  @Test
  void render_givesDevNothing_opsItsWorkloads_andNoOneSecrets() throws Exception {
    Rbac.Plan p = Rbac.render("shop");
    assertThat(p.objects()).filteredOn(o -> o.get("kind").equals("ServiceAccount")).hasSize(4);
    assertThat(p.objects())
        .extracting(o -> o.get("kind") + "/" + ((Map<?, ?>) o.get("metadata")).get("name"))
        .doesNotContain("Role/cairn-dev", "RoleBinding/cairn-dev")
        .contains("Role/cairn-ops", "RoleBinding/cairn-ops", "ClusterRole/cairn-sec-shop");
    String yaml = p.yaml();
    assertThat(yaml).doesNotContain("secrets").doesNotContain("'*'").doesNotContain("\"*\"");
    assertThat(yaml).contains("namespace: \"shop\"").contains("patch");
    Rbac.Grant ops =
        p.grants().stream().filter(g -> g.duty() == Duty.OPS).findFirst().orElseThrow();
    assertThat(ops.covers("apps", "deployments", "patch", "shop", "shop")).isTrue();
    assertThat(ops.covers("apps", "deployments", "delete", "shop", "shop")).isFalse();
    assertThat(ops.covers("apps", "deployments", "patch", "other", "shop")).isFalse();
    assertThat(ops.covers("apps", "replicasets", "patch", "shop", "shop")).isFalse();
    assertThat(
            p.grants().stream()
                .flatMap(g -> g.rules().stream())
                .flatMap(r -> r.verbs().stream())
                .distinct()
                .toList())
        .doesNotContain("*", "delete", "update", "escalate", "bind", "impersonate");
    assertThat(List.of(yaml.split("\n---\n")).size()).isEqualTo(p.objects().size());
  }

  @Test
  void render_refusesABadNamespace() {
    assertThatThrownBy(() -> Rbac.render("Shop_1")).hasMessage("'Shop_1' is not a namespace name");
  }
}
