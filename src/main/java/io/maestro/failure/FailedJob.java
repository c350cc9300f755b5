package io.maestro.failure;

import java.time.OffsetDateTime;

/**
 * A failed job as the healer reads it: the stored code and message (never re-parsed when the code is known), the
 * real retry counter, and the {@code updated_at} it saw, which its UPDATE re-checks.
 */
public record FailedJob(long pk, String jobId, String userId, String title, String brand, Integer errorCode,
    String errorCategory, String errorMessage, int retryCount, int maxRetries, int attempt, OffsetDateTime resetAt,
    OffsetDateTime updatedAt) {}
