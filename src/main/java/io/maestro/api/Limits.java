package io.maestro.api;

import io.maestro.config.MaestroConfig;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The abuse limits of the API: a per-user rate limit in front of the routes that create work and the largest burst a
 * request may ask for (the most queued jobs a user may have is the job service's, since every path that queues a job
 * goes through it). Every refusal is a JSON error and writes nothing.
 */
final class Limits {
  private final MaestroConfig config;

  Limits(MaestroConfig config) {
    this.config = config;
  }

  /** A handler (put after authentication) that spends one token of the caller's own bucket for this route. */
  Handler<RoutingContext> rateLimit() {
    RateLimiter limiter = new RateLimiter(config.integer(MaestroConfig.LIMITS_PER_MINUTE),
        config.integer(MaestroConfig.LIMITS_BURST));
    return ctx -> {
      long wait = limiter.acquire(Auth.userId(ctx));
      if (wait == 0) {
        ctx.next();
        return;
      }
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      ctx.fail(new ApiError(429, "rate_limited", "too many requests; retry after " + wait + " s",
          new JsonObject().put("retry_after_seconds", wait)));
    };
  }

  /** 422 when a burst asks for more than limits.maxBurstSize posts + reels. */
  void checkBurstSize(int posts, int reels) {
    int max = config.integer(MaestroConfig.LIMITS_MAX_BURST_SIZE);
    if (posts + reels > max) {
      throw new ApiError(422, "burst_too_large", "posts + reels is " + (posts + reels) + "; at most " + max
          + " are allowed per burst", new JsonObject().put("field", "posts").put("max", max));
    }
  }
}
