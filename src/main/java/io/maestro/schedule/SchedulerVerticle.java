package io.maestro.schedule;

import io.maestro.activity.ActivityLog;
import io.maestro.brands.BrandRepository;
import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.node.NodeContext;
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
 * publisher (io.maestro.publish) takes them at their slot; each booking wakes the publishers. Safe to run on every node: bookings are idempotent per (job, brand).
 */
public class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);

  private ScheduleRepository schedule;
  private BookingQueue bookings;
  private BrandRepository brands;
  private JobService jobs;
  private ActivityLog activity;

  private final NodeContext node;

  public SchedulerVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    MaestroConfig config = node.config();
    Pool pool = node.pool();
    schedule = new ScheduleRepository(pool);
    bookings = new BookingQueue(schedule);
    brands = new BrandRepository(pool);
    jobs = new JobService(vertx, node);
    activity = new ActivityLog(vertx, pool);
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
    String mediaUrl = output.getString("video_url", output.getString("image_url"));
    return brands.find(userId, brand)
        .compose(row -> bookings.book(new ScheduleRepository.Booking(userId, brand, job.getString("variant"),
            row.map(b -> b.getInteger("schedule_offset", 0)).orElse(0), jobId,
            output.getString("title", job.getString("title")), mediaUrl)))
        .compose(item -> jobs.setScheduledTime(userId, jobId, brand, item.getString("slot_at")).map(item))
        .onSuccess(item -> vertx.eventBus().publish(Addresses.SCHEDULE_CHANGED, new JsonObject())) // publishers re-arm
        .onSuccess(item -> activity.record(userId, "scheduler", "scheduled", job.getString("variant") + " "
                + jobId + " for " + brand + " at " + item.getString("slot_at"), "📅", ActivityLog.Level.INFO)
            .onFailure(e -> LOG.debug("activity entry not stored: {}", e.getMessage())))
        .onFailure(e -> activity.record(userId, "scheduler", "scheduling failed", jobId + " for " + brand + ": "
            + e.getMessage(), "⚠️", ActivityLog.Level.ERROR));
  }
}
