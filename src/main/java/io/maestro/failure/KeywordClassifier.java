package io.maestro.failure;

import java.util.List;
import java.util.Locale;

/**
 * The seed healer's keyword table, kept only for failures that exist as text alone (old rows, external systems).
 * Rows and their order are copied as-is, quirks included: "api" sits early and broad, so "DEAPI_API_KEY not found in
 * environment" is an API_ERROR and the later "deapi" row can never match. Changing that would reclassify history.
 */
public final class KeywordClassifier {

  private record Row(FailureCode code, List<String> keywords) {}

  // First match wins, so order is behaviour.
  private static final List<Row> TABLE = List.of(
      new Row(FailureCode.JOB_TIMEOUT, List.of("job_timeout")),
      new Row(FailureCode.FFMPEG_ENCODER, List.of("error while opening encoder")),
      new Row(FailureCode.FFMPEG_RESOURCE, List.of("resource temporarily unavailable")),
      new Row(FailureCode.FFMPEG_MEMORY, List.of("cannot allocate memory")),
      new Row(FailureCode.FFMPEG_OTHER, List.of("ffmpeg", "video")),
      new Row(FailureCode.API_ERROR, List.of("api", "timeout", "connection", "rate limit", "503", "502", "429")),
      new Row(FailureCode.CONTENT_ERROR, List.of("content_lines", "empty")),
      new Row(FailureCode.FILE_NOT_FOUND, List.of("file not found")),
      // The seed's fix-list additions: after the original rows so they never change an old classification.
      new Row(FailureCode.IMAGE_GENERATION_ERROR, List.of("deapi", "background", "image generation", "hq generation")),
      new Row(FailureCode.STORAGE_ERROR, List.of("storage", "upload", "supabase")),
      new Row(FailureCode.CONFIG_ERROR, List.of("not found in environment", "not configured", "missing config")));

  private KeywordClassifier() {}

  public static FailureCode classify(String text) {
    if (text == null || text.isBlank()) {
      return FailureCode.UNKNOWN;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    for (Row row : TABLE) {
      for (String keyword : row.keywords()) {
        if (lower.contains(keyword)) {
          return row.code();
        }
      }
    }
    return FailureCode.UNKNOWN;
  }
}
