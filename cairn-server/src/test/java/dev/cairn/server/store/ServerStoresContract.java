package dev.cairn.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.server.store.CertificateStore.Status;
import dev.cairn.server.store.CertificateStore.StoredCertificate;
import dev.cairn.server.store.TokenStore.ApiToken;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The server's own stores (certificates, tokens), on whichever database; scans and clusters are
 * held to {@link ScheduleStoresContract} on files and databases alike.
 */
abstract class ServerStoresContract {
  static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  final Clock clock = Clock.fixed(T, ZoneOffset.UTC);

  /** The database under test, opened again on each call. */
  protected abstract Database open() throws Exception;

  static StoredCertificate cert(String id, String cluster, Instant issued, int days) {
    return new StoredCertificate(
        id,
        cluster,
        issued,
        issued.plusSeconds(days * 86400L),
        Status.VALID,
        null,
        null,
        "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"e30=\",\"signatures\":[]}",
        "log:embedded#" + id);
  }

  @Test
  void certificates_areListedPerCluster_expiringSoonest_andRevokedOnce() throws Exception {
    CertificateStore s = Stores.certificates(open());
    s.add(cert("c1", "sha256:aaa", T, 30));
    s.add(cert("c2", "sha256:aaa", T.plusSeconds(60), 7));
    s.add(cert("c3", "sha256:bbb", T, 90));
    assertThatThrownBy(() -> s.add(cert("c1", "sha256:ccc", T, 1)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("c1 is stored already");
    CertificateStore again = Stores.certificates(open());
    assertThat(again.get("c1")).contains(cert("c1", "sha256:aaa", T, 30));
    assertThat(again.forCluster("sha256:aaa"))
        .extracting(StoredCertificate::id)
        .containsExactly("c2", "c1");
    assertThat(again.expiringBefore(T.plusSeconds(40 * 86400L)))
        .extracting(StoredCertificate::id)
        .containsExactly("c2", "c1");
    StoredCertificate r = again.revoke("c2", T.plusSeconds(120), "key compromised");
    assertThat(r.status()).isEqualTo(Status.REVOKED);
    assertThat(r.revokedAt()).isEqualTo(T.plusSeconds(120));
    assertThat(r.validAt(T.plusSeconds(200))).isFalse();
    assertThat(again.revoke("c2", T.plusSeconds(999), "again").revokedAt())
        .as("the first revocation stands")
        .isEqualTo(T.plusSeconds(120));
    assertThat(again.expiringBefore(T.plusSeconds(40 * 86400L)))
        .extracting(StoredCertificate::id)
        .containsExactly("c1");
    assertThatThrownBy(() -> again.revoke("nope", T, "x"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no certificate nope");
  }

  @Test
  void tokens_areStoredAsPbkdf2HashesOnly_andCheckedAcrossOpenings() throws Exception {
    Database db = open();
    TokenStore s = Stores.tokens(db, clock);
    TokenStore.Issued ops = s.create("ci deploys", Duty.OPS);
    String text = new String(ops.secret().bytes(), StandardCharsets.UTF_8);
    assertThat(text).matches("cairn_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    assertThat(ops.toString()).doesNotContain(text.substring(23));
    assertThatThrownBy(() -> s.create("ci deploys", Duty.DEV))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("exists already");
    // nothing in the database holds the token or its secret part
    db.read(
        c -> {
          try (PreparedStatement p =
                  c.prepareStatement("SELECT id, salt, iterations, hash FROM api_tokens");
              ResultSet r = p.executeQuery()) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo(ops.token().id());
            assertThat(r.getInt(3)).isGreaterThanOrEqualTo(600_000);
            assertThat(r.getBytes(4)).hasSize(32);
            assertThat(new String(r.getBytes(4), StandardCharsets.ISO_8859_1))
                .doesNotContain(text.substring(23));
          }
          return Boolean.TRUE;
        });
    TokenStore other = Stores.tokens(open(), clock);
    assertThat(other.authenticate(ops.secret())).contains(ops.token());
    assertThat(other.authenticate(ops.secret())).as("again, remembered").contains(ops.token());
    String wrong = text.substring(0, text.length() - 1) + (text.endsWith("A") ? "B" : "A");
    assertThat(other.authenticate(Secret.ofUtf8(wrong))).isEmpty();
    assertThat(other.authenticate(Secret.ofUtf8("cairn_0000000000000000_" + "A".repeat(43))))
        .isEmpty();
    assertThat(other.authenticate(Secret.ofUtf8("Bearer nonsense"))).isEmpty();
    assertThat(s.list()).extracting(ApiToken::name).containsExactly("ci deploys");
    assertThat(s.revoke("ci deploys")).isTrue();
    assertThat(other.authenticate(ops.secret())).as("revoked, at once elsewhere").isEmpty();
    assertThat(s.revoke("ci deploys")).isFalse();
    assertThat(s.list().get(0).revokedAt()).isEqualTo(T);
    assertThatThrownBy(() -> s.create("<script>", Duty.VIEWER))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not a token name");
  }
}
