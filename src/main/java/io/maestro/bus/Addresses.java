package io.maestro.bus;

/**
 * Every event-bus address in one place. Addresses under {@link #BROWSER_PREFIX} are the only ones the SockJS bridge
 * lets out to browsers, and only per user ({@code maestro.updates.<user_id>.*}).
 */
public final class Addresses {
  private Addresses() {}

  /**
   * Published (cluster-wide) when a job becomes due: created, regenerated, retried, rescued, released or handed back.
   * Wakes every dispatcher.
   */
  public static final String JOBS_QUEUED = "maestro.jobs.queued";
  /** Local: a worker instance announces its own address and that it is idle. */
  public static final String WORKER_READY = "maestro.jobs.worker.ready";
  /** Local: a worker instance is going away. */
  public static final String WORKER_GONE = "maestro.jobs.worker.gone";
  /**
   * Local publish, from the dispatcher when it stops: it has handed back every job still running, so each worker
   * interrupts its job at once instead of letting it run on (a stop must end within jobs.shutdownGraceMs).
   */
  public static final String WORKERS_ABORT = "maestro.jobs.workers.abort";
  /** Local: per-instance address prefix of a worker; the dispatcher sends one job at a time to an idle one. */
  public static final String WORKER_PREFIX = "maestro.jobs.worker.";
  /** Local: progress of a running job (step, percent, per-brand output), fire-and-forget from the worker. */
  public static final String JOB_PROGRESS = "maestro.jobs.progress";
  /**
   * Published: a job finished (completed or failed); the scheduler books its outputs (its only listener). The body is
   * one object shared by the node's consumers ({@link SharedJson}): a consumer reads it and never changes it.
   */
  public static final String JOB_FINISHED = "maestro.jobs.finished";
  /** Request: run a healing cycle now; the reply is the cycle's report (or says another node holds the lock). */
  public static final String HEALER_RUN = "maestro.healer.run";

  /** Request: {user_id, agent_id, brand, content_type, count, burst_id?, replaces?} → {proposals:[...]} (saved, pending). */
  public static final String AGENTS_PROPOSE = "maestro.agents.propose";
  /** Request: {user_id, proposal_id, notes?} → {status:"accepted", job_id, job}; the proposal becomes a queued job. */
  public static final String PROPOSALS_ACCEPT = "maestro.proposals.accept";
  /**
   * Request: {user_id, proposal_id, replace?} → {results:[{proposal_id, verdict, score, job_id?}]}: scores the
   * proposal, accepts it (a job) or rejects it and, once, examines a replacement from the same agent and brand.
   */
  public static final String EXAMINER_EXAMINE = "maestro.examiner.examine";
  /** Request: {user_id, force, test_mode, posts?, reels?, brands?, reason} → {status: triggered|busy|…, …}. */
  public static final String BURST_TRIGGER = "maestro.burst.trigger";

  /**
   * Published (cluster-wide) when schedule items are booked, moved, removed or made due (reschedule, unschedule,
   * publish now, retry, rescue): every publisher re-reads when the next item is due.
   */
  public static final String SCHEDULE_CHANGED = "maestro.schedule.changed";

  /**
   * The one address a browser may send to: {@code send(BRIDGE_RENEW, {}, {token: <fresh JWT>})} moves the socket's
   * expiry to the fresh token's; the reply is {renewed, expires_at}. The body reaches no actor.
   */
  public static final String BRIDGE_RENEW = "maestro.bridge.renew";

  /** The browser-visible family. */
  public static final String BROWSER_PREFIX = "maestro.updates.";

  /** Live job updates of one user: {job_id, status, progress_percent, current_step, error_*}. */
  public static String jobUpdates(String userId) {
    return BROWSER_PREFIX + userId + ".jobs";
  }

  /** Live publishing updates of one user: an item's state and its state per platform (PublishView). */
  public static String publishingUpdates(String userId) {
    return BROWSER_PREFIX + userId + ".publishing";
  }

  /** Live activity log entries of one user. */
  public static String activityUpdates(String userId) {
    return BROWSER_PREFIX + userId + ".activity";
  }
}
