package io.maestro.agents;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What a text model's proposals answer yields: the usable items, cleaned, and titles in comparable form. */
final class ProposalAnswers {
  private ProposalAnswers() {}

  /** Items with a title and text lines; the rest are what a model sometimes gets wrong. */
  static List<JsonObject> usable(JsonObject answer) {
    List<JsonObject> out = new ArrayList<>();
    Object list = answer.getValue("proposals");
    if (!(list instanceof JsonArray array)) {
      throw new MaestroException(FailureCode.CONTENT_ERROR, "the text model's answer has no \"proposals\" array: "
          + snippet(answer.encode()));
    }
    for (Object item : array) {
      if (!(item instanceof JsonObject p) || !(p.getValue("title") instanceof String title) || title.isBlank()) {
        continue;
      }
      JsonArray lines = strings(p.getValue("content_lines"));
      JsonArray slides = strings(p.getValue("slide_texts"));
      if (lines.isEmpty() && slides.isEmpty()) {
        continue;
      }
      out.add(new JsonObject()
          .put("title", title.strip().replaceAll("\\s+", " "))
          .put("content_lines", lines.isEmpty() ? slides : lines)
          .put("slide_texts", slides)
          .put("caption", text(p, "caption"))
          .put("image_prompt", text(p, "image_prompt"))
          .put("strategy", text(p, "strategy"))
          .put("reasoning", text(p, "reasoning"))
          .put("topic_bucket", text(p, "topic_bucket")));
    }
    return out;
  }

  private static JsonArray strings(Object value) {
    JsonArray out = new JsonArray();
    if (value instanceof JsonArray array) {
      array.forEach(v -> {
        if (v instanceof String s && !s.isBlank()) {
          out.add(s.strip());
        }
      });
    }
    return out;
  }

  private static String text(JsonObject p, String field) {
    return p.getValue(field) instanceof String s && !s.isBlank() ? s.strip() : null;
  }

  static String normal(String title) {
    return title.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
  }

  private static String snippet(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
