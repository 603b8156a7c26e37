/**
 * Certification as a library: {@link dev.cairn.certify.Certifier} runs an attested scan in a
 * measured workload and issues, records and publishes a compliance certificate; {@link
 * dev.cairn.certify.Verifier} holds the rules for which ledger and trust root a verification uses;
 * {@link dev.cairn.certify.Records} revokes and reads a cluster's history. The CLI, the pipeline,
 * the deploy gate and the server all call these; none prints anything.
 */
@NullMarked
package dev.cairn.certify;

import org.jspecify.annotations.NullMarked;
