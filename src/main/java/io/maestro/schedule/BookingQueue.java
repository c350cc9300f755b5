package io.maestro.schedule;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bookings of one brand, variant and offset go one batch at a time: outputs that complete while a batch is being
 * booked gather and are booked together by the next one. Concurrent bookings of one brand would all race for the
 * same first free slot, and every loser would wait for the winner's commit and try again (n² statements for n
 * racers); queued, a backlog of completions costs two statements per batch. Other nodes still race, and the UNIQUE
 * index still decides. Not thread-safe: used from its verticle's event loop only.
 */
final class BookingQueue {
  static final int MAX_BATCH = 256;

  private record Pending(ScheduleRepository.Booking booking, Promise<JsonObject> promise) {}

  private final ScheduleRepository schedule;
  private final Map<String, ArrayDeque<Pending>> queues = new HashMap<>();
  private final Set<String> booking = new HashSet<>();

  BookingQueue(ScheduleRepository schedule) {
    this.schedule = schedule;
  }

  Future<JsonObject> book(ScheduleRepository.Booking request) {
    String key = request.userId() + '\u0000' + request.brand() + '\u0000' + request.variant() + '\u0000'
        + request.offsetHours();
    Promise<JsonObject> promise = Promise.promise();
    queues.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new Pending(request, promise));
    if (!booking.contains(key)) {
      next(key);
    }
    return promise.future();
  }

  private void next(String key) {
    ArrayDeque<Pending> queue = queues.get(key);
    if (queue == null || queue.isEmpty()) {
      queues.remove(key);
      booking.remove(key);
      return;
    }
    booking.add(key);
    List<Pending> batch = new ArrayList<>();
    while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
      batch.add(queue.poll());
    }
    Instant after = Instant.now();
    Future.succeededFuture()
        .compose(ignored -> schedule.bookBatch(batch.stream().map(Pending::booking).toList(), after))
        .recover(e -> Future.succeededFuture(Map.of())) // each output then gets a single booking of its own
        .compose(booked -> bookRest(batch, booked, after, 0))
        .onComplete(ignored -> next(key));
  }

  /** Outputs the batch statement left out, one by one (the single booking always finds a slot or fails clearly). */
  private Future<Void> bookRest(List<Pending> batch, Map<String, JsonObject> booked, Instant after, int index) {
    if (index == batch.size()) {
      return Future.succeededFuture();
    }
    Pending pending = batch.get(index);
    JsonObject item = booked.get(pending.booking().jobId());
    if (item != null) {
      pending.promise().complete(item);
      return bookRest(batch, booked, after, index + 1);
    }
    return schedule.book(pending.booking(), after)
        .onComplete(pending.promise())
        .transform(ignored -> bookRest(batch, booked, after, index + 1));
  }
}
