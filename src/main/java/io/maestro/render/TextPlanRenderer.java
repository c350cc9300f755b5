package io.maestro.render;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The text stage every variant starts with: the brand's title, caption, slide texts and image prompt, taken from
 * what was examined (the job's own fields) rather than regenerated. Media stages build on this output.
 */
public final class TextPlanRenderer implements JobRenderer {
  @Override
  public JsonObject render(JobContext context, String brand) {
    JsonObject job = context.job();
    String title = job.getString("title", "").strip();
    if (title.isEmpty()) {
      throw new MaestroException(FailureCode.CONTENT_ERROR, "job " + context.jobId() + " has an empty title");
    }
    JsonArray lines = job.getJsonArray("content_lines", new JsonArray());
    JsonArray slides = job.getJsonArray("slide_texts", new JsonArray());
    if (slides.isEmpty()) {
      slides = lines.copy();
    }
    String caption = job.getString("caption");
    if (caption == null || caption.isBlank()) {
      StringBuilder text = new StringBuilder(title);
      lines.forEach(line -> text.append("\n\n• ").append(line));
      text.append("\n\nFollow @").append(brand).append(" for more.");
      caption = text.toString();
    }
    String prompt = job.getString("ai_prompt");
    if (prompt == null || prompt.isBlank()) {
      prompt = "Calm editorial background for a wellness post titled \"" + title + "\", soft light, no text";
    }
    context.progress("text plan ready", null);
    return new JsonObject().put("title", title).put("caption", caption).put("slide_texts", slides)
        .put("ai_prompt", prompt).put("progress_message", "text ready");
  }
}
