package io.maestro.jobs;

import io.vertx.core.json.JsonArray;

/** A validated request for a new job (from POST /jobs/create or an accepted proposal). */
public record JobSpec(String title, JsonArray contentLines, String variant, String aiPrompt, String ctaType,
    JsonArray brands, JsonArray platforms, boolean fixedTitle, String caption, JsonArray slideTexts,
    String proposalId, int maxRetries) {}
