package io.maestro.failure;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one failure taxonomy every actor shares. The numeric code travels in {@code message.fail(code, text)} and is
 * stored on the job row; the category is what the healer's policy and the Observatory read.
 *
 * <p>Codes are stable (they are persisted): add new ones, never renumber. The nine categories of the seed's
 * healer come first, then what its fix list added, then what an event-bus system adds.
 */
public enum FailureCode {
  JOB_TIMEOUT(1001, "job_timeout", true, "Job exceeded its deadline — retrying with a fresh worker"),
  FFMPEG_ENCODER(1002, "ffmpeg_encoder", true, "ffmpeg could not open the encoder — retrying"),
  FFMPEG_RESOURCE(1003, "ffmpeg_resource", true, "ffmpeg hit a temporary resource limit — retrying after a pause"),
  FFMPEG_MEMORY(1004, "ffmpeg_memory", true, "ffmpeg ran out of memory — retrying when load is lower"),
  FFMPEG_OTHER(1005, "ffmpeg_other", true, "Video rendering failed — retrying"),
  API_ERROR(1006, "api_error", true, "External API call failed — retrying"),
  CONTENT_ERROR(1007, "content_error", false, "Content is invalid or empty — fix the input and regenerate"),
  FILE_NOT_FOUND(1008, "file_not_found", false, "A required file is missing — check media storage"),
  UNKNOWN(1009, "unknown", true, "Unclassified failure — retrying once; report it so it gets a category"),

  IMAGE_GENERATION_ERROR(1101, "image_generation_error", true, "AI image generation failed — retrying"),
  STORAGE_ERROR(1102, "storage_error", true, "File storage/upload failed — retrying"),
  CONFIG_ERROR(1103, "config_error", false, "Missing or invalid configuration — fix the configuration"),
  API_RATE_LIMITED(1104, "api_rate_limited", true, "Rate limited — waiting for the limit to reset (no retry spent)"),
  API_QUOTA_EXHAUSTED(1105, "api_quota_exhausted", true, "Quota exhausted — waiting for the quota to reset (no retry spent)"),
  API_AUTH(1106, "api_auth", false, "API credentials rejected — fix the API key"),

  DISPATCH_NO_WORKER(1201, "dispatch_no_worker", true, "No worker was listening — re-queueing"),
  REPLY_TIMEOUT(1202, "reply_timeout", true, "Worker did not reply in time — re-queueing"),
  WORKER_LOST(1203, "worker_lost", true, "The worker's node stopped heartbeating — re-queueing"),
  QUEUED_TOO_LONG(1204, "queued_too_long", true, "No worker is taking work — check that workers are deployed"),
  INVALID_REQUEST(1301, "invalid_request", false, "The request was malformed — fix the caller"),
  NOT_FOUND(1302, "not_found", false, "The referenced record does not exist"),
  CONFLICT(1303, "conflict", false, "The record is in a state that does not allow this"),
  QUEUE_FULL(1304, "queue_full", false,
      "The user already has limits.maxQueuedJobs jobs pending or generating — wait for some to finish, then ask again"),
  INTERNAL_ERROR(1399, "internal_error", true, "A bug in Maestro — report it; retrying"),

  PUBLISH_AUTH(1401, "publish_auth", false,
      "The platform rejected the brand's access token — reconnect the brand's account, then retry the item"),
  PUBLISH_MEDIA_FETCH(1402, "publish_media_fetch", false,
      "The platform could not fetch the media URL — make sure it is public (storage.publicBaseUrl), then retry"),
  PUBLISH_REJECTED(1403, "publish_rejected", false,
      "The platform refused the post (invalid media or parameters) — fix the content, then retry the item");

  private static final Map<Integer, FailureCode> BY_CODE =
      Arrays.stream(values()).collect(Collectors.toMap(FailureCode::code, Function.identity()));
  private static final Map<String, FailureCode> BY_CATEGORY =
      Arrays.stream(values()).collect(Collectors.toMap(FailureCode::category, Function.identity()));

  private final int code;
  private final String category;
  private final boolean retryable;
  private final String suggestedAction;

  FailureCode(int code, String category, boolean retryable, String suggestedAction) {
    this.code = code;
    this.category = category;
    this.retryable = retryable;
    this.suggestedAction = suggestedAction;
  }

  public int code() {
    return code;
  }

  public String category() {
    return category;
  }

  public boolean retryable() {
    return retryable;
  }

  public String suggestedAction() {
    return suggestedAction;
  }

  /** Rate limits and quotas wait for their reset instead of spending one of the job's retries. */
  public boolean waitsForReset() {
    return this == API_RATE_LIMITED || this == API_QUOTA_EXHAUSTED;
  }

  public static Optional<FailureCode> fromCode(int code) {
    return Optional.ofNullable(BY_CODE.get(code));
  }

  public static Optional<FailureCode> fromCategory(String category) {
    return Optional.ofNullable(category == null ? null : BY_CATEGORY.get(category));
  }
}
