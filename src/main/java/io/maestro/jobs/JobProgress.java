package io.maestro.jobs;

/**
 * A worker's progress notice on {@code maestro.jobs.progress}: a step and percent, and after each brand that
 * brand's output. Fire-and-forget, local; the dispatcher drops notices of attempts that are over.
 */
public record JobProgress(long pk, int attempt, String step, Integer percent, BrandOutput brand) {}
