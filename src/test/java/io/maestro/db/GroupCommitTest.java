package io.maestro.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GroupCommit: items that arrive while a write runs go together in the next one")
class GroupCommitTest {
  private final List<List<Integer>> writes = new ArrayList<>();
  private final List<Promise<List<String>>> inFlight = new ArrayList<>();

  private GroupCommit<Integer, String> group(int maxBatch) {
    return new GroupCommit<>(maxBatch, batch -> {
      writes.add(batch);
      Promise<List<String>> promise = Promise.promise();
      inFlight.add(promise);
      return promise.future();
    });
  }

  private void finishWrite(int index) {
    inFlight.get(index).complete(writes.get(index).stream().map(i -> "#" + i).toList());
  }

  @Test
  @DisplayName("idle, an item is written at once; items added meanwhile wait and go in one write, at most maxBatch"
      + " at a time, each getting its own result")
  void batchesWhileAWriteRuns() {
    GroupCommit<Integer, String> group = group(3);
    Future<String> first = group.add(1);
    assertThat(writes).containsExactly(List.of(1));
    List<Future<String>> later = new ArrayList<>();
    for (int i = 2; i <= 6; i++) {
      later.add(group.add(i));
    }
    assertThat(writes).hasSize(1);

    finishWrite(0);
    assertThat(first.result()).isEqualTo("#1");
    assertThat(writes).containsExactly(List.of(1), List.of(2, 3, 4));
    finishWrite(1);
    assertThat(writes).containsExactly(List.of(1), List.of(2, 3, 4), List.of(5, 6));
    finishWrite(2);
    assertThat(later).extracting(Future::result).containsExactly("#2", "#3", "#4", "#5", "#6");
    assertThat(group.add(7).isComplete()).isFalse();
    assertThat(writes).hasSize(4);
  }

  @Test
  @DisplayName("a failed or throwing write fails exactly its own batch, and the items behind it are still written")
  void failureStaysWithItsBatch() {
    List<List<Integer>> seen = new ArrayList<>();
    List<Promise<List<String>>> pending = new ArrayList<>();
    GroupCommit<Integer, String> group = new GroupCommit<>(10, batch -> {
      seen.add(batch);
      if (batch.contains(99)) {
        throw new IllegalStateException("cannot encode 99");
      }
      Promise<List<String>> promise = Promise.promise();
      pending.add(promise);
      return promise.future();
    });
    Future<String> a = group.add(1);
    Future<String> b = group.add(2);
    Future<String> c = group.add(3);
    pending.get(0).fail("connection reset");
    assertThat(a.cause()).hasMessage("connection reset");
    assertThat(seen).containsExactly(List.of(1), List.of(2, 3));
    Future<String> poisoned = group.add(99);
    pending.get(1).complete(List.of("two", "three"));
    assertThat(b.result()).isEqualTo("two");
    assertThat(c.result()).isEqualTo("three");
    assertThat(poisoned.cause()).hasMessage("cannot encode 99");
    assertThat(group.add(4).isComplete()).as("the group is not stuck after a throw").isFalse();
    assertThat(seen).last().isEqualTo(List.of(4));
  }

  @Test
  @DisplayName("a write with no result per item completes each item of its batch when the batch is written")
  void writesWithoutResults() {
    List<Promise<Void>> pending = new ArrayList<>();
    GroupCommit<Integer, Void> group = GroupCommit.ofWrites(10, batch -> {
      Promise<Void> promise = Promise.promise();
      pending.add(promise);
      return promise.future();
    });
    Future<Void> a = group.add(1);
    Future<Void> b = group.add(2);
    Future<Void> c = group.add(3);
    pending.get(0).complete();
    assertThat(a.succeeded()).isTrue();
    assertThat(b.isComplete()).isFalse();
    pending.get(1).fail("disk full");
    assertThat(b.cause()).hasMessage("disk full");
    assertThat(c.cause()).hasMessage("disk full");
  }

  @Test
  @DisplayName("a write that answers with the wrong number of results fails its batch instead of mismatching them")
  void resultCountMustMatch() {
    GroupCommit<Integer, String> group = new GroupCommit<>(10, batch -> Future.succeededFuture(List.of("only one")));
    Future<String> a = group.add(1);
    assertThat(a.result()).isEqualTo("only one");
    GroupCommit<Integer, String> short1 = new GroupCommit<>(10, batch -> Future.succeededFuture(List.of()));
    assertThat(short1.add(1).cause()).hasMessageContaining("returned 0 results");
  }
}
