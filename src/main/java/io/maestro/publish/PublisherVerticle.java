package io.maestro.publish;

import io.maestro.config.PublishConfig;
import io.maestro.activity.ActivityLog;
import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.failure.RetryPolicy;
import io.maestro.node.NodeContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher actor (event loop; safe on every node). It sleeps until the next item is due (at most
 * {@code publish.pollIntervalMs}, the backstop), wakes early when the schedule changes ({@link
 * Addresses#SCHEDULE_CHANGED}), claims due items in batches — {@code FOR UPDATE SKIP LOCKED} plus a lease, so each
 * item is held by one publisher in the whole cluster — and publishes each ({@link ItemPublisher}). Items whose
 * publisher died are handed back by the healer's rescue ({@link PublishRepository#rescueExpiredLeases}).
 */
public class PublisherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PublisherVerticle.class);

  private PublishRepository repo;
  private ItemPublisher publisher;
  private PlatformClients clients;
  private String node;
  private int batch;
  private long leaseMs;
  private long pollMs;
  private long timerId = -1;
  private boolean running;
  private boolean again;
  private boolean stopped;

  private final NodeContext context;

  public PublisherVerticle(NodeContext context) {
    this.context = context;
  }

  @Override
  public Future<?> start() {
    MaestroConfig config = context.config();
    PublishConfig.validate(config);
    Pool pool = context.pool();
    node = context.nodeId();
    repo = new PublishRepository(pool);
    batch = config.integer(PublishConfig.BATCH);
    leaseMs = config.longValue(PublishConfig.LEASE);
    pollMs = config.longValue(PublishConfig.POLL_INTERVAL);
    RetryPolicy backoff = new RetryPolicy(config.longValue(PublishConfig.BACKOFF_BASE),
        config.longValue(MaestroConfig.HEALER_BACKOFF_MAX), config.integer(MaestroConfig.HEALER_JITTER), 1,
        () -> ThreadLocalRandom.current().nextDouble());
    OutcomePolicy policy = new OutcomePolicy(backoff, config.integer(PublishConfig.MAX_RETRIES),
        config.integer(PublishConfig.MAX_ATTEMPTS));
    ActivityLog activity = new ActivityLog(vertx, pool);
    CredentialStore credentials = new CredentialStore(repo, CredentialSealer.fromConfig(config));
    if (PublishConfig.live(config)) {
      clients = new PlatformClients(vertx, config);
      publisher = new ItemPublisher(vertx, repo, activity, policy, node, null, clients.all(), credentials);
      LOG.info("Publisher live: Instagram and Facebook via {}, YouTube via {}",
          config.string(PublishConfig.GRAPH_BASE_URL), config.string(PublishConfig.YOUTUBE_BASE_URL));
    } else {
      Outbox outbox = new Outbox(vertx, PublishConfig.outboxFile(config));
      publisher = new ItemPublisher(vertx, repo, activity, policy, node, outbox, Map.of(), credentials);
      LOG.info("Publisher in dry run: due items are written to {} (publish.mode=live publishes for real)",
          outbox.file());
    }
    return vertx.eventBus().<JsonObject>consumer(Addresses.SCHEDULE_CHANGED, m -> wake()).completion()
        .onSuccess(ignored -> wake());
  }

  /** Runs a cycle now, or right after the one running. */
  void wake() {
    if (stopped) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    cycle().onComplete(done -> {
      running = false;
      if (done.failed()) {
        LOG.warn("Publishing cycle failed (the next wake-up retries): {}", done.cause().getMessage());
      }
      if (again) {
        again = false;
        wake();
      } else {
        arm();
      }
    });
  }

  private Future<Void> cycle() {
    return repo.claim(node, batch, leaseMs).compose(items -> {
      if (items.isEmpty()) {
        return Future.succeededFuture();
      }
      LOG.debug("Claimed {} due item(s)", items.size());
      List<Future<Void>> all = items.stream().map(publisher::publish).toList();
      return Future.join(all).<Void>mapEmpty().recover(e -> Future.succeededFuture())
          .compose(ignored -> items.size() == batch ? cycle() : Future.succeededFuture());
    });
  }

  /** Sleeps until the next item is due, or the backstop poll, whichever is first. */
  private void arm() {
    if (stopped) {
      return;
    }
    repo.nextDue().otherwise(e -> java.util.Optional.empty()).onComplete(next -> {
      long delay = pollMs;
      if (next.succeeded() && next.result().isPresent()) {
        long untilDue = next.result().get().toEpochMilli() - Instant.now().toEpochMilli();
        delay = Math.max(1, Math.min(pollMs, untilDue + 5));
      }
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
      if (!stopped) {
        timerId = vertx.setTimer(delay, id -> {
          timerId = -1;
          wake();
        });
      }
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    if (clients != null) {
      clients.close();
    }
    return Future.succeededFuture();
  }
}
