package io.maestro.schedule;

import io.maestro.variant.Variant;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishing slot arithmetic. The hours are the variant's ({@link Variant#slotHours()}: posts at 08:00 and 14:00
 * UTC, reels every 4 hours from 00:00 UTC alternating light and dark), each shifted by the brand's schedule_offset.
 */
public final class SlotPlan {
  private SlotPlan() {}

  public static String contentType(String variant) {
    return Variant.of(variant).contentType().id();
  }

  static int[] hours(String variant) {
    return Variant.find(variant).orElseThrow(() -> new IllegalArgumentException(
        "no publishing slots for variant '" + variant + "'")).slotHours();
  }

  /** The next {@code count} slots strictly after {@code after}, ascending. */
  public static List<Instant> next(String variant, int offsetHours, Instant after, int count) {
    int[] hours = hours(variant);
    List<Instant> slots = new ArrayList<>(count);
    // a day early: a negative offset moves a slot of "tomorrow" into today
    LocalDate day = after.atZone(ZoneOffset.UTC).toLocalDate().minusDays(1);
    while (slots.size() < count) {
      Instant midnight = day.atStartOfDay(ZoneOffset.UTC).toInstant();
      for (int hour : hours) {
        Instant slot = midnight.plusSeconds(3600L * (hour + offsetHours));
        if (slot.isAfter(after) && slots.size() < count) {
          slots.add(slot);
        }
      }
      day = day.plusDays(1);
    }
    slots.sort(null);
    return slots;
  }

  /** True when {@code slot} is one of the variant's slots for this offset. */
  public static boolean isSlot(String variant, int offsetHours, Instant slot) {
    if (slot.getEpochSecond() % 3600 != 0) {
      return false;
    }
    int hour = Math.floorMod((int) ((slot.getEpochSecond() / 3600) % 24) - offsetHours, 24);
    for (int h : hours(variant)) {
      if (h == hour) {
        return true;
      }
    }
    return false;
  }
}
