package dev.cairn.bench;

import dev.cairn.core.CairnHome;
import dev.cairn.core.Digest;
import dev.cairn.core.Secret;
import dev.cairn.ethereum.EthereumRegistries;
import dev.cairn.ethereum.LocalNode;
import dev.cairn.ledger.ChainReceipt;
import dev.cairn.ledger.Ledger;
import dev.cairn.ledger.LedgerEntry;
import dev.cairn.ledger.LedgerOptions;
import dev.cairn.ledger.Ledgers;
import dev.cairn.ledger.Merkle;
import dev.cairn.ledger.NoteSigner;
import dev.cairn.ledger.Receipt;
import dev.cairn.ledger.RegistryView;
import dev.cairn.ledger.TransparencyLog;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Ethereum registry on a local node (anvil, or ganache with {@code ganache}) beside the
 * embedded log: gas per deploy, issue and revoke; certificates recorded per second, one after
 * another, each waited for (1 confirmation; the node mines at once, so a real chain is bounded by
 * its block time instead); and the latency of the ledger part of verification (chain: the record
 * and the issuer role, two eth_calls; log: an inclusion proof and a revocation lookup). Run:
 * bench/run chain [certificates] [anvil|ganache] [1|2] (the contract version, default 2). Gas is
 * reported for a cluster's first certificate (20 clusters) and for later ones apart: the first
 * writes one more storage slot.
 */
public final class ChainBench {
  private ChainBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    LocalNode.Kind kind =
        args.length > 1 && args[1].equals("ganache")
            ? LocalNode.Kind.GANACHE
            : LocalNode.Kind.ANVIL;
    int contractVersion =
        args.length > 2 ? Integer.parseInt(args[2]) : EthereumRegistries.DEFAULT_CONTRACT_VERSION;
    Instant now = Instant.now();
    long expires = now.getEpochSecond() + 86_400 * 30;
    try (LocalNode node = LocalNode.start(kind)) {
      Secret admin = EthereumRegistries.generateKey();
      Secret issuer = EthereumRegistries.generateKey();
      node.fund(EthereumRegistries.addressOf(admin), BigInteger.TEN.pow(21));
      node.fund(EthereumRegistries.addressOf(issuer), BigInteger.TEN.pow(21));
      long d0 = System.nanoTime();
      EthereumRegistries.Deployment d =
          EthereumRegistries.deploy(
              node.uri().toString(), node.chainId(), admin, 1, contractVersion);
      double deployMs = (System.nanoTime() - d0) / 1e6;
      BigInteger deployGas = node.gasUsed(d.transaction());
      EthereumRegistries.grantIssuer(
          d.ledger(), admin, EthereumRegistries.addressOf(issuer), false);
      CairnHome home = CairnHome.of(Files.createTempDirectory("cairn-chain-bench-home"));
      Ledger chain = Ledgers.open(d.ledger(), LedgerOptions.writing(home).withSigner(issuer));
      List<BigInteger> issueGas = new ArrayList<>();
      List<BigInteger> firstGas = new ArrayList<>();
      List<byte[]> certs = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        byte[] cert = Digest.sha256("bench-cert-" + i + "-" + now).bytes();
        certs.add(cert);
        ChainReceipt r =
            (ChainReceipt)
                chain.issue(
                    new LedgerEntry.Issued(
                        Digest.sha256("cluster-" + (i % 20)),
                        Digest.ofSha256(cert),
                        now,
                        Instant.ofEpochSecond(expires),
                        "cluster-" + String.format("%012x", i) + ".cert.json",
                        new byte[0]));
        (i < 20 ? firstGas : issueGas).add(node.gasUsed(r.transaction()));
      }
      double chainRate = n / ((System.nanoTime() - t0) / 1e9);
      List<BigInteger> revokeGas = new ArrayList<>();
      for (int i = 0; i < Math.min(20, n); i++) {
        ChainReceipt r =
            (ChainReceipt)
                chain.revoke(
                    new LedgerEntry.Revoked(
                        Digest.ofSha256(certs.get(i)), "bench: decommissioned", now));
        revokeGas.add(node.gasUsed(r.transaction()));
      }
      RegistryView registry = (RegistryView) chain;
      long[] chainVerify = new long[Math.min(200, n)];
      for (int i = 0; i < chainVerify.length; i++) {
        long v0 = System.nanoTime();
        // as verify asks: by the cluster the certificate names and its digest
        int k = n - 1 - i;
        var r =
            registry
                .record(Digest.sha256("cluster-" + (k % 20)), Digest.ofSha256(certs.get(k)))
                .orElseThrow();
        registry.isIssuer(r.issuer());
        chainVerify[i] = System.nanoTime() - v0;
      }

      // the embedded log, same certificates, durable single appends
      Path dir = Files.createTempDirectory("cairn-chain-bench");
      double logRate;
      long[] logVerify = new long[chainVerify.length];
      try (TransparencyLog log = TransparencyLog.open(dir, NoteSigner.generate("bench"))) {
        List<Receipt> receipts = new ArrayList<>();
        long l0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          receipts.add(
              log.issue(
                  new LedgerEntry.Issued(
                      Digest.sha256("cluster-" + (i % 20)),
                      Digest.ofSha256(certs.get(i)),
                      now,
                      Instant.ofEpochSecond(expires),
                      "cluster-" + String.format("%012x", i) + ".cert.json",
                      new byte[600])));
        }
        logRate = n / ((System.nanoTime() - l0) / 1e9);
        var cp = log.checkpoint();
        for (int i = 0; i < logVerify.length; i++) {
          int idx = n - 1 - i;
          long v0 = System.nanoTime();
          byte[] leaf = Merkle.leafHash(log.entryBytes(idx));
          if (!Merkle.verifyInclusion(
              idx, cp.size(), leaf, log.inclusionProof(idx, cp.size()), cp.root())) {
            throw new IllegalStateException("inclusion failed");
          }
          log.revocation(Digest.ofSha256(certs.get(idx)));
          logVerify[i] = System.nanoTime() - v0;
        }
      }
      System.out.printf(
          "%s, %d certificates, contract version %d, 2 cores%n",
          kind.name().toLowerCase(), n, contractVersion);
      System.out.printf("%-40s %-16s %-16s%n", "", "embedded log", "ethereum registry");
      System.out.printf("%-40s %-16s %-16.0f%n", "deploy (ms)", "-", deployMs);
      System.out.printf("%-40s %-16s %-16s%n", "gas: deploy", "-", deployGas);
      System.out.printf(
          "%-40s %-16s %-16s%n", "gas: issue, first of a cluster (median)", "-", median(firstGas));
      System.out.printf(
          "%-40s %-16s %-16s%n",
          "gas: issue, later (median)", "-", issueGas.isEmpty() ? "-" : median(issueGas));
      System.out.printf("%-40s %-16s %-16s%n", "gas: revoke (median)", "-", median(revokeGas));
      System.out.printf(
          "%-40s %-16.0f %-16.1f%n", "certificates recorded/s (sequential)", logRate, chainRate);
      System.out.printf(
          "%-40s %-16s %-16s%n",
          "ledger part of verify, ms (p50 / p99)",
          pct(logVerify, 50) + " / " + pct(logVerify, 99),
          pct(chainVerify, 50) + " / " + pct(chainVerify, 99));
    }
  }

  static BigInteger median(List<BigInteger> xs) {
    List<BigInteger> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  static String pct(long[] nanos, int p) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format("%.2f", s[Math.min(s.length - 1, s.length * p / 100)] / 1e6);
  }
}
