package io.maestro.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Deadline: a job's time limit on its worker thread")
class DeadlineTest {

  @Test
  @DisplayName("a deadline closed before it passes leaves nothing queued: 10,000 finished jobs with a 10-minute"
      + " deadline hold no interrupt in memory")
  void closedDeadlinesLeaveNothingQueued() {
    int before = Deadline.pendingInterrupts();
    for (int i = 0; i < 10_000; i++) {
      try (Deadline deadline = new Deadline(600_000)) {
        assertThat(deadline.expired()).isFalse();
      }
    }
    assertThat(Deadline.pendingInterrupts()).isLessThanOrEqualTo(before);
  }

  @Test
  @DisplayName("a deadline that passes interrupts the worker thread and says it expired; closing it clears the"
      + " interrupt so the next job on the thread starts clean")
  void passedDeadlineInterrupts() throws Exception {
    try (Deadline deadline = new Deadline(50)) {
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException expected) {
        // the deadline's interrupt
      }
      assertThat(deadline.expired()).isTrue();
    }
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
