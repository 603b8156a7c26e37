/**
 * The wire under the Ethereum ledger: the JSON-RPC client, the transaction sender and the contract
 * wrapper (web3j and Jackson live here only). Not an API: nothing outside cairn-ethereum uses it.
 */
@NullMarked
package dev.cairn.ethereum.internal;

import org.jspecify.annotations.NullMarked;
