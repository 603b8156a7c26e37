package dev.cairn.deploy.duties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DutiesTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  @TempDir Path tmp;

  @Test
  void init_writesAnOwnerOnlyKey_andRefusesASecondIdentity() throws Exception {
    CairnHome home = CairnHome.of(tmp.resolve("h"));
    Identity id = Identities.init(home, "olga");
    Path key = Identities.dir(home).resolve("identity.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Identities.show(home)).isEqualTo(id);
    assertThat(Identities.load(home).toString())
        .doesNotContain(id.publicKey())
        .contains(id.keyId());
    assertThatThrownBy(() -> Identities.init(home, "other"))
        .hasMessageContaining("already holds an identity");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> Identities.load(home))
        .hasMessageEndingWith("identity.key is readable by others than its owner");
  }

  @Test
  void require_namesWhoLacksWhichDuty() throws Exception {
    Roster r = rosterWith("dave", Duty.DEV);
    assertThat(Duties.require(r, "dave", Duty.DEV).name()).isEqualTo("dave");
    assertThat(Duties.require(r, "dave", Duty.VIEWER).name()).isEqualTo("dave");
    assertThatThrownBy(() -> Duties.require(r, "dave", Duty.OPS))
        .isInstanceOf(DutyException.class)
        .hasMessage("identity dave lacks the Ops duty (holds Dev)");
    assertThatThrownBy(() -> Duties.require(r, "mallory", Duty.SEC))
        .hasMessage("identity mallory is not in the roster, so it holds no Sec");
  }

  @Test
  void roster_roundTripsAndRefusesOneKeyForTwoNames() throws Exception {
    CairnHome h = CairnHome.of(tmp.resolve("a"));
    Identity a = Identities.init(h, "alice");
    Roster r =
        Roster.empty().grant("alice", Duty.SEC, a.publicKey()).grant("alice", Duty.OPS, null);
    Path f = tmp.resolve("roster.json");
    r.write(f);
    assertThat(Roster.read(f, false)).isEqualTo(r);
    assertThat(Roster.read(f, false).digest()).isEqualTo(r.digest());
    assertThatThrownBy(() -> r.grant("alias", Duty.SEC, a.publicKey()))
        .hasMessage("cannot add alias: identity alias has the same key as another identity");
    Files.writeString(f, Files.readString(f).replace("\"Sec\"", "\"Root\""));
    assertThatThrownBy(() -> Roster.read(f, false))
        .hasMessageEndingWith(
            "not a valid roster: alice: unknown duty 'Root' (Dev, Sec, Ops, Viewer)");
  }

  @Test
  void signedAction_provesWhichIdentityMadeIt() throws Exception {
    CairnHome h = CairnHome.of(tmp.resolve("o"));
    Identities.init(h, "olga");
    IdentityKey olga = Identities.load(h);
    Roster r = Roster.empty().grant("olga", Duty.OPS, olga.identity().publicKey());
    ActionRequest req =
        new ActionRequest("olga", "deploy", Map.of("target", "prod", "digest", "sha256:00"), NOW);
    SignedAction s = SignedAction.parse(SignedAction.sign(olga, req).toJson());
    assertThat(Duties.requireSigned(r, s, Duty.OPS, NOW.plusSeconds(5)).name()).isEqualTo("olga");
    assertThatThrownBy(() -> Duties.requireSigned(r, s, Duty.SEC, NOW))
        .hasMessage("identity olga lacks the Sec duty (holds Ops)");
    SignedAction altered =
        SignedAction.parse(SignedAction.sign(olga, req).toJson().replace("prod", "prod-eu"));
    assertThatThrownBy(() -> Duties.requireSigned(r, altered, Duty.OPS, NOW))
        .hasMessage("the signature by olga does not match the request (altered after signing?)");
    assertThatThrownBy(() -> Duties.requireSigned(r, s, Duty.OPS, NOW.plusSeconds(3600)))
        .hasMessageContaining("outside 10 minutes of now");
    // a request in another's name, signed with olga's key
    CairnHome h2 = CairnHome.of(tmp.resolve("s"));
    Identities.init(h2, "sam");
    Roster r2 = r.grant("sam", Duty.OPS, Identities.show(h2).publicKey());
    SignedAction forged =
        new SignedAction(
            new ActionRequest("sam", "deploy", Map.of(), NOW), s.keyId(), s.signature());
    assertThatThrownBy(() -> Duties.requireSigned(r2, forged, Duty.OPS, NOW))
        .hasMessage("the request names sam but is signed by olga's key");
  }

  Roster rosterWith(String name, Duty d) throws Exception {
    CairnHome h = CairnHome.of(tmp.resolve(name));
    Identity id = Identities.init(h, name);
    return Roster.empty().grant(name, d, id.publicKey());
  }
}
