package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CairnException;
import dev.cairn.supplychain.RegistryException;
import org.junit.jupiter.api.Test;

/** Which registry failures a step tries again: those another attempt can do better at. */
class StepsRetryTest {
  private static RegistryException status(int s) {
    return new RegistryException("r.example", "push", s, "failed", null, null, null);
  }

  @Test
  void noAnswerBusyOrServerSide_isTriedAgain() {
    for (int s : new int[] {0, 408, 429, 500, 502, 503}) {
      assertThat(Steps.transientFailure(status(s))).as("status %d", s).isTrue();
    }
  }

  @Test
  void refusedMissingOrBad_isNot() {
    for (int s : new int[] {400, 401, 403, 404, 405, 413}) {
      assertThat(Steps.transientFailure(status(s))).as("status %d", s).isFalse();
    }
    assertThat(Steps.transientFailure(new CairnException("a bad key", null))).isFalse();
  }
}
