package dev.cairn.cli;

import dev.cairn.core.CairnException;
import dev.cairn.core.Fix;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The CLI's wording of what a user can do about an error: the one place that names the CLI's own
 * flags and commands (the libraries say it without them, and name the fix).
 */
final class Hints {
  private Hints() {}

  /** The hint to print after "perhaps you should", if any. */
  static Optional<String> of(CairnException e) {
    return Optional.ofNullable(wording(e.fix().orElse(null), e.hint().orElse(null)));
  }

  /** The CLI's words for {@code fix}, else {@code fallback}. */
  static @Nullable String wording(@Nullable Fix fix, @Nullable String fallback) {
    if (fix == null) {
      return fallback;
    }
    return switch (fix.id()) {
      case "kubeconfig.unreadable" -> "pass the path of a readable kubeconfig with --kubeconfig";
      case "kubeconfig.invalid" -> "check the file (kubectl config view) and the --context name";
      case "kubeconfig.context" ->
          "pass --context with one of its contexts (kubectl config get-contexts)";
      case "checks.lint" ->
          fix.arg("path").isEmpty()
              ? "run `cairn checks lint DIR` on the directory to see every problem"
              : "run `cairn checks lint " + fix.arg("path") + "` to see every problem";
      case "snapshot.make" ->
          "make one with `cairn snapshot --kubeconfig F --output-file " + fix.arg("file") + "`";
      case "verify.own-log" -> "verify it without --ledger, or with --ledger embedded";
      case "verify.on-chain" ->
          "verify it with --ledger "
              + fix.arg("ledger")
              + " (a chain record cannot be checked offline)";
      case "verify.chain-node" -> "point --ledger at a node of chain " + fix.arg("chain");
      case "verify.snapshot" ->
          "pass --allow-snapshot (or run `cairn trust allow-snapshots`) if you trust whoever took"
              + " the snapshot, or certify the live cluster with --kubeconfig";
      case "verify.live-identity" -> "pass --kubeconfig of the cluster the certificate is for";
      case "verify.log-missing" ->
          "restore "
              + fix.arg("dir")
              + " from a backup, or verify with --ledger none (revocation is then not checked)";
      case "certify.max-validity" ->
          "pass --valid-days "
              + fix.arg("days")
              + " or less, or raise maxValidityDays in the attestation policy";
      case "certify.nothing-judged" ->
          "certify a snapshot or cluster that holds the workloads (cairn snapshot --kubeconfig F),"
              + " or choose other frameworks with --framework";
      case "scan.rbac" ->
          "give the user read access to every resource (cairn checks rbac prints the role)";
      case "scan.baseline" ->
          "pass --baseline a report written by `cairn scan -o json` (or --output-file F.json)";
      case "workload.trace" -> "run with CAIRN_TRACE=1 to see how far it got";
      case "certify.scan-alone" -> "run `cairn scan` on the same target to see why";
      case "ledger.grant-issuer" ->
          "let the registry's admin run: cairn ledger grant-issuer --ledger "
              + fix.arg("ledger")
              + " --issuer "
              + fix.arg("issuer");
      case "input.limit" ->
          switch (fix.arg("limit")) {
            case "document-size" ->
                "split the document, or raise --max-document-size (now " + fix.arg("value") + ")";
            case "input-size" ->
                "check that this is the input meant, or raise --max-input-size (now "
                    + fix.arg("value")
                    + ")";
            default -> fallback;
          };
      default -> fallback;
    };
  }
}
