package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RateLimiter: a token bucket per user, refilled at a steady rate")
class RateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  @DisplayName("a user gets the bucket size at once, then waits for the refill; the wait is reported in whole seconds")
  void spendsAndRefills() {
    RateLimiter limiter = new RateLimiter(60, 3, now::get); // one token per second
    assertThat(limiter.acquire("alice")).isZero();
    assertThat(limiter.acquire("alice")).isZero();
    assertThat(limiter.acquire("alice")).isZero();
    assertThat(limiter.acquire("alice")).isEqualTo(1);
    now.addAndGet(500_000_000L);
    assertThat(limiter.acquire("alice")).as("half a token is not enough").isEqualTo(1);
    now.addAndGet(500_000_000L);
    assertThat(limiter.acquire("alice")).isZero();
    assertThat(limiter.acquire("alice")).isEqualTo(1);
  }

  @Test
  @DisplayName("each user has their own bucket")
  void perUser() {
    RateLimiter limiter = new RateLimiter(1, 1, now::get);
    assertThat(limiter.acquire("alice")).isZero();
    assertThat(limiter.acquire("alice")).isEqualTo(60);
    assertThat(limiter.acquire("bob")).isZero();
  }

  @Test
  @DisplayName("a bucket never holds more than its size, however long the user was idle")
  void capped() {
    RateLimiter limiter = new RateLimiter(60, 2, now::get);
    limiter.acquire("alice");
    now.addAndGet(3_600_000_000_000L);
    assertThat(limiter.acquire("alice")).isZero();
    assertThat(limiter.acquire("alice")).isZero();
    assertThat(limiter.acquire("alice")).isPositive();
  }

  @Test
  @DisplayName("idle users' full buckets are forgotten once many users are tracked, so memory stays bounded")
  void prunes() {
    RateLimiter limiter = new RateLimiter(60, 1, now::get);
    for (int i = 0; i <= 10_001; i++) {
      limiter.acquire("user-" + i);
    }
    now.addAndGet(10_000_000_000L);
    limiter.acquire("late");
    assertThat(limiter.tracked()).isLessThan(100);
  }
}
