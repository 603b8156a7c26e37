package dev.cairn.ledger;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a verifier trusts, and when (in the spirit of sigstore's {@code trusted_root.json}): every
 * attestation policy version, scanner measurement, certificate signing key, TEE platform key, log
 * key and Ethereum ledger pin the attestation service and the log have published, each with the
 * windows in which it was trusted. A certificate verifies when what made it was trusted at its
 * issue time, so a version bump (new scanner build, new policy) does not invalidate certificates
 * issued before it.
 *
 * <p>A trust root only grows: {@link #sync} and {@link #withLedgerPin} append entries and close
 * open windows, never drop or replace one. The one exception is {@link #retire}, for a compromise:
 * it cuts an item's windows at the time it stopped being trustworthy.
 *
 * <p>The entries are kept in a canonical order (kind, then {@code validFrom} with "absent" first,
 * then the item, then {@code validUntil}), so two roots with the same entries are equal and write
 * the same JSON ({@link #toJson()}, read back by {@link #parse}). See {@code docs/trust-root.md}.
 *
 * <p>Besides what it trusts, a root holds two things of the verifier's own: whether it accepts
 * certificates made from a snapshot (whose cluster identity is only claimed), and the latest
 * checkpoint it has seen of each transparency log, so that a log rolled back behind it is caught.
 * That pin advances only after a consistency proof ({@link #withCheckpointOf}).
 *
 * @param entries every window of every item
 * @param acceptsSnapshots whether certificates made from a snapshot verify
 * @param checkpoints the latest checkpoint seen of each log, one per origin
 * @param requiredWitnesses how many witnesses (of those trusted, {@link WitnessKey}) must have
 *     cosigned the checkpoint a verification relies on for revocation; 0: none
 * @param acceptsUnattestedBuilders whether image provenance from a builder that names no
 *     measurement (a plain key, {@link BuilderKey}, outside any TEE) verifies; default: refused
 */
public record TrustRoot(
    List<Entry> entries,
    boolean acceptsSnapshots,
    List<Checkpoint> checkpoints,
    int requiredWitnesses,
    boolean acceptsUnattestedBuilders) {
  /** The media type of the JSON document this version writes. */
  public static final String MEDIA_TYPE = "application/vnd.cairn.trust-root+json;version=5";

  /** The media type of the previous version, still read (no builder keys and measurements). */
  public static final String MEDIA_TYPE_V4 = "application/vnd.cairn.trust-root+json;version=4";

  /** The media type of the previous version, still read (no witnesses). */
  public static final String MEDIA_TYPE_V3 = "application/vnd.cairn.trust-root+json;version=3";

  /** The media type of the previous version, still read (no snapshot setting, no checkpoints). */
  public static final String MEDIA_TYPE_V2 = "application/vnd.cairn.trust-root+json;version=2";

  /** Something a trust root can trust: closed set, one record per kind. */
  public sealed interface Item
      permits Policy,
          Measurement,
          SigningKey,
          PlatformKey,
          LogKey,
          LedgerPin,
          WitnessKey,
          BuilderKey,
          BuilderMeasurement {
    /** How messages name the item, e.g. {@code key sha256:ab12…} (never a secret). */
    String describe();
  }

  /**
   * An attestation policy version (a CAS-like session).
   *
   * @param digest the policy's digest, which a certificate names; the item's identity
   * @param name the session name ({@code ""} if unknown: migrated from the older trust.json)
   * @param version 1, 2, … ({@code 0} if unknown: migrated from the older trust.json)
   */
  public record Policy(Digest digest, String name, int version) implements Item {
    public Policy {
      if (version < 0) {
        throw new IllegalArgumentException("a policy version is 1, 2, … (0: unknown): " + version);
      }
      if (name.isEmpty() != (version == 0)) {
        throw new IllegalArgumentException(
            "a policy has both a name and a version, or neither (migrated): "
                + name
                + " "
                + version);
      }
    }

    /** A policy known only by its digest (migrated from the older trust.json). */
    public static Policy of(Digest digest) {
      return new Policy(digest, "", 0);
    }

    @Override
    public String describe() {
      return "attestation policy "
          + digest
          + (name.isEmpty() ? "" : " (" + name + " v" + version + ")");
    }
  }

  /** A scanner measurement the attestation policy approves. */
  public record Measurement(Digest digest) implements Item {
    @Override
    public String describe() {
      return "scanner measurement " + digest;
    }
  }

  /**
   * A certificate signing key: the key the attestation service releases only to a measured scanner.
   *
   * @param key the raw 32-byte Ed25519 public key
   */
  public record SigningKey(byte[] key) implements Item {
    public SigningKey {
      key = ed25519(key, "signing key");
    }

    @Override
    public byte[] key() {
      return key.clone();
    }

    /** {@code sha256:<hex>} of the key, how Cairn names keys (and a certificate names its key). */
    public String keyId() {
      return Digest.sha256(key).toString();
    }

    @Override
    public String describe() {
      return "key " + keyId();
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof SigningKey k && java.util.Arrays.equals(key, k.key);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(key);
    }

    @Override
    public String toString() {
      return "SigningKey[" + keyId() + "]";
    }
  }

  /**
   * A TEE platform key, which signs the scanner's evidence.
   *
   * @param key the raw 32-byte Ed25519 public key
   */
  public record PlatformKey(byte[] key) implements Item {
    public PlatformKey {
      key = ed25519(key, "platform key");
    }

    @Override
    public byte[] key() {
      return key.clone();
    }

    /** {@code sha256:<hex>} of the key, as evidence names its platform key. */
    public String keyId() {
      return Digest.sha256(key).toString();
    }

    @Override
    public String describe() {
      return "platform key " + keyId();
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof PlatformKey k && java.util.Arrays.equals(key, k.key);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(key);
    }

    @Override
    public String toString() {
      return "PlatformKey[" + keyId() + "]";
    }
  }

  /**
   * A transparency log's checkpoint key.
   *
   * @param verifierKey the C2SP note verifier key, {@code name+hash+base64(key)}
   */
  public record LogKey(String verifierKey) implements Item {
    public LogKey {
      verifierKey = TrustRoot.verifierKey(verifierKey);
    }

    /** {@code name+hash}, how messages name it. */
    public String name() {
      String[] parts = verifierKey.split("\\+", 3);
      return parts[0] + "+" + parts[1];
    }

    @Override
    public String describe() {
      return "log key " + name();
    }
  }

  /**
   * A witness whose cosignatures (C2SP tlog-cosignature, {@code cosignature/v1}) count towards
   * {@link #requiredWitnesses()}.
   *
   * @param verifierKey the witness's verifier key, {@code name+hash+base64(0x04 || key)}
   */
  public record WitnessKey(String verifierKey) implements Item {
    public WitnessKey {
      Cosignature.Key.parse(verifierKey);
    }

    /** The parsed key. */
    public Cosignature.Key key() {
      return Cosignature.Key.parse(verifierKey);
    }

    @Override
    public String describe() {
      return "witness " + key().describe();
    }
  }

  /**
   * A key that signs images and their provenance (cosign signatures, SLSA provenance in DSSE): the
   * key the attestation service releases only to the measured builder, or a plain builder's key a
   * user trusts ({@code cairn trust add-builder-key}).
   *
   * @param spki the ECDSA P-256 public key, X.509 SubjectPublicKeyInfo DER (what a PEM {@code
   *     PUBLIC KEY} holds, and {@code cosign verify --key} reads)
   */
  public record BuilderKey(byte[] spki) implements Item {
    public BuilderKey {
      spki = p256(spki);
    }

    @Override
    public byte[] spki() {
      return spki.clone();
    }

    /** {@code sha256:<hex>} of the SubjectPublicKeyInfo, how Cairn names image signing keys. */
    public String keyId() {
      return Digest.sha256(spki).toString();
    }

    /** The key, for a signature check. */
    public java.security.PublicKey publicKey() {
      try {
        return java.security.KeyFactory.getInstance("EC")
            .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException("checked when made", e);
      }
    }

    @Override
    public String describe() {
      return "builder key " + keyId();
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof BuilderKey k && java.util.Arrays.equals(spki, k.spki);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(spki);
    }

    @Override
    public String toString() {
      return "BuilderKey[" + keyId() + "]";
    }
  }

  /**
   * A builder measurement the attestation policy approves: what an attested builder's provenance
   * names in {@code runDetails.builder.version["cairn.dev/measurement"]}.
   */
  public record BuilderMeasurement(Digest digest) implements Item {
    @Override
    public String describe() {
      return "builder measurement " + digest;
    }
  }

  /**
   * An Ethereum certificate registry and the issuer whose records are trusted on it.
   *
   * @param registry {@code ethereum:URL#ADDRESS} (the URL may be {@code env:VAR})
   * @param chainId the chain the registry lives on
   * @param issuer the address of the issuing key the attestation service releases to the scanner
   * @param contractVersion the registry's contract version: 1 ({@code CertificateRegistry}, what a
   *     pin without the field means) or 2 ({@code CertificateRegistryV2}); the ledger reads the
   *     version from the contract's code and a verifier requires it to be the pinned one
   */
  public record LedgerPin(String registry, long chainId, String issuer, int contractVersion)
      implements Item {
    /** The highest contract version this Cairn speaks. */
    public static final int LATEST_CONTRACT_VERSION = 2;

    public LedgerPin {
      if (!registry.startsWith("ethereum:") || registry.indexOf('#') < 0) {
        throw new IllegalArgumentException(
            "a ledger pin names ethereum:URL#ADDRESS, not " + registry);
      }
      if (chainId <= 0) {
        throw new IllegalArgumentException("a chain id is positive, not " + chainId);
      }
      if (issuer.isEmpty()) {
        throw new IllegalArgumentException("a ledger pin names its issuer");
      }
      if (contractVersion < 1 || contractVersion > LATEST_CONTRACT_VERSION) {
        throw new IllegalArgumentException(
            "a registry's contract version is 1 to "
                + LATEST_CONTRACT_VERSION
                + ", not "
                + contractVersion);
      }
    }

    /** A pin of a version 1 registry (what pins written before versions existed mean). */
    public LedgerPin(String registry, long chainId, String issuer) {
      this(registry, chainId, issuer, 1);
    }

    /** The registry's contract address (after {@code #}). */
    public String address() {
      return registry.substring(registry.lastIndexOf('#') + 1);
    }

    /** True for the same contract on the same chain (whatever the URL). */
    public boolean sameRegistry(String address, long chainId) {
      return this.chainId == chainId && address().equalsIgnoreCase(address);
    }

    @Override
    public String describe() {
      return "issuer "
          + issuer
          + " on registry "
          + address()
          + " (chain "
          + chainId
          + (contractVersion == 1 ? "" : ", contract version " + contractVersion)
          + ")";
    }
  }

  /**
   * One window in which {@code item} was trusted: from {@code validFrom} (inclusive) until {@code
   * validUntil} (exclusive).
   *
   * @param validFrom null: since before this trust root existed (migrated entries)
   * @param validUntil null: still trusted
   */
  public record Entry(Item item, @Nullable Instant validFrom, @Nullable Instant validUntil) {
    public Entry {
      if (validFrom != null && validUntil != null && validUntil.isBefore(validFrom)) {
        throw new IllegalArgumentException(
            "a window ends after it starts: " + validFrom + " .. " + validUntil);
      }
    }

    /** Still trusted (no {@code validUntil}). */
    public boolean isOpen() {
      return validUntil == null;
    }

    /** True when {@code t} is in the window. */
    public boolean contains(Instant t) {
      return (validFrom == null || !t.isBefore(validFrom))
          && (validUntil == null || t.isBefore(validUntil));
    }

    /** For messages: {@code from A until B}, {@code until B}, {@code from A on}, {@code always}. */
    public String window() {
      if (validFrom == null) {
        return validUntil == null ? "always" : "until " + validUntil;
      }
      return "from " + validFrom + (validUntil == null ? " on" : " until " + validUntil);
    }
  }

  /**
   * What the attestation service and the log publish now: the state {@link #sync} brings a trust
   * root to.
   *
   * @param policy the current policy version
   * @param measurements the scanner measurements it approves
   * @param signingKey raw Ed25519 certificate signing key it releases to them
   * @param platformKeys raw Ed25519 TEE platform keys
   * @param logVerifierKey the log's note verifier key
   */
  public record Snapshot(
      Policy policy,
      Set<Digest> measurements,
      byte[] signingKey,
      List<byte[]> platformKeys,
      String logVerifierKey) {
    public Snapshot {
      measurements = Set.copyOf(measurements);
      signingKey = ed25519(signingKey, "signing key");
      platformKeys = platformKeys.stream().map(k -> ed25519(k, "platform key")).toList();
      logVerifierKey = verifierKey(logVerifierKey);
    }

    @Override
    public byte[] signingKey() {
      return signingKey.clone();
    }

    @Override
    public List<byte[]> platformKeys() {
      return platformKeys.stream().map(byte[]::clone).toList();
    }

    /** Everything current, in a stable order. */
    List<Item> items() {
      List<Item> out = new ArrayList<>();
      out.add(policy);
      measurements.stream()
          .sorted(Comparator.comparing(Digest::toString))
          .forEach(m -> out.add(new Measurement(m)));
      out.add(new SigningKey(signingKey));
      platformKeys.forEach(k -> out.add(new PlatformKey(k)));
      out.add(new LogKey(logVerifierKey));
      return out;
    }
  }

  public TrustRoot {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(ORDER);
    entries = List.copyOf(sorted);
    validate(entries);
    List<Checkpoint> cps = new ArrayList<>(checkpoints);
    cps.sort(Comparator.comparing(Checkpoint::origin));
    for (int i = 1; i < cps.size(); i++) {
      if (cps.get(i).origin().equals(cps.get(i - 1).origin())) {
        throw new IllegalArgumentException(
            "two checkpoints pinned for one log: " + cps.get(i).origin());
      }
    }
    checkpoints = List.copyOf(cps);
    if (requiredWitnesses < 0) {
      throw new IllegalArgumentException(
          "the number of required witnesses is 0 or more, not " + requiredWitnesses);
    }
  }

  /** A root refusing unattested builders. */
  public TrustRoot(
      List<Entry> entries,
      boolean acceptsSnapshots,
      List<Checkpoint> checkpoints,
      int requiredWitnesses) {
    this(entries, acceptsSnapshots, checkpoints, requiredWitnesses, false);
  }

  /** A root demanding no witness. */
  public TrustRoot(List<Entry> entries, boolean acceptsSnapshots, List<Checkpoint> checkpoints) {
    this(entries, acceptsSnapshots, checkpoints, 0, false);
  }

  /** A root with these entries, refusing snapshot certificates, pinning no checkpoint. */
  public TrustRoot(List<Entry> entries) {
    this(entries, false, List.of(), 0, false);
  }

  /** A trust root that trusts nothing. */
  public static TrustRoot empty() {
    return new TrustRoot(List.of());
  }

  private TrustRoot withEntries(List<Entry> es) {
    return new TrustRoot(
        es, acceptsSnapshots, checkpoints, requiredWitnesses, acceptsUnattestedBuilders);
  }

  /**
   * This root accepting (or refusing) certificates made from a snapshot. A snapshot only claims its
   * cluster's identity: whoever writes one can name any cluster.
   */
  public TrustRoot withSnapshotsAccepted(boolean accept) {
    return new TrustRoot(
        entries, accept, checkpoints, requiredWitnesses, acceptsUnattestedBuilders);
  }

  /**
   * This root demanding {@code n} cosignatures, by distinct witnesses it trusts, on the checkpoint
   * a verification relies on for revocation (0: none).
   */
  public TrustRoot withRequiredWitnesses(int n) {
    return new TrustRoot(entries, acceptsSnapshots, checkpoints, n, acceptsUnattestedBuilders);
  }

  /**
   * This root accepting (or refusing) image provenance from a builder that names no measurement: a
   * plain key ({@link BuilderKey}) outside any TEE, whose holder can sign whatever they like.
   */
  public TrustRoot withUnattestedBuildersAccepted(boolean accept) {
    return new TrustRoot(entries, acceptsSnapshots, checkpoints, requiredWitnesses, accept);
  }

  /**
   * This root trusting {@code item} from {@code from} on, if it is not trusted then already: how
   * builder keys and measurements are added ({@link #sync} leaves them alone; {@link #retire} ends
   * one's trust). An open window of the item that starts later is moved back to {@code from}.
   *
   * @throws IllegalArgumentException if that would overlap a window the item had before (it was
   *     retired after {@code from})
   */
  public TrustRoot withTrusted(Item item, Instant from) {
    if (trustedAt(item, from)) {
      return this;
    }
    List<Entry> out = new ArrayList<>();
    boolean moved = false;
    for (Entry e : entries) {
      if (e.isOpen() && id(e.item()).equals(id(item))) {
        out.add(new Entry(e.item(), from, null));
        moved = true;
      } else {
        out.add(e);
      }
    }
    if (!moved) {
      out.add(new Entry(item, from, null));
    }
    return withEntries(out);
  }

  /**
   * This root trusting the witness {@code verifierKey} from {@code now} (if it is not trusted then
   * already). {@link #sync} leaves witnesses alone; {@link #retire} ends one's trust.
   *
   * @throws IllegalArgumentException if it is not a cosignature/v1 verifier key
   */
  public TrustRoot withWitness(String verifierKey, Instant now) {
    WitnessKey w = new WitnessKey(verifierKey);
    if (trustedAt(w, now)
        || entries.stream().anyMatch(e -> e.isOpen() && id(e.item()).equals(id(w)))) {
      return this;
    }
    List<Entry> out = new ArrayList<>(entries);
    out.add(new Entry(w, now, null));
    return withEntries(out);
  }

  /** The checkpoint this root pins for the log named {@code origin}, if any. */
  public Optional<Checkpoint> pinnedCheckpoint(String origin) {
    return checkpoints.stream().filter(c -> c.origin().equals(origin)).findFirst();
  }

  /**
   * Checks that {@code ledger}'s current checkpoint extends the one this root pins for that log: at
   * least as large, and a consistency proof from the pinned tree to it verifies. A ledger without
   * checkpoints (a chain) and a log this root pins nothing for pass.
   *
   * @throws LedgerException when the log was rolled back behind the pin or rewritten
   */
  public void requireConsistent(Ledger ledger) throws LedgerException {
    Optional<String> note = ledger.signedCheckpoint();
    if (note.isEmpty()) {
      return;
    }
    Checkpoint now = Checkpoint.parse(note.get());
    Optional<Checkpoint> pinned = pinnedCheckpoint(now.origin());
    if (pinned.isEmpty()) {
      return;
    }
    Checkpoint pin = pinned.get();
    if (now.size() < pin.size()) {
      throw new LedgerException(
          ledger.describe()
              + " is at size "
              + now.size()
              + ", behind the checkpoint the trust root pins (size "
              + pin.size()
              + "): it was rolled back or replaced",
          "restore the log from a backup that holds the pinned checkpoint; until then, what it"
              + " says about revocations can't be trusted");
    }
    boolean consistent =
        now.size() == pin.size()
            ? java.security.MessageDigest.isEqual(now.root(), pin.root())
            : Merkle.verifyConsistency(
                pin.size(),
                now.size(),
                ledger.consistencyProof(pin.size(), now.size()),
                pin.root(),
                now.root());
    if (!consistent) {
      throw new LedgerException(
          ledger.describe()
              + " at size "
              + now.size()
              + " is not an extension of the checkpoint the trust root pins (size "
              + pin.size()
              + "): its entries were rewritten",
          "restore the log from a backup that holds the pinned checkpoint; until then, what it"
              + " says about revocations can't be trusted");
    }
  }

  /**
   * Checks that {@code note} (a checkpoint) carries at least {@link #requiredWitnesses()} valid
   * cosignatures by distinct witnesses this root trusts at {@code now} (a retired witness's
   * cosignatures do not count, whatever time they state), dated no later than {@code now}. A root
   * that demands none passes.
   *
   * @throws LedgerException naming how many of how many verified, and which did not
   */
  public void requireWitnessed(String note, Instant now) throws LedgerException {
    if (requiredWitnesses == 0) {
      return;
    }
    int ok = 0;
    List<String> missing = new ArrayList<>();
    for (WitnessKey w : items(WitnessKey.class)) {
      String name = w.key().describe();
      Optional<Instant> at;
      try {
        at = Cosignature.verify(note, w.key());
      } catch (LedgerException e) {
        missing.add(name + " (invalid cosignature)");
        continue;
      }
      if (at.isEmpty()) {
        missing.add(name + " (no cosignature)");
      } else if (at.get().isAfter(now)) {
        missing.add(name + " (cosigned in the future, at " + at.get() + ")");
      } else if (!trustedAt(w, now)) {
        // a witness's own timestamp proves nothing once its key is retired (it could backdate):
        // only witnesses trusted now count
        missing.add(
            name
                + " (cosigned at "
                + at.get()
                + ", but trusted only "
                + CertificateVerifier.windows(windows(w))
                + ")");
      } else {
        ok++;
      }
    }
    if (ok >= requiredWitnesses) {
      return;
    }
    Checkpoint cp = Checkpoint.parse(note);
    throw new LedgerException(
        ok
            + " of "
            + requiredWitnesses
            + " required cosignatures on the checkpoint of "
            + cp.origin()
            + " at size "
            + cp.size()
            + (missing.isEmpty()
                ? " (the trust root lists no witness)"
                : ": " + String.join(", ", missing)),
        "have the witnesses cosign the log's current checkpoint (cairn ledger witness), then get"
            + " a fresh proof or verify again");
  }

  /**
   * This root pinning {@code ledger}'s current checkpoint, after {@link #requireConsistent}: the
   * pin only moves forward along one log. A ledger without checkpoints leaves the root as it is.
   */
  public TrustRoot withCheckpointOf(Ledger ledger) throws LedgerException {
    requireConsistent(ledger);
    Optional<String> note = ledger.signedCheckpoint();
    if (note.isEmpty()) {
      return this;
    }
    Checkpoint now = Checkpoint.parse(note.get());
    List<Checkpoint> out = new ArrayList<>();
    for (Checkpoint c : checkpoints) {
      if (!c.origin().equals(now.origin())) {
        out.add(c);
      }
    }
    out.add(now);
    return new TrustRoot(
        entries, acceptsSnapshots, out, requiredWitnesses, acceptsUnattestedBuilders);
  }

  /**
   * This root brought up to what the attestation service and the log publish at {@code now}:
   * whatever is current and not trusted at {@code now} gets a new open window from {@code now};
   * whatever has an open window and is no longer current gets that window closed at {@code now}.
   * Ledger pins, witnesses and builder keys and measurements are left alone ({@link
   * #withLedgerPin}, {@link #withWitness}, {@link #withTrusted}). A policy known only by its digest
   * (migrated) takes the name and version of the current one with that digest.
   *
   * @throws IllegalArgumentException if a window to close starts after {@code now} (a clock that
   *     went back), or the current policy's digest is listed under another name or version
   */
  public TrustRoot sync(Snapshot current, Instant now) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.item() instanceof Policy p
          && p.digest().equals(current.policy().digest())
          && !p.equals(current.policy())) {
        if (!p.name().isEmpty()) {
          throw new IllegalArgumentException(
              "policy "
                  + p.digest()
                  + " is "
                  + p.name()
                  + " v"
                  + p.version()
                  + " in the trust root but "
                  + current.policy().name()
                  + " v"
                  + current.policy().version()
                  + " now");
        }
        e = new Entry(current.policy(), e.validFrom(), e.validUntil());
      }
      out.add(e);
    }
    List<Item> items = current.items();
    Set<String> currentIds = new LinkedHashSet<>();
    items.forEach(i -> currentIds.add(id(i)));
    for (int i = 0; i < out.size(); i++) {
      Entry e = out.get(i);
      if (e.isOpen()
          && !(e.item() instanceof LedgerPin)
          && !(e.item() instanceof WitnessKey)
          && !(e.item() instanceof BuilderKey)
          && !(e.item() instanceof BuilderMeasurement)
          && !currentIds.contains(id(e.item()))) {
        out.set(i, close(e, now));
      }
    }
    for (Item item : items) {
      if (out.stream()
          .noneMatch(e -> id(e.item()).equals(id(item)) && (e.isOpen() || e.contains(now)))) {
        out.add(new Entry(item, now, null));
      }
    }
    return withEntries(out);
  }

  /**
   * This root with {@code pin} trusted from {@code now} (if it is not trusted then already). Other
   * pins of the same registry (contract and chain) that are still open are closed at {@code now}:
   * what they recorded before stays trusted. Pins of other registries are kept as they are.
   */
  public TrustRoot withLedgerPin(LedgerPin pin, Instant now) {
    if (entries.stream()
        .anyMatch(e -> id(e.item()).equals(id(pin)) && (e.isOpen() || e.contains(now)))) {
      return this;
    }
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      out.add(
          e.isOpen()
                  && e.item() instanceof LedgerPin p
                  && p.sameRegistry(pin.address(), pin.chainId())
              ? close(e, now)
              : e);
    }
    out.add(new Entry(pin, now, null));
    return withEntries(out);
  }

  /**
   * This root with {@code item} no longer trusted from {@code at} on, e.g. a signing key after a
   * compromise: every window of the item is cut at {@code at} (a window that starts at or after
   * {@code at} is dropped). What the item made before {@code at} stays trusted. Note that {@link
   * #sync} trusts the item again if the attestation service still publishes it: rotate it there.
   *
   * @throws IllegalArgumentException if the root does not list {@code item}
   */
  public TrustRoot retire(Item item, Instant at) {
    String id = id(item);
    if (entries.stream().noneMatch(e -> id(e.item()).equals(id))) {
      throw new IllegalArgumentException("the trust root does not list " + item.describe());
    }
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (!id(e.item()).equals(id) || (e.validUntil() != null && !e.validUntil().isAfter(at))) {
        out.add(e);
      } else if (e.validFrom() == null || e.validFrom().isBefore(at)) {
        out.add(new Entry(e.item(), e.validFrom(), at));
      }
    }
    return withEntries(out);
  }

  /** True when {@code item} was trusted at {@code t}. */
  public boolean trustedAt(Item item, Instant t) {
    String id = id(item);
    return entries.stream().anyMatch(e -> id(e.item()).equals(id) && e.contains(t));
  }

  /** Every window of {@code item}, oldest first (empty if the root does not list it). */
  public List<Entry> windows(Item item) {
    String id = id(item);
    return entries.stream().filter(e -> id(e.item()).equals(id)).toList();
  }

  /** The items of a kind that were trusted at {@code t}. */
  public <T extends Item> List<T> trustedAt(Class<T> kind, Instant t) {
    return distinct(kind, entries.stream().filter(e -> e.contains(t)).toList());
  }

  /** The items of a kind that are still trusted (have an open window). */
  public <T extends Item> List<T> current(Class<T> kind) {
    return distinct(kind, entries.stream().filter(Entry::isOpen).toList());
  }

  /** Every item of a kind the root lists, in any window. */
  public <T extends Item> List<T> items(Class<T> kind) {
    return distinct(kind, entries);
  }

  /** The JSON document ({@link #MEDIA_TYPE}), pretty-printed, in canonical order. */
  public String toJson() {
    return TrustRootJson.write(this);
  }

  /**
   * Reads a trust root: the current document ({@link #MEDIA_TYPE}), the previous one ({@link
   * #MEDIA_TYPE_V2}: snapshots refused, no checkpoint pinned) or the older unversioned trust.json,
   * whose every item becomes an entry trusted since before the root existed and still open. Fails
   * on duplicate or unknown keys, missing or malformed fields, overlapping windows and unknown
   * versions.
   */
  public static TrustRoot parse(String json) throws CairnException {
    return TrustRootJson.read(json);
  }

  private static Entry close(Entry e, Instant now) {
    if (e.validFrom() != null && now.isBefore(e.validFrom())) {
      throw new IllegalArgumentException(
          "cannot close the window of "
              + e.item().describe()
              + " at "
              + now
              + ": it starts at "
              + e.validFrom()
              + " (did the clock go back?)");
    }
    return new Entry(e.item(), e.validFrom(), now);
  }

  private static <T extends Item> List<T> distinct(Class<T> kind, List<Entry> es) {
    Map<String, T> out = new LinkedHashMap<>();
    for (Entry e : es) {
      if (kind.isInstance(e.item())) {
        out.putIfAbsent(id(e.item()), kind.cast(e.item()));
      }
    }
    return List.copyOf(out.values());
  }

  /** The identity under which an item's windows are kept. */
  static String id(Item i) {
    return switch (i) {
      case Policy p -> "policy " + p.digest();
      case Measurement m -> "measurement " + m.digest();
      case SigningKey k -> "signing key " + Base64.getEncoder().encodeToString(k.key);
      case PlatformKey k -> "platform key " + Base64.getEncoder().encodeToString(k.key);
      case LogKey k -> "log key " + k.verifierKey();
      case LedgerPin p ->
          "ledger "
              + p.registry()
              + " chain "
              + p.chainId()
              + " issuer "
              + p.issuer().toLowerCase(Locale.ROOT)
              + (p.contractVersion() == 1 ? "" : " contract v" + p.contractVersion());
      case WitnessKey w -> "witness " + w.verifierKey();
      case BuilderKey k -> "builder key " + Base64.getEncoder().encodeToString(k.spki);
      case BuilderMeasurement m -> "builder measurement " + m.digest();
    };
  }

  static int rank(Item i) {
    return switch (i) {
      case Policy p -> 0;
      case Measurement m -> 1;
      case SigningKey k -> 2;
      case PlatformKey k -> 3;
      case LogKey k -> 4;
      case LedgerPin p -> 5;
      case WitnessKey w -> 6;
      case BuilderKey k -> 7;
      case BuilderMeasurement m -> 8;
    };
  }

  private static final Comparator<@Nullable Instant> NULL_FIRST =
      Comparator.nullsFirst(Comparator.<Instant>naturalOrder());
  private static final Comparator<@Nullable Instant> NULL_LAST =
      Comparator.nullsLast(Comparator.<Instant>naturalOrder());
  private static final Comparator<Entry> ORDER =
      Comparator.<Entry>comparingInt(e -> rank(e.item()))
          .thenComparing(Entry::validFrom, NULL_FIRST)
          .thenComparing(e -> id(e.item()))
          .thenComparing(Entry::validUntil, NULL_LAST);

  /** No two windows of one item overlap; one item has one description (policy name, version). */
  private static void validate(List<Entry> entries) {
    Map<String, List<Entry>> byId = new HashMap<>();
    for (Entry e : entries) {
      byId.computeIfAbsent(id(e.item()), k -> new ArrayList<>()).add(e);
    }
    for (List<Entry> ws : byId.values()) {
      for (int i = 1; i < ws.size(); i++) {
        Entry prev = ws.get(i - 1);
        Entry next = ws.get(i);
        if (!prev.item().equals(next.item())) {
          throw new IllegalArgumentException(
              "one item, two descriptions: " + prev.item() + " and " + next.item());
        }
        Instant end = prev.validUntil();
        Instant start = next.validFrom();
        if (end == null || start == null || start.isBefore(end)) {
          throw new IllegalArgumentException(
              "overlapping windows of "
                  + next.item().describe()
                  + ": "
                  + prev.window()
                  + " and "
                  + next.window());
        }
      }
    }
  }

  private static String verifierKey(String k) {
    String[] parts = k.split("\\+", 3);
    if (parts.length != 3 || parts[0].isEmpty() || !parts[1].matches("[0-9a-f]{8}")) {
      throw new IllegalArgumentException("not a note verifier key (want name+hash+key): " + k);
    }
    return k;
  }

  private static byte[] ed25519(byte[] key, String what) {
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "a " + what + " is a raw 32-byte Ed25519 public key, not " + key.length + " bytes");
    }
    return key.clone();
  }

  /** An ECDSA P-256 SubjectPublicKeyInfo, else an {@link IllegalArgumentException}. */
  private static byte[] p256(byte[] spki) {
    try {
      java.security.PublicKey k =
          java.security.KeyFactory.getInstance("EC")
              .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
      if (!(k instanceof java.security.interfaces.ECPublicKey ec)
          || ec.getParams().getCurve().getField().getFieldSize() != 256
          || !java.util.Arrays.equals(k.getEncoded(), spki)) {
        throw new java.security.GeneralSecurityException("not a P-256 key");
      }
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "a builder key is an ECDSA P-256 public key (X.509 SubjectPublicKeyInfo DER)", e);
    }
    return spki.clone();
  }
}
