/**
 * The node side of confidential workloads: the platform service that makes a pod's evidence. It
 * knows the calling pod by its source address, takes the pod's measurement itself (the pod spec the
 * API server admitted, the images containerd holds by digest, the runtime the sandbox runs under)
 * and signs it with the TEE's platform key; whatever the pod claims is ignored.
 */
@NullMarked
package dev.cairn.deploy.enclave;

import org.jspecify.annotations.NullMarked;
