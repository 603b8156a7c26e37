package dev.cairn.deploy.duties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BreakGlassTest {
  static final String DIGEST = "sha256:" + "ab".repeat(32);
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path tmp;
  IdentityKey olga; // Ops
  IdentityKey sam; // Sec
  IdentityKey otto; // Ops
  IdentityKey eve; // not in the roster
  IdentityKey both; // Ops and Sec
  Roster roster;

  IdentityKey make(String name) throws Exception {
    CairnHome h = CairnHome.of(tmp.resolve(name));
    Identities.init(h, name);
    return Identities.load(h);
  }

  @BeforeEach
  void setUp() throws Exception {
    olga = make("olga");
    sam = make("sam");
    otto = make("otto");
    eve = make("eve");
    both = make("both");
    roster =
        Roster.empty()
            .grant("olga", Duty.OPS, olga.identity().publicKey())
            .grant("sam", Duty.SEC, sam.identity().publicKey())
            .grant("otto", Duty.OPS, otto.identity().publicKey())
            .grant("both", Duty.OPS, both.identity().publicKey())
            .grant("both", Duty.SEC, null);
  }

  static BreakGlass request() {
    return BreakGlass.create(
        new OverrideRequest(
            "prod",
            DIGEST,
            "incident 42: certificate renewal blocked by the outage",
            List.of("certificate.expired"),
            NOW,
            NOW.plus(Duration.ofHours(2))));
  }

  @Test
  void opsAndSecByTwoIdentities_liftsTheNamedReasons() throws Exception {
    BreakGlass o = request().sign(olga).sign(sam);
    BreakGlass.Verified v = o.verify(roster, NOW.plusSeconds(60));
    assertThat(v.lifts()).containsExactly("certificate.expired");
    assertThat(v.ops()).isEqualTo("olga");
    assertThat(v.sec()).isEqualTo("sam");
    assertThat(v.lifts("prod", DIGEST, "certificate.expired")).isTrue();
    assertThat(v.lifts("staging", DIGEST, "certificate.expired")).isFalse();
    assertThat(v.lifts("prod", DIGEST, "provenance.missing")).isFalse();
  }

  @Test
  void signaturesSurviveTheFileBetweenSigners() throws Exception {
    String afterOlga = request().sign(olga).toJson();
    String afterSam = BreakGlass.parse(afterOlga).sign(sam).toJson();
    assertThat(BreakGlass.parse(afterSam).verify(roster, NOW).sec()).isEqualTo("sam");
  }

  @Test
  void oneSignatureOnly_isRefused() {
    assertThatThrownBy(() -> request().sign(olga).verify(roster, NOW))
        .isInstanceOf(DutyException.class)
        .hasMessage(
            "the override has only olga's signature; it needs two, by an Ops and a different Sec"
                + " identity");
  }

  @Test
  void twoSignaturesBySameIdentity_countOnce() throws Exception {
    // signing twice with one key replaces the first signature
    assertThat(request().sign(both).sign(both).signatures()).hasSize(1);
    // two signature entries by the same key, put there by hand
    String one = request().sign(both).toJson();
    Map<String, Object> m = dev.cairn.core.Json.parseObject(one);
    List<?> sigs = (List<?>) m.get("signatures");
    String doubled =
        one.replace(
            "\"signatures\" : [ ",
            "\"signatures\" : [ " + dev.cairn.core.Json.pretty(sigs.get(0)) + ", ");
    BreakGlass twice = BreakGlass.parse(doubled);
    assertThat(twice.signatures()).hasSize(2);
    assertThatThrownBy(() -> twice.verify(roster, NOW))
        .hasMessage(
            "both signatures on the override are by both; it needs two different identities");
  }

  @Test
  void twoIdentitiesNeitherHoldingSec_isRefused() {
    assertThatThrownBy(() -> request().sign(olga).sign(otto).verify(roster, NOW))
        .hasMessage(
            "the override is not by an Ops and a different Sec identity: no signer holds Sec"
                + " (olga: Ops, otto: Ops)");
  }

  @Test
  void onlyOneIdentityHoldsSecAndOpsItself_isRefusedWithoutASecondDuty() throws Exception {
    Roster r = roster.grant("dora", Duty.DEV, make("dora").identity().publicKey());
    IdentityKey dora = Identities.load(CairnHome.of(tmp.resolve("dora")));
    assertThatThrownBy(() -> request().sign(both).sign(dora).verify(r, NOW))
        .hasMessage(
            "the override is not by an Ops and a different Sec identity: Ops and Sec are held by"
                + " the same signer only (both: Sec, Ops, dora: Dev)");
    // both with sam: both counts for Ops, sam for Sec
    assertThat(request().sign(both).sign(sam).verify(roster, NOW).ops()).isEqualTo("both");
  }

  @Test
  void secAndDev_withoutOps_isRefused() throws Exception {
    Roster r = roster.grant("dora", Duty.DEV, make("dora").identity().publicKey());
    IdentityKey dora = Identities.load(CairnHome.of(tmp.resolve("dora")));
    assertThatThrownBy(() -> request().sign(sam).sign(dora).verify(r, NOW))
        .hasMessage(
            "the override is not by an Ops and a different Sec identity: no signer holds Ops"
                + " (sam: Sec, dora: Dev)");
    Roster noDuties = r.revoke("sam", Duty.SEC);
    assertThatThrownBy(() -> request().sign(sam).sign(dora).verify(noDuties, NOW))
        .hasMessage(
            "the override is not by an Ops and a different Sec identity: no signer holds Ops or"
                + " Sec (sam: no duty, dora: Dev)");
  }

  @Test
  void expired_isRefused() {
    BreakGlass o = request().sign(olga).sign(sam);
    assertThatThrownBy(() -> o.verify(roster, NOW.plus(Duration.ofHours(2))))
        .hasMessage("the override for prod expired at 2026-12-01T14:00:00Z");
  }

  @Test
  void tamperedRequest_isRefused() throws Exception {
    String json = request().sign(olga).sign(sam).toJson();
    String tampered = json.replace(DIGEST, "sha256:" + "cd".repeat(32));
    assertThat(tampered).isNotEqualTo(json);
    assertThatThrownBy(() -> BreakGlass.parse(tampered).verify(roster, NOW))
        .hasMessage(
            "the signature by olga does not match the override request (altered after signing?)");
    String longer = json.replace("14:00:00Z", "23:00:00Z");
    assertThatThrownBy(() -> BreakGlass.parse(longer).verify(roster, NOW))
        .hasMessageContaining("does not match the override request");
  }

  @Test
  void keyNotInRoster_isRefused() {
    assertThatThrownBy(() -> request().sign(olga).sign(eve).verify(roster, NOW))
        .hasMessage(
            "the override is signed by key "
                + eve.identity().keyId()
                + ", which the roster does not list");
  }

  @Test
  void noSignature_isRefused() {
    assertThatThrownBy(() -> request().verify(roster, NOW))
        .hasMessageStartingWith("the override has no signature");
  }

  @Test
  void lifetimeOver24Hours_cannotBeRequested() {
    assertThatThrownBy(
            () ->
                new OverrideRequest(
                    "prod", DIGEST, "why", List.of("x"), NOW, NOW.plus(Duration.ofHours(25))))
        .hasMessage("an override lasts at most 24 hours");
  }

  @Test
  void use_recordsAcceptedAndRefusedOverridesInTheAuditLog() throws Exception {
    FileAuditLog audit = AuditLog.in(CairnHome.of(tmp.resolve("ops-home")));
    request().sign(olga).sign(sam).use(roster, NOW, audit);
    assertThatThrownBy(() -> request().sign(olga).use(roster, NOW, audit))
        .isInstanceOf(DutyException.class);
    List<Map<String, Object>> records = audit.read();
    assertThat(records).hasSize(2);
    assertThat(records.get(0))
        .containsEntry("decision", "accepted")
        .containsEntry("ops", "olga")
        .containsEntry("sec", "sam")
        .containsEntry("roster", roster.digest().toString());
    assertThat(records.get(1)).containsEntry("decision", "refused");
    assertThat((String) records.get(1).get("why")).contains("only olga's signature");
    assertThat(Files.readString(audit.file())).doesNotContain("PRIVATE");
  }
}
