package io.maestro.publish;

import io.maestro.failure.Failure;
import java.time.Instant;

/**
 * How one claim of an item ends.
 *
 * @param status scheduled (sent again at {@code releaseAt}), published, partially_published or failed
 * @param retrySpent whether the re-send spends one of the item's automatic retries (rate limits do not)
 * @param dryRun every platform was "published" by the dry-run publisher
 * @param error the failure an operator should read first, null when published
 */
public record Outcome(String status, Instant releaseAt, boolean retrySpent, boolean dryRun, Failure error) {}
