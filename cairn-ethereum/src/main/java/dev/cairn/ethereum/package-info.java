/** The Ethereum ledger backend: Cairn's CertificateRegistry contract, driven through web3j. */
@NullMarked
package dev.cairn.ethereum;

import org.jspecify.annotations.NullMarked;
