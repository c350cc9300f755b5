package io.maestro.jobs;

import io.maestro.brands.BrandRepository;
import io.maestro.config.MaestroConfig;
import io.maestro.failure.FailedJob;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.failure.RetryPolicy;
import io.maestro.node.NodeContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one owner of a job's life outside the dispatcher: creating a job (the per-user queue limit, the brand check,
 * the insert, the wake-up and the user's live update), re-queueing one (regenerate, an operator's retry, the
 * healer's retries), cancelling, deleting, and the healer's lease rescue. Every path that creates or re-queues a
 * job comes through here, so the queue limit ({@code limits.maxQueuedJobs}) holds for all of them: past it the
 * request is refused with {@code queue_full} before anything is written. The dispatcher's own writes (claim,
 * heartbeat, outcome, release) stay in {@link DispatcherVerticle}, {@link OutcomeRecorder} and {@link Leases}.
 *
 * <p>Stateless apart from its repositories; any verticle may build one from the node context.
 */
public final class JobService {
  private final JobRepository jobs;
  private final BrandRepository brands;
  private final JobEvents events;
  private final int maxQueued;
  private final int maxAttempts;

  public JobService(Vertx vertx, NodeContext node) {
    this.jobs = new JobRepository(node.pool());
    this.brands = new BrandRepository(node.pool());
    this.events = new JobEvents(vertx);
    this.maxQueued = node.config().integer(MaestroConfig.LIMITS_MAX_QUEUED);
    this.maxAttempts = node.config().integer(MaestroConfig.MAX_ATTEMPTS);
  }

  // ---- creating and re-queueing

  /**
   * Fails with {@code queue_full} when the user already has {@code limits.maxQueuedJobs} pending or generating jobs.
   * Checked before a write, so concurrent requests of one user can overshoot by at most the requests in flight.
   * Callers that write something of their own before the job (an acceptance) check first, so that a refusal leaves
   * nothing behind.
   */
  public Future<Void> checkQueue(String userId) {
    return jobs.queuedCount(userId).compose(queued -> queued < maxQueued ? Future.<Void>succeededFuture()
        : Future.failedFuture(queueFull(queued)));
  }

  /** A new job: queue limit, every brand one of the user's active brands, insert, wake the dispatcher. */
  public Future<JsonObject> enqueue(String userId, JobSpec spec) {
    return checkQueue(userId).compose(ok -> brands.activeIds(userId))
        .compose(known -> {
          List<String> unknown = new ArrayList<>();
          spec.brands().forEach(b -> {
            if (!known.contains((String) b)) {
              unknown.add((String) b);
            }
          });
          if (!unknown.isEmpty()) {
            return Future.failedFuture(MaestroException.withDetails(FailureCode.INVALID_REQUEST, "brands: unknown "
                + "brand(s): " + String.join(", ", unknown) + " (known: " + String.join(", ", known) + ")",
                new JsonObject().put("field", "brands")));
          }
          return jobs.insert(userId, spec);
        })
        .onSuccess(this::queued);
  }

  /** Runs a finished job again from scratch. Empty when it is not the user's or is still pending or generating. */
  public Future<Optional<JsonObject>> regenerate(String userId, String jobId) {
    return checkQueue(userId).compose(ok -> jobs.regenerate(userId, jobId))
        .onSuccess(job -> job.ifPresent(this::queued));
  }

  /** An operator's retry of a failed job (a permanent one too). Empty when it is not the user's or not failed. */
  public Future<Optional<JsonObject>> retry(String userId, String jobId) {
    return checkQueue(userId).compose(ok -> jobs.retryManually(userId, jobId))
        .onSuccess(job -> job.ifPresent(this::queued));
  }

  /** What the healer's cycle re-queued, and what the queue limit made it leave failed for a later cycle. */
  public record Retries(List<JsonObject> retried, List<FailedJob> deferred) {}

  /**
   * The healer's retries and reset waits, on its cycle's transaction. Each user's jobs are admitted in the order
   * given while the user has room under the queue limit; the rest are deferred: not written at all, so they stay
   * {@code failed} with {@code healing_state = 'none'} and the next cycle decides about them again. Nothing is
   * published here: call {@link #requeued} once the transaction has committed.
   */
  public Future<Retries> scheduleRetries(SqlClient tx, List<FailedJob> failed, List<RetryPolicy.Decision> decisions) {
    if (failed.isEmpty()) {
      return Future.succeededFuture(new Retries(List.of(), List.of()));
    }
    JobRepository repo = new JobRepository(tx);
    Set<String> users = new LinkedHashSet<>();
    failed.forEach(job -> users.add(job.userId()));
    return repo.queuedCounts(users.toArray(String[]::new)).compose(queued -> {
      Map<String, Integer> room = new HashMap<>();
      users.forEach(u -> room.put(u, maxQueued - queued.getOrDefault(u, 0)));
      List<FailedJob> admitted = new ArrayList<>();
      List<RetryPolicy.Decision> admittedDecisions = new ArrayList<>();
      List<FailedJob> deferred = new ArrayList<>();
      for (int i = 0; i < failed.size(); i++) {
        FailedJob job = failed.get(i);
        int left = room.get(job.userId());
        if (left > 0) {
          room.put(job.userId(), left - 1);
          admitted.add(job);
          admittedDecisions.add(decisions.get(i));
        } else {
          deferred.add(job);
        }
      }
      return repo.scheduleRetries(admitted, admittedDecisions).map(retried -> new Retries(retried, deferred));
    });
  }

  /** The healer's lease rescue, on its cycle's transaction (the dispatcher's statement; publish after commit). */
  public Future<List<JsonObject>> rescueExpiredLeases(SqlClient tx, int limit) {
    return new JobRepository(tx).rescueExpiredLeases(maxAttempts, limit);
  }

  /** After a commit: the users see their re-queued jobs, and the dispatcher is woken once. */
  public void requeued(List<JsonObject> requeued) {
    requeued.forEach(events::update);
    if (!requeued.isEmpty()) {
      events.queued();
    }
  }

  /**
   * After a commit: a job reached completed or failed outside the dispatcher (the healer's rescue at the cap). The
   * row is handed over to the finished event (its internal key is removed in place): do not use it afterwards.
   */
  public void finished(JsonObject job) {
    events.finished(job);
  }

  // ---- other changes

  /** Cancels a job that has not finished (a running job's late result is then discarded); the user sees it. */
  public Future<Optional<JsonObject>> cancel(String userId, String jobId) {
    return jobs.cancel(userId, jobId).onSuccess(job -> job.ifPresent(events::update));
  }

  public Future<Boolean> delete(String userId, String jobId) {
    return jobs.delete(userId, jobId);
  }

  /** Records (or, with null, removes) the publishing slot of one brand output. */
  public Future<Boolean> setScheduledTime(String userId, String jobId, String brand, String scheduledTime) {
    return jobs.setScheduledTime(userId, jobId, brand, scheduledTime);
  }

  /** Many outputs' booked slots written back in one statement (the scheduler's group commit). */
  public Future<Integer> setScheduledTimes(List<JobRepository.ScheduledTime> times) {
    return jobs.setScheduledTimes(times);
  }

  private void queued(JsonObject job) {
    events.queued(job.getString("job_id"));
    events.update(job);
  }

  private MaestroException queueFull(int queued) {
    return MaestroException.withDetails(FailureCode.QUEUE_FULL, "you already have " + queued
        + " pending or generating jobs; at most " + maxQueued + " may be queued, wait for some to finish",
        new JsonObject().put("queued", queued).put("max", maxQueued));
  }
}
