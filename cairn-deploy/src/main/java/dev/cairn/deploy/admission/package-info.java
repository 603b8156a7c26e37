/**
 * Admission enforcement inside the cluster ({@code docs/admission.md}): a validating admission
 * webhook ({@link Admission}, served by {@link AdmissionServer} over TLS from {@link WebhookTls})
 * that denies Pods and workload templates in enforced namespaces whose images do not verify against
 * the trust root, or whose cluster's certificate is no longer valid; and the
 * ValidatingWebhookConfiguration that installs it ({@link WebhookConfiguration}).
 */
@NullMarked
package dev.cairn.deploy.admission;

import org.jspecify.annotations.NullMarked;
