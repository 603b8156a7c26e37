/**
 * Pipeline steps as Kubernetes Jobs: the {@code run} step's executor that starts each step with an
 * {@code image} as a Job in a namespace, under a ServiceAccount of its duty, with its workspace
 * fetched by the Job's init container and its secrets in a Secret of its own; the step's log is the
 * container's, its exit code the container's, and a cancelled step's Job is deleted.
 */
@NullMarked
package dev.cairn.deploy.jobs;

import org.jspecify.annotations.NullMarked;
