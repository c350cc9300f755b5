package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Observatory read API: server-side counts, filtered keyset pages, job detail, stats, calendar, bulk actions")
class ObservatoryBoardApiTest {
  @RegisterExtension
  static final TestApp app = TestApp.forClass(
      new JsonObject().put("jobs.workerInstances", 0).put("healer.intervalMs", 86_400_000));

  @BeforeAll
  static void start() throws Exception {
    // 130 jobs of the local user, one a second apart (newest = highest n), statuses by n % 5; every 10th failed one
    // is a rate_limit, the others api_error; a few of another user that must never show
    app.execute("""
        INSERT INTO jobs (user_id, title, variant, brands, status, created_at, error_code, error_category,
                          error_message, lease_owner, lease_expires_at, claimed_at, completed_at)
        SELECT 'local', 'Board job ' || n || CASE WHEN n % 7 = 0 THEN ' about sleep' ELSE '' END,
               CASE WHEN n % 3 = 0 THEN 'dark' ELSE 'post' END,
               CASE WHEN n % 2 = 0 THEN '["healthycollege"]' ELSE '["longevitycollege"]' END::jsonb,
               (ARRAY['pending','generating','completed','failed','cancelled'])[n % 5 + 1],
               now() - (200 - n) * interval '1 second',
               CASE WHEN n % 5 = 3 THEN 1001 END,
               CASE WHEN n % 5 = 3 THEN CASE WHEN n % 10 = 3 THEN 'api_rate_limited' ELSE 'api_error' END END,
               CASE WHEN n % 5 = 3 THEN 'upstream said no' END,
               CASE WHEN n % 5 = 1 THEN 'node-x' END, CASE WHEN n % 5 = 1 THEN now() + interval '1 hour' END,
               CASE WHEN n % 5 = 1 THEN now() END,
               CASE WHEN n % 5 IN (2, 3, 4) THEN now() END
          FROM generate_series(1, 130) AS n""");
    app.execute("""
        INSERT INTO jobs (user_id, title, variant, brands) SELECT 'someone-else', 'Board job of another user', 'post',
               '["healthycollege"]' FROM generate_series(1, 5)""");
  }

  private static JsonObject get(String path) throws Exception {
    var r = Http.get(app.http, path);
    assertThat(r.statusCode()).as(path + " → " + r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static long db(String where) throws Exception {
    return app.count("SELECT count(*) FROM jobs WHERE user_id = 'local' AND " + where);
  }

  @Test
  @DisplayName("counts per status come from the database for all the user's jobs, under the same filters")
  void counts() throws Exception {
    JsonObject all = get("/api/observatory/jobs/counts");
    assertThat(all.getLong("total")).isEqualTo(db("true")).isEqualTo(130);
    for (String s : List.of("pending", "generating", "completed", "failed", "cancelled")) {
      assertThat(all.getJsonObject("by_status").getLong(s)).as(s).isEqualTo(db("status = '" + s + "'"));
    }
    assertThat(all.getJsonArray("failure_categories")).contains("api_rate_limited", "api_error");
    JsonObject brand = get("/api/observatory/jobs/counts?brand=healthycollege&variant=dark");
    assertThat(brand.getLong("total")).isEqualTo(db("brands @> '[\"healthycollege\"]' AND variant = 'dark'"));
  }

  @Test
  @DisplayName("pages are newest first, walk every matching job exactly once by cursor, and honour every filter")
  void pagesAndFilters() throws Exception {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    Instant previous = Instant.MAX;
    do {
      JsonObject page = get("/api/observatory/jobs?status=completed&limit=7" + (cursor == null ? "" : "&cursor=" + cursor));
      for (Object o : page.getJsonArray("jobs")) {
        JsonObject job = (JsonObject) o;
        assertThat(job.getString("status")).isEqualTo("completed");
        Instant created = Instant.parse(job.getString("created_at"));
        assertThat(created).isBefore(previous);
        previous = created;
        seen.add(job.getString("job_id"));
        assertThat(job.containsKey("_pk")).isFalse();
      }
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertThat(seen).doesNotHaveDuplicates().hasSize((int) db("status = 'completed'"));

    JsonObject failedRate = get("/api/observatory/jobs?category=api_rate_limited&limit=200");
    assertThat(failedRate.getJsonArray("jobs")).hasSize((int) db("error_category = 'api_rate_limited'")).isNotEmpty();
    JsonObject search = get("/api/observatory/jobs?q=ABOUT%20SLEEP&limit=200");
    assertThat(search.getJsonArray("jobs")).hasSize((int) db("title ILIKE '%about sleep%'"));
    String oneId = search.getJsonArray("jobs").getJsonObject(0).getString("job_id");
    assertThat(get("/api/observatory/jobs?q=" + oneId).getJsonArray("jobs").getJsonObject(0).getString("job_id"))
        .isEqualTo(oneId);
    assertThat(get("/api/observatory/jobs?q=%25_%25").getJsonArray("jobs")).as("LIKE wildcards are literal").isEmpty();
    JsonObject brandVariant = get("/api/observatory/jobs?brand=longevitycollege&variant=post&limit=200");
    assertThat(brandVariant.getJsonArray("jobs")).hasSize(
        (int) db("brands @> '[\"longevitycollege\"]' AND variant = 'post'"));
    assertThat(get("/api/observatory/jobs?q=another%20user").getJsonArray("jobs")).isEmpty();
  }

  @Test
  @DisplayName("bad filters, cursors and limits are JSON 422s naming the parameter")
  void badInput() throws Exception {
    for (String q : List.of("status=done", "variant=square", "category=Not%20A%20Category", "limit=0", "limit=201",
        "cursor=abc", "cursor=1_2_3")) {
      var r = Http.get(app.http, "/api/observatory/jobs?" + q);
      assertThat(r.statusCode()).as(q).isEqualTo(422);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("invalid_field");
    }
    assertThat(Http.get(app.http, "/api/observatory/calendar").statusCode()).isEqualTo(422);
    assertThat(Http.get(app.http, "/api/observatory/calendar?brand=healthycollege&from=2026-01-01T00:00:00Z"
        + "&to=2026-03-01T00:00:00Z").statusCode()).isEqualTo(422);
    assertThat(Http.get(app.http, "/api/observatory/calendar?brand=nope").statusCode()).isEqualTo(404);
    assertThat(Http.get(app.http, "/api/observatory/jobs/GEN-999999999").statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("bulk: bounded (at most 100 ids), validated (action, id shape) with 4xx JSON and no change; "
      + "per-job results; only the user's jobs in the right state change")
  void bulk() throws Exception {
    String checksum = "SELECT count(*) FROM jobs WHERE status = 'failed'";
    long failedBefore = app.count(checksum);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < BoardRoutes.MAX_BULK + 1; i++) {
      tooMany.add(String.format("GEN-%06d", i + 1));
    }
    for (JsonObject bad : List.of(new JsonObject().put("action", "retry").put("job_ids", tooMany),
        new JsonObject().put("action", "explode").put("job_ids", new JsonArray().add("GEN-000001")),
        new JsonObject().put("action", "retry").put("job_ids", new JsonArray().add("'; DROP TABLE jobs")),
        new JsonObject().put("action", "retry").put("job_ids", new JsonArray()),
        new JsonObject().put("action", "retry").put("job_ids", new JsonArray().add("GEN-000001")).put("x", 1))) {
      var r = Http.post(app.http, "/api/observatory/jobs/bulk", bad);
      assertThat(r.statusCode()).as(bad.encode()).isBetween(400, 499);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).isNotBlank();
    }
    assertThat(app.count(checksum)).isEqualTo(failedBefore);

    JsonArray failed = get("/api/observatory/jobs?status=failed&limit=3").getJsonArray("jobs");
    String completed = get("/api/observatory/jobs?status=completed&limit=1").getJsonArray("jobs").getJsonObject(0)
        .getString("job_id");
    String foreign = "GEN-" + app.count("SELECT substring(job_id, 5)::bigint FROM jobs WHERE user_id = 'someone-else' LIMIT 1");
    JsonArray ids = new JsonArray();
    Set<String> failedIds = new HashSet<>();
    failed.forEach(j -> { ids.add(((JsonObject) j).getString("job_id")); failedIds.add(((JsonObject) j).getString("job_id")); });
    ids.add(completed).add(String.format("GEN-%06d", Long.parseLong(foreign.substring(4))));
    var r = Http.post(app.http, "/api/observatory/jobs/bulk", new JsonObject().put("action", "retry").put("job_ids", ids));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getInteger("succeeded")).isEqualTo(3);
    assertThat(body.getInteger("failed")).isEqualTo(2);
    for (Object o : body.getJsonArray("results")) {
      JsonObject result = (JsonObject) o;
      String id = result.getString("job_id");
      if (failedIds.contains(id)) {
        assertThat(result.getBoolean("ok")).isTrue();
        assertThat(app.count("SELECT count(*) FROM jobs WHERE job_id = '" + id + "' AND status = 'pending' AND retry_count = 1")).isEqualTo(1);
      } else {
        assertThat(result.getBoolean("ok")).isFalse();
        assertThat(result.getString("error")).isEqualTo(id.equals(completed) ? "conflict" : "not_found");
      }
    }
    assertThat(app.count("SELECT count(*) FROM jobs WHERE user_id = 'someone-else' AND status = 'pending'")).isEqualTo(5);

    var del = Http.post(app.http, "/api/observatory/jobs/bulk", new JsonObject().put("action", "delete")
        .put("job_ids", new JsonArray().add(completed)));
    assertThat(del.bodyAsJsonObject().getInteger("succeeded")).isEqualTo(1);
    assertThat(app.count("SELECT count(*) FROM jobs WHERE job_id = '" + completed + "'")).isZero();
  }

  @Test
  @DisplayName("job detail carries every attempt with its stack, the proposal and its verdict, and the schedule rows")
  void detail() throws Exception {
    String jobId = get("/api/observatory/jobs?status=failed&limit=1").getJsonArray("jobs").getJsonObject(0)
        .getString("job_id");
    app.execute("INSERT INTO proposals (proposal_id, user_id, agent_name, content_type, brand, variant, title, status,"
        + " examiner_score, examiner_verdict, examiner_reason) VALUES ('TOBY-901', 'local', 'toby', 'post',"
        + " 'healthycollege', 'post', 'the proposal', 'accepted', 7.25, 'accept', 'fits the avatar')");
    app.execute("UPDATE jobs SET proposal_id = 'TOBY-901', attempt = 1 WHERE job_id = '" + jobId + "'");
    app.execute("INSERT INTO job_attempts (job_pk, attempt, node, outcome, started_at, finished_at, code, category,"
        + " message, stack) SELECT id, 1, 'node-a', 'failed', now(), now(), 1001, 'api_error', 'upstream said no', 'java.lang.X\\n\\tat y'"
        + " FROM jobs WHERE job_id = '" + jobId + "'");
    JsonObject d = get("/api/observatory/jobs/" + jobId);
    assertThat(d.getJsonObject("job").getString("job_id")).isEqualTo(jobId);
    JsonObject attempt = d.getJsonArray("attempts").getJsonObject(0);
    assertThat(attempt.getString("node")).isEqualTo("node-a");
    assertThat(attempt.getString("stack")).startsWith("java.lang.X");
    assertThat(d.getJsonObject("proposal").getString("examiner_verdict")).isEqualTo("accept");
    assertThat(d.getJsonArray("schedule")).isEmpty();
  }

  @Test
  @DisplayName("stats: 24 hourly buckets of completed/failed attempts, today's failures by category, the queue")
  void stats() throws Exception {
    app.execute("""
        INSERT INTO job_attempts (job_pk, attempt, node, outcome, started_at, finished_at, code, category, message)
        SELECT id, 9, 'node-s', CASE WHEN status = 'failed' THEN 'failed' ELSE 'completed' END, now(), now(),
               CASE WHEN status = 'failed' THEN 1001 END, CASE WHEN status = 'failed' THEN error_category END,
               CASE WHEN status = 'failed' THEN 'x' END
          FROM jobs WHERE user_id = 'local' AND status IN ('completed', 'failed')""");
    JsonObject s = get("/api/observatory/stats");
    JsonArray hours = s.getJsonArray("hours");
    assertThat(hours).hasSize(24);
    JsonObject now = hours.getJsonObject(23);
    assertThat(Instant.parse(now.getString("hour"))).isEqualTo(Instant.now().truncatedTo(ChronoUnit.HOURS));
    long attemptsCompleted = app.count("SELECT count(*) FROM job_attempts a JOIN jobs j ON j.id = a.job_pk"
        + " WHERE j.user_id = 'local' AND a.outcome = 'completed' AND a.finished_at >= date_trunc('hour', now())");
    assertThat(now.getLong("completed")).isEqualTo(attemptsCompleted).isPositive();
    long failedToday = app.count("SELECT count(*) FROM job_attempts a JOIN jobs j ON j.id = a.job_pk"
        + " WHERE j.user_id = 'local' AND a.outcome IN ('failed', 'lost') AND a.finished_at >= date_trunc('day', now())");
    assertThat(s.getJsonArray("failures_today").stream().mapToLong(c -> ((JsonObject) c).getLong("count")).sum())
        .isEqualTo(failedToday);
    assertThat(s.getLong("queue_depth")).isEqualTo(db("status = 'pending'"));
    assertThat(s.getLong("generating")).isEqualTo(db("status = 'generating'"));
    assertThat(s.getLong("oldest_pending_age_seconds")).isGreaterThanOrEqualTo(0);
  }

  @Test
  @DisplayName("calendar: the brand's slots of the week by the slot plan, with each booked item and its thumbnail")
  void calendar() throws Exception {
    String jobId = get("/api/observatory/jobs?status=completed&limit=1").getJsonArray("jobs").getJsonObject(0)
        .getString("job_id");
    app.execute("UPDATE jobs SET brand_outputs = '{\"healthycollege\": {\"thumbnail_path\": \"/media/t.png\"}}'"
        + " WHERE job_id = '" + jobId + "'");
    Instant monday = Instant.parse("2030-01-07T00:00:00Z");
    app.execute("INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id, title) VALUES"
        + " ('local', 'healthycollege', 'post', 'post', '2030-01-08T08:00:00Z', '" + jobId + "', 'booked post')");
    JsonObject c = get("/api/observatory/calendar?brand=healthycollege&from=" + monday + "&to=" + monday.plus(7, ChronoUnit.DAYS));
    int offset = c.getInteger("schedule_offset");
    // 2 posts + 3 light + 3 dark reels a day
    assertThat(c.getJsonArray("slots")).hasSize(7 * 8);
    assertThat(c.getJsonArray("slots").stream().map(x -> ((JsonObject) x))
        .filter(x -> x.getString("variant").equals("post")).map(x -> Instant.parse(x.getString("slot_at")))
        .allMatch(t -> io.maestro.schedule.SlotPlan.isSlot("post", offset, t))).isTrue();
    JsonObject item = c.getJsonArray("items").getJsonObject(0);
    assertThat(item.getString("job_id")).isEqualTo(jobId);
    assertThat(item.getString("thumbnail_url")).isEqualTo("/media/t.png");
    assertThat(item.getString("status")).isEqualTo("scheduled");
    assertThat(item.containsKey("user_id")).isFalse();
  }
}
