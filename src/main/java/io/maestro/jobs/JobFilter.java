package io.maestro.jobs;

/** List filters of GET /jobs/ (already validated). */
public record JobFilter(String status, String variant, String brand, int limit, int offset) {}
