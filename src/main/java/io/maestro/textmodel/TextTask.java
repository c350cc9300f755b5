package io.maestro.textmodel;

import io.vertx.core.json.JsonObject;

/**
 * One request to a text model. A network model reads the prompts; the offline model reads the structured
 * {@code input} the prompts were written from, so both answer the same question from the same facts.
 *
 * @param input the facts behind the prompts (agent, brand, proposal…), see {@link Prompts}
 */
public record TextTask(Kind kind, String system, String user, double temperature, JsonObject input) {

  public enum Kind {
    /** Answer: {"proposals":[{title, content_lines[], slide_texts[], caption, image_prompt, strategy, reasoning, topic_bucket}]}. */
    PROPOSALS,
    /** Answer: {avatar_fit, engagement_potential, content_quality (0–10), verdict, reason, red_flags[]}. */
    EXAMINATION
  }
}
