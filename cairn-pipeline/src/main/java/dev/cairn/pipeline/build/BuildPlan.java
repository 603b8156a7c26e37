package dev.cairn.pipeline.build;

import dev.cairn.core.Diagnostic;
import java.util.List;

/** How a Dockerfile will be built: natively with jib-core, or by buildah and why. */
public sealed interface BuildPlan {
  Dockerfile dockerfile();

  /** Built with jib-core: every instruction of the stages it needs is supported natively. */
  record Native(Dockerfile dockerfile, Dockerfile.Stage target) implements BuildPlan {}

  /**
   * Needs buildah ({@code bud --isolation chroot}): each reason is an instruction jib-core cannot
   * build (RUN, HEALTHCHECK, STOPSIGNAL, a COPY from an image's files, user names in --chown).
   */
  record NeedsBuildah(Dockerfile dockerfile, Dockerfile.Stage target, List<Diagnostic> reasons)
      implements BuildPlan {
    public NeedsBuildah {
      reasons = List.copyOf(reasons);
    }
  }
}
