package io.maestro.jobs;

import org.slf4j.MDC;

/**
 * Puts {@code job_id} and {@code attempt} into the logging MDC for the lines logged inside a try-with-resources
 * block, so every line about a job carries them (text: {@code [GEN-000042#2]}, JSON: the {@code mdc} fields). The
 * MDC is per thread: set it only around code that logs synchronously on this thread.
 */
public final class JobMdc implements AutoCloseable {
  public static final String JOB_ID = "job_id";
  public static final String ATTEMPT = "attempt";
  private static final JobMdc CLEAR = new JobMdc();

  private JobMdc() {}

  public static JobMdc of(String jobId, Integer attempt) {
    MDC.put(JOB_ID, jobId);
    MDC.put(ATTEMPT, attempt == null ? "" : attempt.toString());
    return CLEAR;
  }

  @Override
  public void close() {
    MDC.remove(JOB_ID);
    MDC.remove(ATTEMPT);
  }
}
