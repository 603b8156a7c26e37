package dev.cairn.pipeline.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.webhook.DeliveryStore.Delivery;
import dev.cairn.pipeline.webhook.DeliveryStore.Retention;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the file store does (the shared contract: {@link FileDeliveryStoreContractTest}). */
class FileDeliveryStoreTest {
  @TempDir Path dir;
  final Hooks.MutableClock clock = new Hooks.MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

  Delivery d(String id, char body) {
    return new Delivery(SourceKind.GITHUB, id, String.valueOf(body).repeat(64), clock.instant());
  }

  DeliveryStore open() throws Exception {
    return DeliveryStore.file(dir, Retention.DEFAULT, clock);
  }

  @Test
  void tornLastLine_isDropped_andLaterRecordsStayReadable() throws Exception {
    try (DeliveryStore s = open()) {
      s.recordIfNew(d("id-1", 'a'));
    }
    Path log = dir.resolve(FileDeliveryStore.FILE);
    Files.writeString(log, "+ 1764583200000 github id-2 bbbb", StandardOpenOption.APPEND);
    try (DeliveryStore s = open()) {
      assertThat(s.size()).isEqualTo(1);
      assertThat(s.recordIfNew(d("id-2", 'b'))).as("the torn record never counted").isTrue();
    }
    try (DeliveryStore s = open()) {
      assertThat(s.size()).isEqualTo(2);
      assertThat(s.recordIfNew(d("id-2", 'b'))).isFalse();
    }
    assertThat(Files.readAllLines(log)).hasSize(2).allMatch(l -> l.split(" ").length == 5);
  }

  @Test
  void damagedLine_refusesToOpen_withItsLine() throws Exception {
    try (DeliveryStore s = open()) {
      s.recordIfNew(d("id-1", 'a'));
      s.recordIfNew(d("id-2", 'b'));
    }
    Path log = dir.resolve(FileDeliveryStore.FILE);
    String text = Files.readString(log);
    Files.writeString(log, text.replaceFirst("github", "gitgud"));
    assertThatThrownBy(this::open)
        .isInstanceOf(WebhookException.class)
        .hasMessageContaining(FileDeliveryStore.FILE + ":1: a damaged delivery record");
  }

  @Test
  void retention_keepsTheNewestByCount_andCompactsTheFile() throws Exception {
    Retention r = new Retention(Duration.ofDays(1), 3);
    try (DeliveryStore s = DeliveryStore.file(dir, r, clock)) {
      for (char c = 'a'; c <= 'e'; c++) {
        assertThat(s.recordIfNew(d("id-" + c, c))).isTrue();
      }
      assertThat(s.size()).isEqualTo(3);
      assertThat(s.recordIfNew(d("id-e", 'e'))).isFalse();
      assertThat(s.recordIfNew(d("id-a", 'a'))).as("pushed out by count").isTrue();
    }
    try (DeliveryStore s = DeliveryStore.file(dir, r, clock)) {
      assertThat(s.size()).isEqualTo(3);
    }
    assertThat(Files.readAllLines(dir.resolve(FileDeliveryStore.FILE), StandardCharsets.UTF_8))
        .hasSize(3);
  }

  @Test
  void secondOpen_ofTheSameDirectory_isRefused() throws Exception {
    try (DeliveryStore s = open()) {
      assertThatThrownBy(this::open)
          .isInstanceOf(WebhookException.class)
          .hasMessageContaining("in use by another webhook listener");
    }
    try (DeliveryStore s = open()) {
      assertThat(s.size()).isZero();
    }
  }

  @Test
  void delivery_refusesIdsThatCouldBreakTheFile() {
    assertThatThrownBy(() -> d("id 1", 'a')).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d("id\n1", 'a')).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d("", 'a')).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d("x".repeat(129), 'a')).isInstanceOf(IllegalArgumentException.class);
  }
}
