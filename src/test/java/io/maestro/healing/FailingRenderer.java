package io.maestro.healing;

import io.maestro.config.MaestroConfig;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.render.JobContext;
import io.maestro.render.JobRenderer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * A test stage scripted by the job's title, for the healer's faults: "fail:&lt;category&gt; …" always fails with that
 * category (as the code that understood the failure would throw it); "ratelimit-once:&lt;ms&gt; …" and
 * "quota-once:&lt;ms&gt; …" fail the first attempt with a limit that resets that many ms later (what a 429 with
 * Retry-After becomes); anything else succeeds.
 */
public final class FailingRenderer implements JobRenderer {

  public static Map<String, JobRenderer> all(MaestroConfig config) {
    FailingRenderer renderer = new FailingRenderer();
    return Map.of("post", renderer, "light", renderer, "dark", renderer);
  }

  @Override
  public JsonObject render(JobContext context, String brand) {
    String title = context.job().getString("title");
    int attempt = context.job().getInteger("attempt");
    if (title.startsWith("fail:")) {
      String category = title.substring(5, title.indexOf(' '));
      FailureCode code = FailureCode.fromCategory(category).orElseThrow();
      throw new MaestroException(code, "scripted " + category + " failure of " + brand + " on attempt " + attempt);
    }
    if ((title.startsWith("ratelimit-once:") || title.startsWith("quota-once:")) && attempt == 1) {
      long ms = Long.parseLong(title.substring(title.indexOf(':') + 1, title.indexOf(' ')));
      FailureCode code = title.startsWith("quota") ? FailureCode.API_QUOTA_EXHAUSTED : FailureCode.API_RATE_LIMITED;
      throw MaestroException.rateLimited(code, "deAPI answered 429 Too Many Requests (X-RateLimit-Type: minute)",
          Instant.now().plusMillis(ms));
    }
    return new JsonObject().put("title", title);
  }
}
