package dev.cairn.ledger;

/** What a ledger gives back for a recorded entry: a log receipt or a chain receipt. */
public sealed interface LedgerReceipt permits Receipt, ChainReceipt {}
