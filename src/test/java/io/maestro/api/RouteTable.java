package io.maestro.api;

import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every authenticated route the API serves, and a scan of the route classes' source that proves the table is
 * complete: a route added without being added here fails {@code RouteTable.declared()} comparisons in the tests.
 */
final class RouteTable {
  record Route(HttpMethod method, String path) {
    String key() {
      return method.name() + " " + path;
    }
  }

  static final List<Route> ALL = List.of(
      r("POST", "/jobs/create"), r("GET", "/jobs"), r("GET", "/jobs/"), r("GET", "/jobs/:job_id"),
      r("GET", "/jobs/:job_id/status"), r("GET", "/jobs/:job_id/attempts"), r("POST", "/jobs/:job_id/cancel"),
      r("DELETE", "/jobs/:job_id"), r("POST", "/jobs/:job_id/regenerate"),
      r("GET", "/api/maestro/healing"), r("POST", "/api/maestro/trigger-healing"),
      r("POST", "/api/maestro/retry-job/:job_id"), r("GET", "/api/healing/report"),
      r("GET", "/api/agents"), r("POST", "/api/agents"), r("GET", "/api/agents/:agent_id"),
      r("PUT", "/api/agents/:agent_id"), r("DELETE", "/api/agents/:agent_id"),
      r("GET", "/api/maestro/status"), r("POST", "/api/maestro/pause"), r("POST", "/api/maestro/resume"),
      r("POST", "/api/maestro/trigger-burst"), r("GET", "/api/maestro/proposals"),
      r("DELETE", "/api/maestro/proposals/clear"), r("GET", "/api/maestro/proposals/:id"),
      r("POST", "/api/maestro/proposals/:id/accept"), r("POST", "/api/maestro/proposals/:id/reject"),
      r("GET", "/api/maestro/examiner/stats"), r("GET", "/api/maestro/examiner/rejected"),
      r("GET", "/api/schedule"), r("GET", "/api/schedule/:schedule_id"),
      r("POST", "/api/schedule/:schedule_id/reschedule"), r("POST", "/api/schedule/:schedule_id/unschedule"),
      r("DELETE", "/api/schedule/:schedule_id"),
      r("GET", "/api/brands"), r("GET", "/api/me"), r("GET", "/api/maestro/activity"), r("GET", "/api/variants"),
      r("GET", "/api/publishing/items"), r("GET", "/api/publishing/items/:schedule_id"),
      r("POST", "/api/publishing/items/:schedule_id/publish-now"), r("POST", "/api/publishing/items/:schedule_id/retry"),
      r("GET", "/api/publishing/credentials"), r("PUT", "/api/publishing/credentials/:brand"),
      r("DELETE", "/api/publishing/credentials/:brand"),
      r("GET", "/api/observatory/jobs"), r("GET", "/api/observatory/jobs/counts"),
      r("GET", "/api/observatory/jobs/:job_id"), r("POST", "/api/observatory/jobs/bulk"),
      r("GET", "/api/observatory/stats"), r("GET", "/api/observatory/calendar"));

  /**
   * Public by design (documented in docs/SECURITY.md): probes, the API description, and the metrics scrape (which
   * takes its own token when metrics.token is set).
   */
  static final Set<String> PUBLIC = Set.of("GET /health", "GET /ready", "GET /openapi.json", "GET /metrics");

  private static final Pattern MOUNT = Pattern.compile("router\\.(get|post|put|delete|patch|head)\\(\"([^\"]+)\"");

  private RouteTable() {}

  private static Route r(String method, String path) {
    return new Route(HttpMethod.valueOf(method), path);
  }

  /** Every literal route mounted in src/main/java/io/maestro/api, as "METHOD path" (schedule ids normalised). */
  static Set<String> declared() throws IOException {
    Set<String> routes = new TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of("src/main/java/io/maestro/api"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        boolean schedule = file.getFileName().toString().equals("ScheduleRoutes.java");
        Matcher m = MOUNT.matcher(source);
        while (m.find()) {
          String path = schedule ? m.group(2).replace(":id", ":schedule_id") : m.group(2);
          routes.add(m.group(1).toUpperCase() + " " + path);
        }
      }
    }
    return routes;
  }
}
