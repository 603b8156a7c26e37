/**
 * A pipeline exported as Tekton resources, for clusters that already run Tekton: {@code
 * tekton.dev/v1} Tasks and a Pipeline running Cairn's steps as containers, and {@code
 * triggers.tekton.dev/v1beta1} TriggerTemplate, TriggerBinding and EventListener that start it on a
 * GitHub push. See {@link dev.cairn.deploy.tekton.TektonExport}.
 */
@NullMarked
package dev.cairn.deploy.tekton;

import org.jspecify.annotations.NullMarked;
