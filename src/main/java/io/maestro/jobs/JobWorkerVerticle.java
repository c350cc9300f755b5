package io.maestro.jobs;

import io.maestro.bus.Addresses;
import io.maestro.failure.Failures;
import io.maestro.node.NodeContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * One job at a time on a worker thread (deploy with {@code ThreadingModel.WORKER}; instances = slots per node).
 * Each instance listens on its own local address and tells the dispatcher when it is idle, so the dispatcher never
 * hands it a second job while it is busy. Progress and the outcome go back to the dispatcher, which records them in
 * one place (typed: {@link ClaimedJob} in, {@link JobProgress} and {@link JobOutcome} or a failed reply out). The
 * worker itself writes no job rows; the media renderers read the brand's style through BrandRepository.
 */
public class JobWorkerVerticle extends VerticleBase {
  private final NodeContext node;
  private JobRunner runner;
  private String address;
  private MessageConsumer<ClaimedJob> consumer;
  private MessageConsumer<JsonObject> abortConsumer;

  /** With the node's renderers ({@link NodeContext#renderers()}), built per instance. */
  public JobWorkerVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    WorkerProtocol.registerOn(vertx.eventBus());
    runner = new JobRunner(node.renderers().create(vertx, node.config(), node.pool()));
    address = Addresses.WORKER_PREFIX + UUID.randomUUID();
    consumer = vertx.eventBus().localConsumer(address, this::handle);
    // the abort must be heard while this worker's own context is busy running the job, so it listens on an event
    // loop of its own (internal API, as media.Blocking: Vert.x has no public way to make one from a worker)
    io.vertx.core.Promise<Void> abortReady = io.vertx.core.Promise.promise();
    ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext().runOnContext(ignored -> {
      abortConsumer = vertx.eventBus().localConsumer(Addresses.WORKERS_ABORT, message -> runner.abort());
      abortConsumer.completion().onComplete(abortReady);
    });
    return Future.all(consumer.completion(), abortReady.future()).onSuccess(ignored -> announceIdle());
  }

  private void handle(Message<ClaimedJob> message) {
    ClaimedJob job = message.body();
    // everything the renderers log on this thread while the job runs is about this job
    try (JobMdc mdc = JobMdc.of(job.jobId(), job.attempt())) {
      JobOutcome outcome = runner.run(job, progress -> vertx.eventBus().send(Addresses.JOB_PROGRESS, progress,
          WorkerProtocol.LOCAL));
      message.reply(outcome, WorkerProtocol.LOCAL);
    } catch (Throwable t) {
      // no brand succeeded (the brands' details went ahead as progress), or a bug in the runner itself: a
      // classified failed reply either way, never a silent timeout
      Failures.fail(message, t);
    } finally {
      announceIdle();
    }
  }

  private void announceIdle() {
    vertx.eventBus().send(Addresses.WORKER_READY, new WorkerAddress(address), WorkerProtocol.LOCAL);
  }

  @Override
  public Future<?> stop() {
    vertx.eventBus().send(Addresses.WORKER_GONE, new WorkerAddress(address), WorkerProtocol.LOCAL);
    Future<Void> abort = abortConsumer == null ? Future.succeededFuture() : abortConsumer.unregister();
    return consumer == null ? abort : Future.all(consumer.unregister(), abort);
  }
}
