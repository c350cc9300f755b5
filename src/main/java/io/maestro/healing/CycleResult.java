package io.maestro.healing;

import io.maestro.activity.ActivityLog.Entry;
import io.maestro.activity.ActivityLog.Level;
import io.maestro.failure.FailedJob;
import io.maestro.failure.FailureCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one healing cycle did, gathered step by step inside its transaction, and how that is told afterwards: the
 * per-user counters, the summary stored with the cycle, the report the trigger gets back and the activity entries.
 */
final class CycleResult {
  private static final String AGENT = "healer";

  List<JsonObject> rescued = List.of();
  /** Schedule items stuck in publishing past their lease, handed back (published platforms stay done). */
  List<JsonObject> rescuedItems = List.of();
  List<JsonObject> stuckNotes = List.of();
  long[] stuckNow = {0, 0};
  int diagnosed;
  List<JsonObject> retried = List.of();
  /** Retries the queue limit refused: nothing written, still failed and unhandled. */
  List<FailedJob> deferred = List.of();
  List<JsonObject> permanentNotes = List.of();
  String finishedAt;

  Map<String, long[]> counters() {
    Map<String, long[]> perUser = new LinkedHashMap<>();
    retried.forEach(j -> perUser.computeIfAbsent(j.getString("user_id"), u -> new long[2])[0]++);
    permanentNotes.forEach(n -> perUser.computeIfAbsent(n.getString("user_id"), u -> new long[2])[1]++);
    return perUser;
  }

  JsonObject summary() {
    long waits = retried.stream().filter(CycleResult::waitsForReset).count();
    return new JsonObject()
        .put("rescued", rescued.size())
        .put("queued_too_long", stuckNotes.size())
        .put("pending_past_budget", stuckNow[0])
        .put("diagnosed", diagnosed)
        .put("retried", retried.size() - waits)
        .put("waiting_reset", waits)
        .put("permanent", permanentNotes.size())
        .put("deferred", deferred.size());
  }

  /** True when a full batch of any step was handled: more may be waiting, so another cycle should run now. */
  boolean more(int batch) {
    // deferred jobs come first again in the next batch: a batch of nothing but them must not loop
    return rescued.size() == batch || rescuedItems.size() == batch || stuckNotes.size() == batch
        || (diagnosed == batch && deferred.size() < batch);
  }

  static boolean waitsForReset(JsonObject job) {
    return "waiting_reset".equals(job.getString("healing_state"));
  }

  /** The answer to the trigger (and the HTTP route): counts plus each job handled, without user ids. */
  JsonObject report(String trigger, String nodeId, long startedNanos, int batch) {
    JsonArray rescuedJobs = new JsonArray();
    rescued.forEach(j -> rescuedJobs.add(new JsonObject().put("job_id", j.getString("job_id"))
        .put("status", j.getString("status")).put("attempt", j.getInteger("attempt"))));
    JsonArray stuck = new JsonArray();
    stuckNotes.forEach(n -> stuck.add(publicNote(n)));
    JsonArray retriedJobs = new JsonArray();
    JsonArray waiting = new JsonArray();
    retried.forEach(j -> {
      JsonObject entry = new JsonObject().put("job_id", j.getString("job_id"))
          .put("category", j.getString("healed_category")).put("reason", j.getString("healed_reason"))
          .put("retry_count", j.getInteger("retry_count")).put("run_at", j.getString("run_at"))
          .put("delay_ms", j.getLong("wait_ms"));
      (waitsForReset(j) ? waiting : retriedJobs).add(entry);
    });
    JsonArray permanent = new JsonArray();
    permanentNotes.forEach(n -> permanent.add(publicNote(n)));
    JsonArray deferredJobs = new JsonArray();
    deferred.forEach(j -> deferredJobs.add(new JsonObject().put("job_id", j.jobId()).put("reason",
        FailureCode.QUEUE_FULL.category() + ": the user has limits.maxQueuedJobs jobs queued; retried on a later "
            + "cycle")));
    return new JsonObject()
        .put("status", "completed")
        .put("trigger", trigger)
        .put("node", nodeId)
        .put("finished_at", finishedAt)
        .put("duration_ms", (System.nanoTime() - startedNanos) / 1_000_000)
        .put("counts", summary())
        .put("more", more(batch))
        .put("rescued", rescuedJobs)
        .put("publishing_rescued", rescuedItems.size())
        .put("queued_too_long", stuck)
        .put("retried", retriedJobs)
        .put("waiting_reset", waiting)
        .put("permanent", permanent)
        .put("deferred", deferredJobs);
  }

  /** One activity entry per thing the cycle did, for each job's owner. */
  List<Entry> activity() {
    List<Entry> entries = new ArrayList<>();
    for (JsonObject job : rescued) {
      boolean failed = "failed".equals(job.getString("status"));
      entries.add(new Entry(job.getString("user_id"), AGENT, "Lease rescued", job.getString("job_id") + " "
          + (failed ? "failed as worker_lost (attempt cap reached)" : "re-queued") + ": "
          + job.getString("error_message"), "🛟", Level.WARNING));
    }
    for (JsonObject item : rescuedItems) {
      entries.add(new Entry(item.getString("user_id"), AGENT, "Publishing rescued", item.getString("content_type")
          + " #" + item.getLong("id") + " of " + item.getString("brand") + ": " + item.getString("error_message"),
          "🛟", Level.WARNING));
    }
    for (JsonObject note : stuckNotes) {
      entries.add(new Entry(note.getString("user_id"), AGENT, "Queued too long", note.getString("job_id") + " — "
          + note.getString("reason") + ": " + note.getString("action"), "⚠️", Level.WARNING));
    }
    for (JsonObject job : retried) {
      boolean waits = waitsForReset(job);
      entries.add(new Entry(job.getString("user_id"), AGENT, waits ? "Waiting for limit reset" : "Retry scheduled",
          job.getString("job_id") + " — " + job.getString("healed_reason"), waits ? "⏳" : "🔁", Level.INFO));
    }
    for (JsonObject note : permanentNotes) {
      entries.add(new Entry(note.getString("user_id"), AGENT, "Permanent failure", note.getString("job_id") + " — "
          + note.getString("reason") + ": " + note.getString("action"), "🚨", Level.ERROR));
    }
    return entries;
  }

  static JsonObject publicNote(JsonObject note) {
    JsonObject copy = note.copy();
    copy.remove("user_id");
    return copy;
  }
}
