package io.maestro.publish;

import io.maestro.config.MaestroConfig;
import io.maestro.render.JobContext;
import io.maestro.render.JobRenderer;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** A test stage that "renders" at once and yields what a real one would: a media URL and a caption per brand. */
public final class PublishingRenderer implements JobRenderer {
  public static Map<String, JobRenderer> all(MaestroConfig config) {
    PublishingRenderer renderer = new PublishingRenderer();
    return Map.of("post", renderer, "light", renderer, "dark", renderer);
  }

  @Override
  public JsonObject render(JobContext context, String brand) {
    JsonObject job = context.job();
    String jobId = job.getString("job_id");
    boolean post = "post".equals(job.getString("variant"));
    return new JsonObject().put("title", job.getString("title"))
        .put("caption", "Caption of " + jobId + " for " + brand + " #wellness")
        .put(post ? "image_url" : "video_url", "/media/" + brand + "/" + jobId + (post ? ".png" : ".mp4"));
  }
}
