/**
 * The enclave step's side of confidential workloads: what a pod that runs a workload must measure
 * ({@link dev.cairn.supplychain.enclave.PodMeasurement}), worked out the same way by the pipeline
 * (from the registry) and by the node's platform service (from the pod it sees and containerd), and
 * the attestation policy version that releases the workload's secrets only to that measurement
 * ({@link dev.cairn.supplychain.enclave.WorkloadPolicies}).
 */
@NullMarked
package dev.cairn.supplychain.enclave;

import org.jspecify.annotations.NullMarked;
