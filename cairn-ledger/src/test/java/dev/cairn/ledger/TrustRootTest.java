package dev.cairn.ledger;

import static dev.cairn.ledger.Fixtures.LOG;
import static dev.cairn.ledger.Fixtures.MEASUREMENT;
import static dev.cairn.ledger.Fixtures.PLATFORM;
import static dev.cairn.ledger.Fixtures.POLICY;
import static dev.cairn.ledger.Fixtures.SIGNING;
import static dev.cairn.ledger.Fixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.Digest;
import dev.cairn.ledger.TrustRoot.Entry;
import dev.cairn.ledger.TrustRoot.LedgerPin;
import dev.cairn.ledger.TrustRoot.LogKey;
import dev.cairn.ledger.TrustRoot.Measurement;
import dev.cairn.ledger.TrustRoot.PlatformKey;
import dev.cairn.ledger.TrustRoot.Policy;
import dev.cairn.ledger.TrustRoot.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustRootTest {
  static final Path TRUST = Path.of("src/test/resources/trust");
  static final Instant T1 = Instant.parse("2026-04-01T08:00:00Z");
  static final Instant UPGRADE = Instant.parse("2026-05-06T09:00:00Z");
  static final Policy POLICY_2 =
      new Policy(Digest.sha256("policy cairn-scanner v2"), "cairn-scanner", 2);
  static final Digest MEASUREMENT_2 = Digest.sha256("scanner build 2");
  static final KeyPair SIGNING_2 = Fixtures.keyPair("signing key 2");
  static final String REGISTRY =
      "ethereum:http://127.0.0.1:8545#0x5fbdb2315678afecb367f032d93f642f64180aa3";
  static final LedgerPin PIN_1 =
      new LedgerPin(REGISTRY, 31337, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
  static final LedgerPin PIN_2 =
      new LedgerPin(REGISTRY, 31337, "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");

  static TrustRoot.Snapshot v1() {
    return Fixtures.snapshot(POLICY, MEASUREMENT, SIGNING, PLATFORM, LOG);
  }

  static TrustRoot.Snapshot v2() {
    return Fixtures.snapshot(POLICY_2, MEASUREMENT_2, SIGNING_2, PLATFORM, LOG);
  }

  static String read(String name) throws Exception {
    return Files.readString(TRUST.resolve(name));
  }

  static CairnException parseFails(String json) {
    try {
      TrustRoot.parse(json);
    } catch (CairnException e) {
      return e;
    }
    throw new AssertionError("parsed: " + json);
  }

  /** The example of version 2: an old trust.json, named, upgraded, its ledger issuer replaced. */
  static TrustRoot grownV2() throws Exception {
    return TrustRoot.parse(read("v1-trust.json"))
        .sync(v1(), T1)
        .sync(v2(), UPGRADE)
        .withLedgerPin(PIN_2, UPGRADE);
  }

  @TempDir static Path logs;

  /** A log of {@code n} entries signed with the fixtures' log key, in its own directory. */
  static TransparencyLog log(String name, int n) throws Exception {
    TransparencyLog log = TransparencyLog.open(logs.resolve(name), LOG);
    for (int i = (int) log.size(); i < n; i++) {
      log.issue(TransparencyLogTest.issued(i, "c"));
    }
    return log;
  }

  /** The documented example: version 2's, with the log's checkpoint at size 3 pinned. */
  static TrustRoot grown() throws Exception {
    try (TransparencyLog log = log("example", 3)) {
      return grownV2().withCheckpointOf(log);
    }
  }

  @Test
  void sync_fromEmpty_opensAWindowForEverythingCurrent() {
    TrustRoot r = TrustRoot.empty().sync(v1(), T1);
    assertThat(r.entries()).hasSize(5).allMatch(e -> T1.equals(e.validFrom()) && e.isOpen());
    assertThat(r.current(Policy.class)).containsExactly(POLICY);
    assertThat(r.current(SigningKey.class)).containsExactly(new SigningKey(raw(SIGNING)));
    assertThat(r.trustedAt(new Measurement(MEASUREMENT), T1)).isTrue();
    assertThat(r.trustedAt(new Measurement(MEASUREMENT), T1.minusNanos(1))).isFalse();
    assertThat(r.sync(v1(), UPGRADE)).as("nothing changed, nothing appended").isEqualTo(r);
  }

  @Test
  void sync_anUpgrade_appendsTheNewAndClosesTheOld() {
    TrustRoot before = TrustRoot.empty().sync(v1(), T1);
    TrustRoot after = before.sync(v2(), UPGRADE);
    assertThat(after.entries()).hasSize(8).containsAll(closed(before.entries().subList(0, 3)));
    assertThat(after.windows(POLICY)).containsExactly(new Entry(POLICY, T1, UPGRADE));
    assertThat(after.windows(POLICY_2)).containsExactly(new Entry(POLICY_2, UPGRADE, null));
    assertThat(after.windows(new PlatformKey(raw(PLATFORM))))
        .as("still current: untouched")
        .containsExactly(new Entry(new PlatformKey(raw(PLATFORM)), T1, null));
    assertThat(after.trustedAt(Measurement.class, UPGRADE.minusSeconds(1)))
        .containsExactly(new Measurement(MEASUREMENT));
    assertThat(after.trustedAt(Measurement.class, UPGRADE))
        .containsExactly(new Measurement(MEASUREMENT_2));
    assertThat(after.items(SigningKey.class))
        .containsExactly(new SigningKey(raw(SIGNING)), new SigningKey(raw(SIGNING_2)));
    // and a downgrade back: a second window for the old items, the first kept
    TrustRoot back = after.sync(v1(), UPGRADE.plusSeconds(3600));
    assertThat(back.windows(POLICY))
        .containsExactly(
            new Entry(POLICY, T1, UPGRADE), new Entry(POLICY, UPGRADE.plusSeconds(3600), null));
    assertThat(back.trustedAt(POLICY, UPGRADE.plusSeconds(60))).isFalse();
  }

  private static List<Entry> closed(List<Entry> es) {
    return es.stream().map(e -> new Entry(e.item(), e.validFrom(), UPGRADE)).toList();
  }

  @Test
  void sync_whenTheClockWentBack_refusesToCloseAWindowBeforeItStarts() {
    TrustRoot r = TrustRoot.empty().sync(v1(), UPGRADE);
    assertThatThrownBy(() -> r.sync(v2(), T1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("did the clock go back?");
  }

  @Test
  void sync_namesAMigratedPolicy_keepingItsWindow() throws Exception {
    TrustRoot migrated = TrustRoot.parse(read("v1-trust.json"));
    assertThat(migrated.current(Policy.class)).containsExactly(Policy.of(POLICY.digest()));
    TrustRoot named = migrated.sync(v1(), T1);
    assertThat(named.windows(POLICY)).containsExactly(new Entry(POLICY, null, null));
    assertThat(named.entries()).hasSameSizeAs(migrated.entries());
  }

  @Test
  void withLedgerPin_appendsTheNewIssuer_closesTheOldOneOfTheSameRegistry_keepsOthers() {
    LedgerPin elsewhere =
        new LedgerPin("ethereum:env:RPC#0x" + "22".repeat(20), 1, "0x" + "33".repeat(20));
    TrustRoot r = TrustRoot.empty().withLedgerPin(PIN_1, T1).withLedgerPin(elsewhere, T1);
    assertThat(r.withLedgerPin(PIN_1, UPGRADE)).isEqualTo(r);
    TrustRoot replaced = r.withLedgerPin(PIN_2, UPGRADE);
    assertThat(replaced.windows(PIN_1)).containsExactly(new Entry(PIN_1, T1, UPGRADE));
    assertThat(replaced.current(LedgerPin.class)).containsExactlyInAnyOrder(PIN_2, elsewhere);
    assertThat(replaced.sync(v1(), UPGRADE).current(LedgerPin.class))
        .as("sync leaves pins alone")
        .containsExactlyInAnyOrder(PIN_2, elsewhere);
  }

  @Test
  void ledgerPins_nameTheirContractVersion_absentMeaningVersion1() throws Exception {
    LedgerPin v2 =
        new LedgerPin("ethereum:env:RPC#0x" + "44".repeat(20), 31337, "0x" + "55".repeat(20), 2);
    assertThat(PIN_1.contractVersion()).isEqualTo(1);
    TrustRoot r = TrustRoot.empty().withLedgerPin(PIN_1, T1).withLedgerPin(v2, UPGRADE);
    String json = r.toJson();
    // a version 1 pin is written as before versions existed; a version 2 pin says so
    assertThat(json).containsOnlyOnce("\"contractVersion\" : 2");
    TrustRoot back = TrustRoot.parse(json);
    assertThat(back).isEqualTo(r);
    assertThat(back.current(LedgerPin.class)).containsExactlyInAnyOrder(PIN_1, v2);
    assertThat(v2.describe()).endsWith("(chain 31337, contract version 2)");
    assertThat(PIN_1.describe()).endsWith("(chain 31337)");
    // another registry: both stay open, the upgrade keeps version 1's certificates trusted
    assertThat(back.windows(PIN_1)).containsExactly(new Entry(PIN_1, T1, null));
    assertThat(
            parseFails(json.replace("\"contractVersion\" : 2", "\"contractVersion\" : 3"))
                .getMessage())
        .isEqualTo(
            "not a Cairn trust file: ledgers[1]: a registry's contract version is 1 to 2, not 3");
    assertThat(
            parseFails(json.replace("\"contractVersion\" : 2", "\"contractVersion\" : \"2\""))
                .getMessage())
        .isEqualTo("not a Cairn trust file: ledgers[1].contractVersion is not a whole number");
  }

  @Test
  void retire_cutsEveryWindowAtTheCompromise() {
    SigningKey key = new SigningKey(raw(SIGNING));
    Instant compromise = UPGRADE.minusSeconds(7200);
    TrustRoot r = TrustRoot.empty().sync(v1(), T1).sync(v2(), UPGRADE);
    TrustRoot retired = r.retire(key, compromise);
    assertThat(retired.windows(key)).containsExactly(new Entry(key, T1, compromise));
    assertThat(retired.trustedAt(key, compromise.minusNanos(1))).isTrue();
    assertThat(retired.trustedAt(key, compromise)).isFalse();
    // an open window is closed; one that starts after the compromise goes
    TrustRoot reopened = r.sync(v1(), UPGRADE.plusSeconds(60));
    assertThat(reopened.retire(key, compromise).windows(key))
        .containsExactly(new Entry(key, T1, compromise));
    assertThat(reopened.retire(key, UPGRADE.plusSeconds(120)).windows(key))
        .containsExactly(
            new Entry(key, T1, UPGRADE),
            new Entry(key, UPGRADE.plusSeconds(60), UPGRADE.plusSeconds(120)));
    assertThatThrownBy(() -> r.retire(new Measurement(Digest.sha256("never")), T1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the trust root does not list scanner measurement " + Digest.sha256("never"));
  }

  @Test
  void json_roundTrip_isExactAndStable() throws Exception {
    TrustRoot r = grown().retire(new PlatformKey(raw(PLATFORM)), UPGRADE.plusSeconds(86_400));
    String json = r.toJson();
    TrustRoot back = TrustRoot.parse(json);
    assertThat(back).isEqualTo(r);
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(json)
        .startsWith(
            "{\n  \"mediaType\" : \"application/vnd.cairn.trust-root+json;version=5\",\n"
                + "  \"acceptSnapshots\" : false,\n"
                + "  \"acceptUnattestedBuilders\" : false,");
    TrustRoot accepting = r.withSnapshotsAccepted(true);
    assertThat(TrustRoot.parse(accepting.toJson())).isEqualTo(accepting).isNotEqualTo(r);
  }

  @Test
  void json_order_doesNotDependOnHistory() {
    TrustRoot a = TrustRoot.empty().sync(v1(), T1).withLedgerPin(PIN_1, T1);
    List<Entry> reversed = new ArrayList<>(a.entries());
    java.util.Collections.reverse(reversed);
    assertThat(new TrustRoot(reversed).toJson()).isEqualTo(a.toJson());
  }

  @Test
  void json_theDocumentedExample_isWhatTheCodeWrites() throws Exception {
    Path example = TRUST.resolve("v5-trust.json");
    TrustRoot built = grownV5();
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(example, built.toJson());
    }
    assertThat(Files.readString(example)).isEqualTo(built.toJson());
    assertThat(TrustRoot.parse(Files.readString(example))).isEqualTo(built);
  }

  /** A fixed ECDSA P-256 public key (SubjectPublicKeyInfo DER). */
  static final byte[] BUILDER_SPKI =
      java.util.Base64.getDecoder()
          .decode(
              "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEy69wqNxKGVgxpKFKeBnaT8PKmPjdOlNhjAgN7VHk20Ncev"
                  + "RfXgWX9P75Ke+rcpMkp8nwRv2Bd/Z0OfqLgc8Xig==");

  static final Digest BUILDER_1 = Digest.sha256("builder build 1");
  static final Digest BUILDER_2 = Digest.sha256("builder build 2");

  /**
   * {@link #grownV4()}, then a builder key and a builder measurement trusted at the upgrade, the
   * measurement replaced by another a day later.
   */
  static TrustRoot grownV5() throws Exception {
    Instant day = UPGRADE.plusSeconds(86_400);
    return grownV4()
        .withTrusted(new TrustRoot.BuilderKey(BUILDER_SPKI), UPGRADE)
        .withTrusted(new TrustRoot.BuilderMeasurement(BUILDER_1), UPGRADE)
        .retire(new TrustRoot.BuilderMeasurement(BUILDER_1), day)
        .withTrusted(new TrustRoot.BuilderMeasurement(BUILDER_2), day);
  }

  @Test
  void parse_version4_isRead_withNoBuilders_refusingUnattested_andWrittenAsVersion5()
      throws Exception {
    TrustRoot r = TrustRoot.parse(read("v4-trust.json"));
    assertThat(r).isEqualTo(grownV4());
    assertThat(r.acceptsUnattestedBuilders()).isFalse();
    assertThat(r.items(TrustRoot.BuilderKey.class)).isEmpty();
    assertThat(r.toJson())
        .contains("\"mediaType\" : \"application/vnd.cairn.trust-root+json;version=5\"")
        .contains("\"builderKeys\" : [ ]")
        .contains("\"builderMeasurements\" : [ ]");
    // version 4 has no builder fields: one there is refused as misspelt, not silently dropped
    assertThat(
            parseFails(
                    read("v4-trust.json")
                        .replace(
                            "\"acceptSnapshots\"",
                            "\"acceptUnattestedBuilders\" : true,\n  \"acceptSnapshots\""))
                .getMessage())
        .isEqualTo(
            "not a Cairn trust file: acceptUnattestedBuilders is not a field of a trust root"
                + " (misspelt?)");
  }

  @Test
  void builders_haveWindows_areKeptBySync_andTheSettingRoundTrips() throws Exception {
    TrustRoot r = grownV5();
    TrustRoot.BuilderKey key = new TrustRoot.BuilderKey(BUILDER_SPKI);
    assertThat(key.keyId()).isEqualTo(Digest.sha256(BUILDER_SPKI).toString());
    assertThat(key.describe()).isEqualTo("builder key " + key.keyId());
    assertThat(key.toString()).isEqualTo("BuilderKey[" + key.keyId() + "]");
    assertThat(key.publicKey().getEncoded()).isEqualTo(BUILDER_SPKI);
    assertThat(r.trustedAt(key, UPGRADE.minusSeconds(1))).isFalse();
    assertThat(r.trustedAt(key, UPGRADE)).isTrue();
    Instant day = UPGRADE.plusSeconds(86_400);
    TrustRoot.BuilderMeasurement m1 = new TrustRoot.BuilderMeasurement(BUILDER_1);
    assertThat(r.trustedAt(m1, day.minusSeconds(1))).isTrue();
    assertThat(r.trustedAt(m1, day)).isFalse();
    assertThat(r.trustedAt(new TrustRoot.BuilderMeasurement(BUILDER_2), day)).isTrue();
    assertThat(r.withTrusted(key, day)).isEqualTo(r);
    // trusted earlier than it was: its open window moves back, unless it would overlap an old one
    Instant earlier = UPGRADE.minusSeconds(86_400);
    assertThat(r.withTrusted(key, earlier).windows(key))
        .containsExactly(new Entry(key, earlier, null));
    TrustRoot.BuilderMeasurement m1again = new TrustRoot.BuilderMeasurement(BUILDER_1);
    TrustRoot back = r.withTrusted(m1again, day.plusSeconds(3600));
    assertThat(back.withTrusted(m1again, day.plusSeconds(60)).windows(m1again))
        .containsExactly(
            new Entry(m1again, UPGRADE, day), new Entry(m1again, day.plusSeconds(60), null));
    assertThatThrownBy(() -> back.withTrusted(m1again, T1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("overlapping windows of builder measurement");
    // sync leaves them alone: the attestation service's snapshot names scanner items only
    TrustRoot synced = r.sync(v2(), day.plusSeconds(60));
    assertThat(synced.current(TrustRoot.BuilderKey.class)).containsExactly(key);
    assertThat(synced.current(TrustRoot.BuilderMeasurement.class))
        .containsExactly(new TrustRoot.BuilderMeasurement(BUILDER_2));
    TrustRoot accepting = r.withUnattestedBuildersAccepted(true);
    assertThat(accepting.acceptsUnattestedBuilders()).isTrue();
    assertThat(TrustRoot.parse(accepting.toJson())).isEqualTo(accepting).isNotEqualTo(r);
    assertThat(accepting.withRequiredWitnesses(0).acceptsUnattestedBuilders()).isTrue();
  }

  @Test
  void builderKeys_areP256SubjectPublicKeyInfos_checkedWhenRead() throws Exception {
    assertThatThrownBy(() -> new TrustRoot.BuilderKey(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a builder key is an ECDSA P-256 public key (X.509 SubjectPublicKeyInfo DER)");
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    byte[] p384 = g.generateKeyPair().getPublic().getEncoded();
    assertThatThrownBy(() -> new TrustRoot.BuilderKey(p384))
        .isInstanceOf(IllegalArgumentException.class);
    String json = grownV5().toJson();
    String b64 = java.util.Base64.getEncoder().encodeToString(BUILDER_SPKI);
    assertThat(
            parseFails(
                    json.replace(b64, java.util.Base64.getEncoder().encodeToString(new byte[91])))
                .getMessage())
        .isEqualTo(
            "not a Cairn trust file: builderKeys[0].key is not an ECDSA P-256 public key (base64"
                + " of its SubjectPublicKeyInfo DER)");
    assertThat(
            parseFails(
                    json.replace(
                        Digest.sha256(BUILDER_SPKI).toString(), Digest.sha256("x").toString()))
                .getMessage())
        .isEqualTo("not a Cairn trust file: builderKeys[0].keyId does not match its key");
    assertThat(
            parseFails(
                    json.replace(
                        "\"acceptUnattestedBuilders\" : false", "\"acceptUnattestedBuilders\" : 1"))
                .getMessage())
        .isEqualTo(
            "not a Cairn trust file: acceptUnattestedBuilders is missing or not true or false");
  }

  /** {@link #grown()} and then two witnesses trusted, one of them retired, and one required. */
  static TrustRoot grownV4() throws Exception {
    return grown()
        .withWitness(WITNESS_1, UPGRADE)
        .withWitness(WITNESS_2, UPGRADE.plusSeconds(60))
        .retire(new TrustRoot.WitnessKey(WITNESS_2), UPGRADE.plusSeconds(3600))
        .withRequiredWitnesses(1);
  }

  static final String WITNESS_1 = Cosignature.verifierKey("witness.example/w1", new byte[32]);
  static final String WITNESS_2 =
      Cosignature.verifierKey(
          "witness.example/w2",
          java.util.HexFormat.of()
              .parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));

  @Test
  void parse_version3_isRead_withNoWitnesses_andWrittenAsVersion4() throws Exception {
    // the documented example of version 3 (docs/trust-root.md before witnesses)
    TrustRoot r = TrustRoot.parse(read("v3-trust.json"));
    TrustRoot now = grown();
    assertThat(r.entries()).isEqualTo(now.entries());
    // its pinned checkpoint was signed before checkpoints committed to a revocation map: the same
    // tree, without the extension line
    assertThat(r.checkpoints()).hasSize(1);
    assertThat(r.checkpoints().get(0).size()).isEqualTo(now.checkpoints().get(0).size());
    assertThat(r.checkpoints().get(0).root()).isEqualTo(now.checkpoints().get(0).root());
    assertThat(r.checkpoints().get(0).revocations()).isEmpty();
    assertThat(now.checkpoints().get(0).revocations()).isPresent();
    assertThat(r.requiredWitnesses()).isZero();
    assertThat(r.items(TrustRoot.WitnessKey.class)).isEmpty();
    assertThat(r.toJson())
        .contains("\"mediaType\" : \"application/vnd.cairn.trust-root+json;version=5\"")
        .contains("\"witnesses\" : [ ]")
        .contains("\"requiredWitnesses\" : 0\n}");
    assertThat(TrustRoot.parse(r.toJson())).isEqualTo(r);
    // version 3 has no witness fields: one there is refused as misspelt, not silently dropped
    assertThat(
            parseFails(
                    read("v3-trust.json")
                        .replace(
                            "\"acceptSnapshots\"",
                            "\"requiredWitnesses\" : 2,\n  \"acceptSnapshots\""))
                .getMessage())
        .isEqualTo(
            "not a Cairn trust file: requiredWitnesses is not a field of a trust root (misspelt?)");
  }

  @Test
  void witnesses_areKeptBySync_andRequiredWitnessesMustBeAWholeNumber() throws Exception {
    TrustRoot r = grownV4();
    TrustRoot synced = r.sync(v2(), UPGRADE.plusSeconds(7200));
    assertThat(synced.current(TrustRoot.WitnessKey.class))
        .containsExactly(new TrustRoot.WitnessKey(WITNESS_1));
    assertThat(synced.withWitness(WITNESS_1, UPGRADE.plusSeconds(9000))).isEqualTo(synced);
    String json = r.toJson().replace("\"requiredWitnesses\" : 1", "\"requiredWitnesses\" : -1");
    assertThat(parseFails(json).getMessage())
        .isEqualTo(
            "not a Cairn trust file: requiredWitnesses is missing or not a whole number of 0 or"
                + " more");
    String logKeyAsWitness = r.toJson().replace(WITNESS_1, LOG.verifierKey());
    assertThat(parseFails(logKeyAsWitness).getMessage())
        .startsWith("not a Cairn trust file: witnesses[0].verifierKey is witness verifier key")
        .contains("is not an Ed25519 cosignature/v1 key");
  }

  @Test
  void parse_version2_isRead_refusingSnapshots_pinningNothing() throws Exception {
    TrustRoot r = TrustRoot.parse(read("v2-trust.json"));
    assertThat(r).isEqualTo(grownV2());
    assertThat(r.acceptsSnapshots()).isFalse();
    assertThat(r.checkpoints()).isEmpty();
    assertThat(
            parseFails(
                    read("v2-trust.json")
                        .replace("\"policies\"", "\"acceptSnapshots\" : true,\n  \"policies\""))
                .getMessage())
        .isEqualTo(
            "not a Cairn trust file: acceptSnapshots is not a field of a trust root (misspelt?)");
  }

  @Test
  void checkpointPin_movesOnlyForward_alongOneLog() throws Exception {
    TrustRoot root = TrustRoot.empty().sync(v1(), T1);
    try (TransparencyLog log = log("forward", 2)) {
      TrustRoot pinned = root.withCheckpointOf(log);
      assertThat(pinned.pinnedCheckpoint(log.origin())).hasValue(log.checkpoint());
      log.issue(TransparencyLogTest.issued(7, "c"));
      pinned.requireConsistent(log);
      TrustRoot later = pinned.withCheckpointOf(log);
      assertThat(later.pinnedCheckpoint(log.origin()).orElseThrow().size()).isEqualTo(3);
      assertThat(later.checkpoints()).hasSize(1);
      assertThat(TrustRoot.parse(later.toJson())).isEqualTo(later);
    }
  }

  @Test
  void checkpointPin_aLogRolledBackOrRewritten_isCaught() throws Exception {
    TrustRoot pinned;
    try (TransparencyLog log = log("rollback", 3)) {
      pinned = TrustRoot.empty().sync(v1(), T1).withCheckpointOf(log);
    }
    // the same key, a shorter history: what an attacker gets by truncating entries and signing
    try (TransparencyLog shorter = log("shorter", 2)) {
      assertThatThrownBy(() -> pinned.requireConsistent(shorter))
          .isInstanceOf(LedgerException.class)
          .hasMessage(
              "embedded transparency log "
                  + logs.resolve("shorter")
                  + " is at size 2, behind the checkpoint the trust root pins (size 3): it was"
                  + " rolled back or replaced");
      assertThatThrownBy(() -> pinned.withCheckpointOf(shorter))
          .isInstanceOf(LedgerException.class);
    }
    // the same key and size, other entries
    try (TransparencyLog other = TransparencyLog.open(logs.resolve("other"), LOG)) {
      for (int i = 0; i < 4; i++) {
        other.issue(TransparencyLogTest.issued(i, "other"));
      }
      assertThatThrownBy(() -> pinned.requireConsistent(other))
          .isInstanceOf(LedgerException.class)
          .hasMessage(
              "embedded transparency log "
                  + logs.resolve("other")
                  + " at size 4 is not an extension of the checkpoint the trust root pins (size"
                  + " 3): its entries were rewritten");
    }
  }

  @Test
  void parse_aPinnedCheckpoint_mustSayWhatItsNoteSays() throws Exception {
    String json = grown().toJson().replaceFirst("\"size\" : 3", "\"size\" : 9");
    assertThat(parseFails(json).getMessage())
        .isEqualTo(
            "not a Cairn trust file: checkpoints[0].note does not say the origin, size and root"
                + " beside it");
  }

  @Test
  void parse_theOlderTrustJson_migratesEveryItemAsTrustedSinceBeforeAndOpen() throws Exception {
    TrustRoot r = TrustRoot.parse(read("v1-trust.json"));
    assertThat(r.entries()).hasSize(6).allMatch(e -> e.validFrom() == null && e.isOpen());
    assertThat(r.current(Policy.class)).containsExactly(Policy.of(POLICY.digest()));
    assertThat(r.current(Measurement.class)).containsExactly(new Measurement(MEASUREMENT));
    assertThat(r.current(SigningKey.class)).containsExactly(new SigningKey(raw(SIGNING)));
    assertThat(r.current(PlatformKey.class)).containsExactly(new PlatformKey(raw(PLATFORM)));
    assertThat(r.current(LogKey.class)).containsExactly(new LogKey(LOG.verifierKey()));
    assertThat(r.current(LedgerPin.class)).containsExactly(PIN_1);
    assertThat(r.trustedAt(new SigningKey(raw(SIGNING)), Instant.EPOCH)).isTrue();
    assertThat(TrustRoot.parse(r.toJson())).isEqualTo(r);
  }

  @Test
  void parse_theOlderTrustJson_withoutAChain_pinsNoLedger() throws Exception {
    String unpinned =
        read("v1-trust.json")
            .replaceAll("\"ledgerRegistry\" : \"[^\"]*\"", "\"ledgerRegistry\" : \"\"");
    assertThat(TrustRoot.parse(unpinned).items(LedgerPin.class)).isEmpty();
    String noLedger =
        read("v1-trust.json").replaceAll("(?m)^  \"ledger.*\n", "").replace("=\",\n}", "=\"\n}");
    assertThat(noLedger).doesNotContain("ledger");
    assertThat(TrustRoot.parse(noLedger).entries()).hasSize(5);
  }

  @Test
  void parse_anUnknownVersion_isRefusedWithAHint() {
    CairnException e =
        parseFails(
            "{\"mediaType\":\"application/vnd.cairn.trust-root+json;version=6\",\"future\":[]}");
    assertThat(e.getMessage())
        .isEqualTo(
            "trust root application/vnd.cairn.trust-root+json;version=6 is a version this Cairn"
                + " does not read (it reads application/vnd.cairn.trust-root+json;version=5,"
                + " version=4, version=3, version=2 and the older trust.json)");
    assertThat(e.hint())
        .hasValue("upgrade Cairn to one that reads it, or use a trust.json this version wrote");
    assertThat(parseFails("{\"mediaType\":\"application/json\"}").getMessage())
        .isEqualTo(
            "not a Cairn trust file: mediaType is application/json, not"
                + " application/vnd.cairn.trust-root+json;version=5");
  }

  @Test
  void parse_duplicateKeys_areRefused() throws Exception {
    String json = grown().toJson();
    String twice =
        json.replace("\"signingKeys\" : [", "\"signingKeys\" : [ ],\n  \"signingKeys\" : [");
    assertThat(twice).isNotEqualTo(json);
    assertThat(parseFails(twice).getMessage())
        .startsWith("not a Cairn trust file: Duplicate field 'signingKeys'")
        .contains(" at line ")
        .doesNotContain("\n");
    String inAnEntry =
        json.replaceFirst(
            "\"validUntil\" : (\"[^\"]*\")",
            "\"validUntil\" : $1, \"validUntil\" : \"2099-01-01T00:00:00Z\"");
    assertThat(inAnEntry).isNotEqualTo(json);
    assertThat(parseFails(inAnEntry).getMessage()).contains("Duplicate field 'validUntil'");
    String v1Twice =
        read("v1-trust.json")
            .replace("\"signingKey\" :", "\"signingKey\" : \"AAAA\",\n  \"signingKey\" :");
    assertThat(parseFails(v1Twice).getMessage()).contains("Duplicate field 'signingKey'");
  }

  @Test
  void parse_aMisspeltField_isRefused_ratherThanLeavingAWindowOpen() throws Exception {
    String json = grown().toJson().replaceFirst("\"validUntil\"", "\"validUntill\"");
    assertThat(parseFails(json).getMessage())
        .isEqualTo(
            "not a Cairn trust file: policies[0].validUntill is not a field of a trust root"
                + " (misspelt?)");
  }

  @Test
  void parse_malformedEntries_sayWhere() throws Exception {
    String json = grown().toJson();
    assertThat(
            parseFails(json.replaceFirst("\"validFrom\" : \"[^\"]*\"", "\"validFrom\" : \"soon\""))
                .getMessage())
        .isEqualTo(
            "not a Cairn trust file: policies[1].validFrom is not a time (an ISO-8601 instant,"
                + " e.g. 2026-01-31T12:00:00Z): soon");
    assertThat(
            parseFails(json.replaceFirst("\"key\" : \"[^\"]*\"", "\"key\" : \"AAAA\""))
                .getMessage())
        .isEqualTo(
            "not a Cairn trust file: signingKeys[0].key is not a raw 32-byte Ed25519 public key");
    assertThat(
            parseFails(json.replaceFirst("\"keyId\" : \"sha256:.", "\"keyId\" : \"sha256:0"))
                .getMessage())
        .isEqualTo("not a Cairn trust file: signingKeys[0].keyId does not match its key");
    assertThat(parseFails("[]").getMessage())
        .isEqualTo("not a Cairn trust file: the document is not a JSON object");
    assertThat(parseFails("{\"policy\":\"x\"}").getMessage())
        .startsWith("not a Cairn trust file: it has neither a mediaType nor the fields");
    assertThat(parseFails("{").hint())
        .hasValue("pass the trust.json published with the attestation service");
  }

  @Test
  void parse_overlappingWindowsOfOneItem_areRefused() throws Exception {
    String json =
        grown()
            .toJson()
            .replace(
                "\"logKeys\" : [ {",
                "\"logKeys\" : [ {\n    \"verifierKey\" : \""
                    + LOG.verifierKey()
                    + "\",\n    \"validFrom\" : \"2026-01-01T00:00:00Z\"\n  }, {");
    assertThat(parseFails(json).getMessage())
        .isEqualTo(
            "not a Cairn trust file: overlapping windows of log key "
                + new LogKey(LOG.verifierKey()).name()
                + ": always and from 2026-01-01T00:00:00Z on");
  }

  @Test
  void records_copyWhatTheyAreGiven() {
    byte[] key = raw(SIGNING);
    SigningKey k = new SigningKey(key);
    key[0] ^= 1;
    assertThat(k.key()).isEqualTo(raw(SIGNING));
    k.key()[0] ^= 1;
    assertThat(k.key()).isEqualTo(raw(SIGNING));
    List<Entry> entries = new ArrayList<>(TrustRoot.empty().sync(v1(), T1).entries());
    TrustRoot r = new TrustRoot(entries);
    entries.clear();
    assertThat(r.entries()).hasSize(5);
    assertThatThrownBy(() -> new SigningKey(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Entry(POLICY, UPGRADE, T1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            new TrustRoot.Snapshot(
                    POLICY, Set.of(MEASUREMENT), raw(SIGNING), List.of(), LOG.verifierKey())
                .platformKeys())
        .isEmpty();
  }

  @Test
  void windows_areWordedForMessages() {
    assertThat(new Entry(POLICY, null, null).window()).isEqualTo("always");
    assertThat(new Entry(POLICY, null, T1).window()).isEqualTo("until " + T1);
    assertThat(new Entry(POLICY, T1, null).window()).isEqualTo("from " + T1 + " on");
    assertThat(new Entry(POLICY, T1, UPGRADE).window())
        .isEqualTo("from " + T1 + " until " + UPGRADE);
    assertThat(POLICY.describe())
        .isEqualTo("attestation policy " + POLICY.digest() + " (cairn-scanner v1)");
    assertThat(new SigningKey(raw(SIGNING)).describe()).isEqualTo("key " + Fixtures.keyId(SIGNING));
  }
}
