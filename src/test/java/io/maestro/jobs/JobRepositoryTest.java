package io.maestro.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.db.Database;
import io.maestro.db.Migrations;
import io.maestro.testing.TestPostgres;
import io.maestro.testing.TopLevel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("JobRepository: what a claim leases, what its commit waits for, and how it is planned")
class JobRepositoryTest {
  private Vertx vertx;
  private Pool pool;
  private SqlConnection connection;
  private String url;

  @BeforeEach
  void start() throws Exception {
    url = TestPostgres.newDatabase();
    Migrations.migrate(url, 5_000);
    vertx = Vertx.vertx();
    // one connection whose own default is the durable one (the test server's default is not)
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(Database.connectOptions(url).setProperties(Map.of("synchronous_commit", "on")))
        .using(vertx).build();
    connection = pool.getConnection().await(10, TimeUnit.SECONDS);
    insertJobs(3);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private String synchronousCommit() throws Exception {
    return connection.query("SHOW synchronous_commit").execute().await(10, TimeUnit.SECONDS).iterator().next()
        .getString(0);
  }

  @Test
  @DisplayName("a claim does not wait for the WAL flush (a claim lost in a crash only runs the job again), and that "
      + "ends with its own transaction: the outcome written next on the same connection waits for it")
  void claimCommitsWithoutFlushWaitAndOnlyItself() throws Exception {
    JobRepository jobs = new JobRepository(connection);
    assertThat(synchronousCommit()).isEqualTo("on");

    Transaction claim = connection.begin().await(10, TimeUnit.SECONDS);
    List<JobRepository.Claimed> claimed = jobs.claim("node-a", 30_000, 2).await(10, TimeUnit.SECONDS);
    assertThat(claimed).hasSize(2);
    assertThat(synchronousCommit()).as("inside the claim's transaction").isEqualTo("off");
    claim.commit().await(10, TimeUnit.SECONDS);
    assertThat(synchronousCommit()).as("after the claim's transaction").isEqualTo("on");

    // as the dispatcher runs it: one statement, its own implicit transaction
    assertThat(jobs.claim("node-a", 30_000, 1).await(10, TimeUnit.SECONDS)).hasSize(1);
    assertThat(synchronousCommit()).as("after an autocommitted claim").isEqualTo("on");

    JsonObject first = claimed.get(0).job();
    List<JsonObject> completed = jobs.completeAll("node-a", List.of(new JobRepository.Completion(
        first, "completed: 1/1 brands", new JsonObject())))
        .await(10, TimeUnit.SECONDS);
    assertThat(completed).hasSize(1);
    assertThat(synchronousCommit()).as("after the completion").isEqualTo("on");
  }

  @Test
  @DisplayName("a completion hands back the claimed job itself brought up to the stored row: the step and outputs "
      + "progress wrote meanwhile, an earlier attempt's error cleared, the lease gone; an attempt cancelled meanwhile "
      + "is left out")
  void completionEqualsTheRowReadBack() throws Exception {
    connection.query("UPDATE jobs SET error_code = 1001, error_category = 'rate_limit', retry_count = 1,"
        + " error_message = 'an earlier attempt was refused', healing_state = 'retry_scheduled' WHERE title = 'job 1'")
        .execute().await(10, TimeUnit.SECONDS);
    JobRepository jobs = new JobRepository(connection);
    Map<String, JsonObject> claimed = new java.util.HashMap<>();
    jobs.claim("node-a", 30_000, 3).await(10, TimeUnit.SECONDS)
        .forEach(claim -> claimed.put(claim.job().getString("title"), claim.job()));
    JsonObject first = claimed.get("job 1");
    JsonObject cancelled = claimed.get("job 2");
    assertThat(first.getString("error_message")).isEqualTo("an earlier attempt was refused");
    JsonObject rendering = new JsonObject().put("healthycollege", new JsonObject().put("status", "rendering"));
    assertThat(jobs.progress(first.getLong(JobJson.INTERNAL_PK), first.getInteger("attempt"), "node-a",
        "rendering healthycollege", 60, rendering).await(10, TimeUnit.SECONDS)).isPresent();
    connection.query("UPDATE jobs SET status = 'cancelled', current_step = 'cancelled', lease_owner = NULL,"
        + " lease_expires_at = NULL, completed_at = now() WHERE title = 'job 2'").execute().await(10, TimeUnit.SECONDS);

    JsonObject output = new JsonObject().put("healthycollege", new JsonObject().put("status", "completed")
        .put("image_url", "/output/posts/healthycollege.png"));
    List<JsonObject> completed = jobs.completeAll("node-a", List.of(
            new JobRepository.Completion(first, "completed: 1/1 brands", output),
            new JobRepository.Completion(cancelled, "completed: 1/1 brands", output)))
        .await(10, TimeUnit.SECONDS);

    assertThat(completed).hasSize(1);
    assertThat(completed.get(0)).isSameAs(first);
    JsonObject stored = JobJson.from(connection.query("SELECT * FROM jobs WHERE title = 'job 1'").execute()
        .await(10, TimeUnit.SECONDS).iterator().next());
    assertThat(completed.get(0)).isEqualTo(stored);
    assertThat(first.getString("status")).isEqualTo("completed");
    assertThat(first.getString("error_message")).isNull();
    assertThat(first.getString("lease_owner")).isNull();
    assertThat(first.getInteger("retry_count")).isEqualTo(1);
    assertThat(first.getJsonObject("brand_outputs").getJsonObject("healthycollege").getString("image_url"))
        .isEqualTo("/output/posts/healthycollege.png");
  }

  /** What a job asks for: written when it is created, never by any UPDATE (a completion relies on it). */
  private static final java.util.Set<String> SPEC_COLUMNS = java.util.Set.of("id", "job_id", "user_id", "title",
      "content_lines", "variant", "ai_prompt", "cta_type", "brands", "platforms", "fixed_title", "caption",
      "slide_texts", "proposal_id", "max_retries", "created_at");
  private static final java.util.regex.Pattern UPDATE_JOBS =
      java.util.regex.Pattern.compile("UPDATE\\s+jobs(?:\\s+\\w+)?\\s+SET\\s");
  private static final java.util.regex.Pattern SET_LIST_END =
      java.util.regex.Pattern.compile("\\b(?:FROM|WHERE|RETURNING)\\b|\"\"\"|\";");

  @Test
  @DisplayName("no UPDATE of jobs in the main code sets a column of what the job asks for: the claimed row plus what "
      + "a completion returns is the whole row")
  void noUpdateSetsTheSpec() throws Exception {
    java.util.Set<String> assigned = new java.util.TreeSet<>();
    int statements = 0;
    List<java.nio.file.Path> sources;
    try (var files = java.nio.file.Files.walk(java.nio.file.Path.of("src/main/java"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    for (java.nio.file.Path source : sources) {
      String code = java.nio.file.Files.readString(source).replaceAll("--[^\\n]*", "");
      var update = UPDATE_JOBS.matcher(code);
      while (update.find()) {
        statements++;
        for (String assignment : topLevelCommaSplit(setList(code, update.end()))) {
          String column = assignment.substring(0, assignment.indexOf('=')).trim().replaceAll("^\\w+\\.", "");
          assigned.add(column);
        }
      }
    }
    assertThat(statements).as("UPDATE jobs statements found").isGreaterThanOrEqualTo(10);
    assertThat(assigned).as("the scan reads the SET lists").contains("status", "lease_expires_at", "healing_state",
        "brand_outputs", "stuck_reported_at");
    assertThat(assigned).doesNotContainAnyElementsOf(SPEC_COLUMNS);
  }

  /** The SET list starting at {@code from}: up to the first FROM, WHERE or RETURNING outside parentheses. */
  private static String setList(String code, int from) {
    var end = SET_LIST_END.matcher(code);
    int depth = 0;
    for (int i = from; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (depth == 0 && end.region(i, code.length()).useTransparentBounds(true).lookingAt()) {
        return code.substring(from, i);
      }
    }
    throw new AssertionError("an UPDATE jobs … SET without an end at " + from);
  }

  private static List<String> topLevelCommaSplit(String list) {
    return TopLevel.split(list, ',', '(', ')').stream().filter(part -> part.contains("=")).toList();
  }

  @Test
  @DisplayName("a claim leases each job for exactly the lease it is given, counted from the claim, to this node")
  void claimLeasesForTheGivenTime() throws Exception {
    JobRepository jobs = new JobRepository(connection);
    assertThat(jobs.claim("node-a", 30_000, 2).await(10, TimeUnit.SECONDS)).hasSize(2);
    assertThat(jobs.claim("node-b", 1_500, 1).await(10, TimeUnit.SECONDS)).hasSize(1);
    var leases = connection.query("SELECT lease_owner, extract(epoch FROM lease_expires_at - claimed_at)::numeric"
        + " FROM jobs WHERE status = 'generating' ORDER BY id").execute().await(10, TimeUnit.SECONDS);
    List<String> seen = new java.util.ArrayList<>();
    leases.forEach(row -> seen.add(row.getString(0) + " " + row.getBigDecimal(1).stripTrailingZeros().toPlainString()));
    assertThat(seen).containsExactly("node-a 30", "node-a 30", "node-b 1.5");
  }

  @Test
  @DisplayName("a claim says how long each job had been due: from the later of its due time and when it was last "
      + "queued (a retry queued long after it first became due waits from its queueing)")
  void claimSaysHowLongEachJobWasDue() throws Exception {
    connection.query("UPDATE jobs SET run_at = now() - interval '10 minutes', queued_at = now() - interval '3 seconds'"
        + " WHERE title = 'job 1'").execute().await(10, TimeUnit.SECONDS);
    connection.query("UPDATE jobs SET run_at = now() - interval '20 seconds', queued_at = now() - interval '1 hour'"
        + " WHERE title = 'job 2'").execute().await(10, TimeUnit.SECONDS);
    Map<String, java.time.Duration> waited = new java.util.HashMap<>();
    new JobRepository(connection).claim("node-a", 30_000, 3).await(10, TimeUnit.SECONDS)
        .forEach(claimed -> waited.put(claimed.job().getString("title"), claimed.waited()));
    assertThat(waited.get("job 1")).as("queued 3 s ago, due for 10 minutes").isBetween(java.time.Duration.ofSeconds(3),
        java.time.Duration.ofSeconds(60));
    assertThat(waited.get("job 2")).as("due 20 s ago, queued an hour ago").isBetween(java.time.Duration.ofSeconds(20),
        java.time.Duration.ofSeconds(80));
    assertThat(waited.get("job 3")).as("queued just now").isLessThan(java.time.Duration.ofSeconds(60));
  }

  @Test
  @DisplayName("the queue limit's count of a user's pending and generating jobs reads an index, not the table, with"
      + " 20,000 finished jobs of that user behind them")
  void queuedCountReadsAnIndex() throws Exception {
    insertJobs(20_000);
    connection.query("UPDATE jobs SET status = 'completed' WHERE title LIKE 'job %' AND id > 3")
        .execute().await(30, TimeUnit.SECONDS);
    connection.query("VACUUM ANALYZE jobs").execute().await(60, TimeUnit.SECONDS);
    StringBuilder plan = new StringBuilder();
    connection.query("EXPLAIN SELECT count(*) FROM jobs WHERE user_id = 'local' AND status IN ('pending', 'generating')")
        .execute().await(10, TimeUnit.SECONDS).forEach(row -> plan.append(row.getString(0)).append('\n'));
    assertThat(plan.toString()).contains("Index Only Scan using jobs_user_status_created")
        .doesNotContain("Seq Scan");
    assertThat(new JobRepository(connection).queuedCount("local").await(10, TimeUnit.SECONDS)).isEqualTo(3);
  }

  /** A connection like the dispatcher's claim connection ({@code Database.claimPool}), with a durable default. */
  private SqlConnection claimConnection() throws Exception {
    Pool claims = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(Database.claimConnectOptions(url).addProperty("synchronous_commit", "on")).using(vertx).build();
    return claims.getConnection().await(10, TimeUnit.SECONDS);
  }

  private static io.vertx.sqlclient.Row claimStatement(SqlConnection on) throws Exception {
    var rows = on.query("SELECT name, generic_plans, custom_plans FROM pg_prepared_statements"
        + " WHERE statement LIKE '%FOR UPDATE SKIP LOCKED%'").execute().await(10, TimeUnit.SECONDS);
    assertThat(rows.size()).as("the claim's prepared statements on this connection").isEqualTo(1);
    return rows.iterator().next();
  }

  private void insertJobs(int count) throws Exception {
    TestPostgres.count(url, "WITH made AS (INSERT INTO jobs (user_id, title, variant, brands) SELECT 'local', 'job ' || g,"
        + " 'post', '[\"healthycollege\"]' FROM generate_series(1, " + count + ") g RETURNING 1) SELECT count(*) FROM made");
  }

  @Test
  @DisplayName("on the claim connection a claim is prepared once and keeps one plan over a queue of 20,000: PostgreSQL "
      + "stops planning it anew after its first executions (a LIMIT parameter would prevent that)")
  void claimKeepsOnePlanOnTheClaimConnection() throws Exception {
    // a queue of realistic size: on a handful of rows a generic plan costs what a custom one does either way
    insertJobs(20_000);
    connection.query("ANALYZE jobs").execute().await(30, TimeUnit.SECONDS);
    SqlConnection claims = claimConnection();
    JobRepository jobs = new JobRepository(claims);
    for (int i = 0; i < 12; i++) {
      assertThat(jobs.claim("node-a", 30_000, 1).await(10, TimeUnit.SECONDS)).as("claim %d", i).hasSize(1);
    }
    var statement = claimStatement(claims);
    assertThat(statement.getLong("generic_plans")).as("executions that reused the one plan").isGreaterThanOrEqualTo(6);
    assertThat(statement.getLong("custom_plans")).as("executions planned anew").isLessThanOrEqualTo(6);
  }

  @Test
  @DisplayName("a claim plan kept from when the queue was empty still reaches the jobs through indexes once 20,000 "
      + "are due: no sequential scan, no hash join (the claim connection rules them out)")
  void keptClaimPlanStaysOnIndexes() throws Exception {
    SqlConnection claims = claimConnection();
    JobRepository jobs = new JobRepository(claims);
    connection.query("DELETE FROM jobs").execute().await(10, TimeUnit.SECONDS);
    connection.query("ANALYZE jobs").execute().await(30, TimeUnit.SECONDS);
    for (int i = 0; i < 8; i++) {
      assertThat(jobs.claim("node-a", 30_000, 4).await(10, TimeUnit.SECONDS)).isEmpty();
    }
    String name = claimStatement(claims).getString("name");
    insertJobs(20_000); // no ANALYZE: the kept plan is what the next claims run
    StringBuilder plan = new StringBuilder();
    claims.query("EXPLAIN EXECUTE \"" + name + "\"('node-a', 30000)").execute().await(10, TimeUnit.SECONDS)
        .forEach(row -> plan.append(row.getString(0)).append('\n'));
    assertThat(plan.toString()).contains("Index Scan using jobs_due").doesNotContain("Seq Scan on jobs")
        .doesNotContain("Hash").doesNotContain("Merge Join");
    assertThat(jobs.claim("node-a", 30_000, 4).await(10, TimeUnit.SECONDS)).hasSize(4);
  }

  @Test
  @DisplayName("a claim takes between 1 and MAX_CLAIM jobs: any other batch size is a caller's bug, refused before any "
      + "SQL runs")
  void claimBatchIsBounded() {
    JobRepository jobs = new JobRepository(connection);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> jobs.claim("node-a", 30_000, 0))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> jobs.claim("node-a", 30_000, JobRepository.MAX_CLAIM + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
