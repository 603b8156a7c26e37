package dev.cairn.attest.tee.intel;

import dev.cairn.attest.tee.TcbStatus;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a quote is verified.
 *
 * @param at the verification time: certificates, CRLs, TCB info and QE identity must be valid then
 * @param acceptedStatuses the TCB statuses that pass {@code tcb-status}; by default only UpToDate
 * @param acceptUnverifiable steps that may pass as "not verifiable" when the collateral lacks what
 *     they need ({@code crl}, {@code tcb-info-signature}, {@code qe-identity-signature}); by
 *     default none: verification fails closed
 * @param trustRoot the root CA to chain to instead of the pinned Intel SGX Root CA (production);
 *     null for the pinned one
 */
public record IntelPolicy(
    Instant at,
    Set<TcbStatus> acceptedStatuses,
    Set<String> acceptUnverifiable,
    @Nullable X509Certificate trustRoot) {
  public IntelPolicy {
    Objects.requireNonNull(at, "at");
    acceptedStatuses = Set.copyOf(acceptedStatuses);
    acceptUnverifiable = Set.copyOf(acceptUnverifiable);
    for (String s : acceptUnverifiable) {
      if (!IntelQuotes.OPTIONAL_STEPS.contains(s)) {
        throw new IllegalArgumentException(
            s + " cannot be accepted unverified (only " + IntelQuotes.OPTIONAL_STEPS + ")");
      }
    }
  }

  /** UpToDate only, every step required, the pinned root. */
  public static IntelPolicy defaults(Instant at) {
    return new IntelPolicy(at, EnumSet.of(TcbStatus.UP_TO_DATE), Set.of(), null);
  }

  public IntelPolicy withAt(Instant when) {
    return new IntelPolicy(when, acceptedStatuses, acceptUnverifiable, trustRoot);
  }

  public IntelPolicy withTrustRoot(@Nullable X509Certificate root) {
    return new IntelPolicy(at, acceptedStatuses, acceptUnverifiable, root);
  }

  public IntelPolicy accepting(Set<TcbStatus> statuses) {
    return new IntelPolicy(at, statuses, acceptUnverifiable, trustRoot);
  }

  public IntelPolicy acceptingUnverifiable(Set<String> steps) {
    return new IntelPolicy(at, acceptedStatuses, steps, trustRoot);
  }
}
