package dev.cairn.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an integration test that runs against the run's real control plane (kwok nodes, whose pods
 * never run a container). With {@code realNode = true} the class also gets the machine's real node
 * ({@link RealNode}: kubelet, containerd, runc) for as long as it runs; that needs root.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealClusterExtension.class)
@Tag("real-cluster")
public @interface RealClusterTest {
  /** Whether the class needs the real node (started before its first test, stopped after it). */
  boolean realNode() default false;
}
