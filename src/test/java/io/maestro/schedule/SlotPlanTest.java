package io.maestro.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Slot plan: posts at 08/14 UTC, reels every 4 h alternating light/dark, shifted by the brand offset")
class SlotPlanTest {
  private static final Instant MORNING = Instant.parse("2026-03-10T09:30:00Z");

  @Test
  @DisplayName("posts: 14:00 today, then 08:00 and 14:00 tomorrow")
  void posts() {
    assertThat(SlotPlan.next("post", 0, MORNING, 3)).containsExactly(Instant.parse("2026-03-10T14:00:00Z"),
        Instant.parse("2026-03-11T08:00:00Z"), Instant.parse("2026-03-11T14:00:00Z"));
  }

  @Test
  @DisplayName("the offset shifts every slot, also backwards across midnight")
  void offsets() {
    assertThat(SlotPlan.next("post", 3, MORNING, 2)).containsExactly(Instant.parse("2026-03-10T11:00:00Z"),
        Instant.parse("2026-03-10T17:00:00Z"));
    assertThat(SlotPlan.next("light", -2, Instant.parse("2026-03-10T21:00:00Z"), 2))
        .containsExactly(Instant.parse("2026-03-10T22:00:00Z"), Instant.parse("2026-03-11T06:00:00Z"));
  }

  @Test
  @DisplayName("light reels at 00/08/16, dark at 04/12/20 — together every 4 hours, never on the same hour")
  void reels() {
    assertThat(SlotPlan.next("light", 0, MORNING, 3)).containsExactly(Instant.parse("2026-03-10T16:00:00Z"),
        Instant.parse("2026-03-11T00:00:00Z"), Instant.parse("2026-03-11T08:00:00Z"));
    assertThat(SlotPlan.next("dark", 0, MORNING, 3)).containsExactly(Instant.parse("2026-03-10T12:00:00Z"),
        Instant.parse("2026-03-10T20:00:00Z"), Instant.parse("2026-03-11T04:00:00Z"));
    assertThat(SlotPlan.isSlot("dark", 1, Instant.parse("2026-03-10T13:00:00Z"))).isTrue();
    assertThat(SlotPlan.isSlot("light", 1, Instant.parse("2026-03-10T13:00:00Z"))).isFalse();
    assertThat(SlotPlan.contentType("dark")).isEqualTo("reel");
  }

  @Test
  @DisplayName("a slot exactly now is not offered: only strictly later ones")
  void strictlyAfter() {
    assertThat(SlotPlan.next("post", 0, Instant.parse("2026-03-10T08:00:00Z"), 1))
        .containsExactly(Instant.parse("2026-03-10T14:00:00Z"));
  }
}
