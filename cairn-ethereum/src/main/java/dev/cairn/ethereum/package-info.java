/**
 * The Ethereum ledger backend: Cairn's {@code CertificateRegistry} contract as a ledger of the
 * ledger SPI ({@link dev.cairn.ethereum.EthereumLedgers}, scheme {@code ethereum}), the chain
 * operations around it ({@link dev.cairn.ethereum.EthereumRegistries}) and a local node for tests
 * and the demo ({@link dev.cairn.ethereum.LocalNode}). Public signatures use JDK and Cairn types
 * only; web3j and the JSON-RPC wire stay in {@code internal}.
 */
@NullMarked
package dev.cairn.ethereum;

import org.jspecify.annotations.NullMarked;
