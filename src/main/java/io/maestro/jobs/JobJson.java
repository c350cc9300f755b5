package io.maestro.jobs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Rows to the /jobs contract's JSON (snake_case, ISO-8601 times), plus the queue fields the contract adds. */
public final class JobJson {
  private JobJson() {}

  /** One row; for many rows of one result, {@link #all} finds the columns once. */
  public static JsonObject from(Row row) {
    return new Columns(row).job(row);
  }

  /** Every row of a result of {@code jobs} rows, in order. */
  public static List<JsonObject> all(RowSet<Row> rows) {
    List<JsonObject> jobs = new ArrayList<>(rows.size());
    Columns columns = null;
    for (Row row : rows) {
      if (columns == null) {
        columns = new Columns(row);
      }
      jobs.add(columns.job(row));
    }
    return jobs;
  }

  /**
   * Where each column of a {@code jobs} row sits in one result. Looked up by name once per result rather than once
   * per value: 34 name lookups per row showed in the dispatcher's profile, which turns every claimed and every
   * completed job into JSON on its event loop.
   */
  private static final class Columns {
    private final int jobId, userId, status, title, contentLines, variant, aiPrompt, ctaType, brands, platforms,
        fixedTitle, caption, slideTexts, proposalId, brandOutputs, currentStep, progressPercent, createdAt, updatedAt,
        startedAt, completedAt, errorMessage, errorCode, errorCategory, attempt, retryCount, maxRetries, runAt,
        queuedAt, claimedAt, leaseOwner, leaseExpiresAt, healingState, id;

    Columns(Row row) {
      jobId = index(row, "job_id");
      userId = index(row, "user_id");
      status = index(row, "status");
      title = index(row, "title");
      contentLines = index(row, "content_lines");
      variant = index(row, "variant");
      aiPrompt = index(row, "ai_prompt");
      ctaType = index(row, "cta_type");
      brands = index(row, "brands");
      platforms = index(row, "platforms");
      fixedTitle = index(row, "fixed_title");
      caption = index(row, "caption");
      slideTexts = index(row, "slide_texts");
      proposalId = index(row, "proposal_id");
      brandOutputs = index(row, "brand_outputs");
      currentStep = index(row, "current_step");
      progressPercent = index(row, "progress_percent");
      createdAt = index(row, "created_at");
      updatedAt = index(row, "updated_at");
      startedAt = index(row, "started_at");
      completedAt = index(row, "completed_at");
      errorMessage = index(row, "error_message");
      errorCode = index(row, "error_code");
      errorCategory = index(row, "error_category");
      attempt = index(row, "attempt");
      retryCount = index(row, "retry_count");
      maxRetries = index(row, "max_retries");
      runAt = index(row, "run_at");
      queuedAt = index(row, "queued_at");
      claimedAt = index(row, "claimed_at");
      leaseOwner = index(row, "lease_owner");
      leaseExpiresAt = index(row, "lease_expires_at");
      healingState = index(row, "healing_state");
      id = index(row, "id");
    }

    private static int index(Row row, String column) {
      int index = row.getColumnIndex(column);
      if (index < 0) {
        throw new IllegalArgumentException("not a jobs row: no column " + column);
      }
      return index;
    }

    JsonObject job(Row row) {
      // sized for its 34 fields: the default map grows twice on the way there
      JsonObject job = new JsonObject(new LinkedHashMap<>(64))
          .put("job_id", row.getString(jobId))
          .put("user_id", row.getString(userId))
          .put("status", row.getString(status))
          .put("title", row.getString(title))
          .put("content_lines", json(row.getValue(contentLines), new JsonArray()))
          .put("variant", row.getString(variant))
          .put("ai_prompt", row.getString(aiPrompt))
          .put("cta_type", row.getString(ctaType))
          .put("brands", json(row.getValue(brands), new JsonArray()))
          .put("platforms", json(row.getValue(platforms), new JsonArray()))
          .put("fixed_title", row.getBoolean(fixedTitle))
          .put("caption", row.getString(caption))
          .put("slide_texts", json(row.getValue(slideTexts), new JsonArray()))
          .put("proposal_id", row.getString(proposalId))
          .put("brand_outputs", json(row.getValue(brandOutputs), new JsonObject()))
          .put("current_step", row.getString(currentStep))
          .put("progress_percent", row.getInteger(progressPercent))
          .put("created_at", iso(row.getOffsetDateTime(createdAt)))
          .put("updated_at", iso(row.getOffsetDateTime(updatedAt)))
          .put("started_at", iso(row.getOffsetDateTime(startedAt)))
          .put("completed_at", iso(row.getOffsetDateTime(completedAt)))
          .put("error_message", row.getString(errorMessage))
          .put("error_code", row.getInteger(errorCode))
          .put("error_category", row.getString(errorCategory))
          .put("attempt", row.getInteger(attempt))
          .put("retry_count", row.getInteger(retryCount))
          .put("max_retries", row.getInteger(maxRetries))
          .put("run_at", iso(row.getOffsetDateTime(runAt)))
          .put("queued_at", iso(row.getOffsetDateTime(queuedAt)))
          .put("claimed_at", iso(row.getOffsetDateTime(claimedAt)))
          .put("lease_owner", row.getString(leaseOwner))
          .put("lease_expires_at", iso(row.getOffsetDateTime(leaseExpiresAt)))
          .put("healing_state", row.getString(healingState));
      // internal key for the dispatcher; stripped before anything leaves the node
      job.put(INTERNAL_PK, row.getLong(id));
      return job;
    }
  }

  /**
   * The claimed job brought up to its completed row, in place: {@code row} holds the columns the completion returns
   * (id, status, current_step, progress_percent, brand_outputs, updated_at, completed_at), the claim holds the rest,
   * which no statement changes while the attempt holds its lease. The lease and the error fields are cleared, as the
   * completion clears them.
   */
  static JsonObject completed(JsonObject claimed, Row row) {
    return claimed
        .put("status", row.getString(1))
        .put("current_step", row.getString(2))
        .put("progress_percent", row.getInteger(3))
        .put("brand_outputs", json(row.getValue(4), new JsonObject()))
        .put("updated_at", iso(row.getOffsetDateTime(5)))
        .put("completed_at", iso(row.getOffsetDateTime(6)))
        .put("error_message", null)
        .put("error_code", null)
        .put("error_category", null)
        .put("lease_owner", null)
        .put("lease_expires_at", null);
  }

  /** Primary key, used between dispatcher and worker; never shown to clients. */
  public static final String INTERNAL_PK = "_pk";

  /** What clients see: the job without internal keys. */
  public static JsonObject publicView(JsonObject job) {
    JsonObject copy = job.copy();
    copy.remove(INTERNAL_PK);
    return copy;
  }

  /** The live update the Observatory receives for a job. */
  public static JsonObject update(JsonObject job) {
    return new JsonObject()
        .put("job_id", job.getString("job_id"))
        .put("status", job.getString("status"))
        .put("progress_percent", job.getInteger("progress_percent"))
        .put("current_step", job.getString("current_step"))
        .put("attempt", job.getInteger("attempt"))
        .put("error_code", job.getInteger("error_code"))
        .put("error_category", job.getString("error_category"))
        .put("error_message", job.getString("error_message"))
        .put("updated_at", job.getString("updated_at"));
  }

  static JsonObject attempt(Row row) {
    return new JsonObject()
        .put("attempt", row.getInteger("attempt"))
        .put("node", row.getString("node"))
        .put("started_at", time(row, "started_at"))
        .put("finished_at", time(row, "finished_at"))
        .put("outcome", row.getString("outcome"))
        .put("code", row.getInteger("code"))
        .put("category", row.getString("category"))
        .put("message", row.getString("message"))
        .put("stack", row.getString("stack"));
  }

  private static Object json(Object value, Object fallback) {
    return value == null ? fallback : value;
  }

  private static String time(Row row, String column) {
    return iso(row.getOffsetDateTime(column));
  }

  /**
   * The instant as {@link java.time.Instant#toString} writes it ({@code 2026-12-02T16:40:05.123456Z}: seconds always,
   * the fraction in groups of three digits, only as long as needed), digit by digit into one byte array: through
   * {@code DateTimeFormatter} it was a tenth of the dispatcher's event loop (five times per row), and
   * {@link LocalDateTime#toString}'s string building still 7%. Years outside 0000–9999, which Instant writes with a
   * sign, take the slow path.
   */
  static String iso(OffsetDateTime time) {
    if (time == null) {
      return null;
    }
    LocalDateTime utc = time.getOffset().equals(ZoneOffset.UTC) ? time.toLocalDateTime()
        : LocalDateTime.ofEpochSecond(time.toEpochSecond(), time.getNano(), ZoneOffset.UTC);
    int year = utc.getYear();
    if (year < 0 || year > 9999) {
      return time.toInstant().toString();
    }
    int nano = utc.getNano();
    int fraction = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
    byte[] text = new byte[20 + (fraction == 0 ? 0 : fraction + 1)];
    digits(text, 0, year, 4);
    text[4] = '-';
    digits(text, 5, utc.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, utc.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, utc.getHour(), 2);
    text[13] = ':';
    digits(text, 14, utc.getMinute(), 2);
    text[16] = ':';
    digits(text, 17, utc.getSecond(), 2);
    int end = 19;
    if (fraction > 0) {
      text[end++] = '.';
      digits(text, end, nano / POWERS_OF_TEN[9 - fraction], fraction);
      end += fraction;
    }
    text[end] = 'Z';
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
      100_000_000, 1_000_000_000};

  /** Writes {@code value} as exactly {@code width} decimal digits, zero-padded, at {@code offset}. */
  private static void digits(byte[] text, int offset, int value, int width) {
    for (int i = offset + width - 1; i >= offset; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
