package io.maestro.jobs;

/** Body of {@code maestro.jobs.worker.ready} and {@code .gone}: the worker instance's own address. */
public record WorkerAddress(String address) {}
