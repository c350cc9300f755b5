package io.maestro.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a user), held in this node's memory: {@code capacity} requests at once, refilled at
 * {@code perMinute}. Buckets are not shared between nodes on purpose — a cluster of N nodes lets a user through up
 * to N times the rate, which is acceptable for an abuse brake and needs no shared state on the request path.
 */
public final class RateLimiter {
  /** Above this many tracked users, full (idle) buckets are dropped: a full bucket is the same as no bucket. */
  private static final int PRUNE_ABOVE = 10_000;

  private final long capacity;
  private final double tokensPerNano;
  private final LongSupplier nanoClock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  public RateLimiter(int perMinute, int capacity, LongSupplier nanoClock) {
    this.capacity = capacity;
    this.tokensPerNano = perMinute / 60_000_000_000.0;
    this.nanoClock = nanoClock;
  }

  public RateLimiter(int perMinute, int capacity) {
    this(perMinute, capacity, System::nanoTime);
  }

  /** Takes one token for {@code key}: 0 when allowed, otherwise the whole seconds to wait (at least 1). */
  public long acquire(String key) {
    long now = nanoClock.getAsLong();
    if (buckets.size() > PRUNE_ABOVE) {
      prune(now);
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(capacity, now));
    synchronized (bucket) {
      refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      double nanos = (1 - bucket.tokens) / tokensPerNano;
      return Math.max(1, (long) Math.ceil(nanos / 1_000_000_000.0));
    }
  }

  int tracked() {
    return buckets.size();
  }

  private void refill(Bucket bucket, long now) {
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * tokensPerNano);
    bucket.at = now;
  }

  private void prune(long now) {
    buckets.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        refill(e.getValue(), now);
        return e.getValue().tokens >= capacity;
      }
    });
  }
}
