package io.maestro.schedule;

import io.maestro.activity.ActivityLog;
import io.maestro.brands.BrandRepository;
import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.db.GroupCommit;
import io.maestro.node.NodeContext;
import io.maestro.jobs.JobRepository;
import io.maestro.jobs.JobService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Auto-scheduling: when a job completes, each completed brand output is booked into its brand's next free slot
 * and the slot is written back into the output as scheduled_time. Items wait in state 'scheduled' until the
 * publisher (io.maestro.publish) takes them at their slot; bookings wake the publishers. Safe to run on every node:
 * bookings are idempotent per (job, brand).
 *
 * <p>Every step around the booking is a group commit: outputs that complete while a brand lookup, a write-back or an
 * activity entry is being written wait and go together in the next statement, as the bookings of one brand do
 * ({@link BookingQueue}). A backlog of completions costs a few statements per batch instead of four per output.
 */
public class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  /** Outputs per lookup, write-back or activity statement: a backlog's worth, and a few kilobytes of parameters. */
  static final int MAX_BATCH = 256;

  private record BrandOf(String userId, String brand) {}

  private BookingQueue bookings;
  private GroupCommit<BrandOf, Integer> offsets;
  private GroupCommit<JobRepository.ScheduledTime, Void> writeBacks;
  private GroupCommit<ActivityLog.Entry, Void> activities;
  private boolean changeAnnounced;

  private final NodeContext node;

  public SchedulerVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    MaestroConfig config = node.config();
    Pool pool = node.pool();
    BrandRepository brands = new BrandRepository(pool);
    JobService jobs = new JobService(vertx, node);
    ActivityLog activity = new ActivityLog(vertx, pool);
    bookings = new BookingQueue(new ScheduleRepository(pool));
    offsets = new GroupCommit<>(MAX_BATCH, batch -> brands.scheduleOffsets(
        batch.stream().map(BrandOf::userId).toList(), batch.stream().map(BrandOf::brand).toList()));
    writeBacks = GroupCommit.ofWrites(MAX_BATCH, jobs::setScheduledTimes);
    activities = GroupCommit.ofWrites(MAX_BATCH, activity::recordAll);
    if (!config.bool(MaestroConfig.SCHEDULE_AUTO_BOOK)) {
      LOG.info("Auto-scheduling is off on this node (schedule.autoBook=false)");
      return Future.succeededFuture();
    }
    return vertx.eventBus().<JsonObject>consumer(Addresses.JOB_FINISHED, this::finished).completion();
  }

  private void finished(Message<JsonObject> message) {
    try {
      JsonObject job = message.body();
      if (job == null || !"completed".equals(job.getString("status"))) {
        return;
      }
      scheduleJob(job).onFailure(e -> LOG.warn("Scheduling job {} failed: {}", job.getString("job_id"),
          e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("Malformed job-finished message: {}", e.getMessage(), e);
    }
  }

  /** Books every completed brand output of the job; the future completes when all are booked. */
  public Future<List<JsonObject>> scheduleJob(JsonObject job) {
    JsonObject outputs = job.getJsonObject("brand_outputs", new JsonObject());
    List<Future<JsonObject>> booked = new ArrayList<>();
    for (String brand : outputs.fieldNames()) {
      Object output = outputs.getValue(brand);
      if (output instanceof JsonObject o && "completed".equals(o.getString("status"))) {
        booked.add(book(job, brand, o));
      }
    }
    return Future.all(booked).map(all -> all.<JsonObject>list());
  }

  private Future<JsonObject> book(JsonObject job, String brand, JsonObject output) {
    String userId = job.getString("user_id");
    String jobId = job.getString("job_id");
    String variant = job.getString("variant");
    String mediaUrl = output.getString("video_url", output.getString("image_url"));
    return offsets.add(new BrandOf(userId, brand))
        .compose(offset -> bookings.book(new ScheduleRepository.Booking(userId, brand, variant, offset, jobId,
            output.getString("title", job.getString("title")), mediaUrl)))
        .compose(item -> writeBacks.add(new JobRepository.ScheduledTime(userId, jobId, brand,
            item.getString("slot_at"))).map(item))
        .onSuccess(item -> {
          announceChange();
          record(new ActivityLog.Entry(userId, "scheduler", "scheduled", variant + " " + jobId + " for " + brand
              + " at " + item.getString("slot_at"), "📅", ActivityLog.Level.INFO));
        })
        .onFailure(e -> record(new ActivityLog.Entry(userId, "scheduler", "scheduling failed", jobId + " for "
            + brand + ": " + e.getMessage(), "⚠️", ActivityLog.Level.ERROR)));
  }

  private void record(ActivityLog.Entry entry) {
    activities.add(entry).onFailure(e -> LOG.debug("activity entry not stored: {}", e.getMessage()));
  }

  /** The publishers re-arm on a change; one notice per turn of the event loop covers every booking made in it. */
  private void announceChange() {
    if (!changeAnnounced) {
      changeAnnounced = true;
      vertx.runOnContext(v -> {
        changeAnnounced = false;
        vertx.eventBus().publish(Addresses.SCHEDULE_CHANGED, new JsonObject());
      });
    }
  }
}
