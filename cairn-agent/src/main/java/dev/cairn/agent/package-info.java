/**
 * The attestation agent: the init container that Cairn's enclave step puts beside a confidential
 * workload. It makes an ephemeral key, asks the attestation service for a nonce, asks the node's
 * platform service (the TEE's host side) for evidence binding the two, and writes the secrets the
 * service releases to that evidence into a memory-backed volume, so the workload's own code needs
 * no change. The measurement is never the agent's to state: the platform service takes it.
 */
@NullMarked
package dev.cairn.agent;

import org.jspecify.annotations.NullMarked;
