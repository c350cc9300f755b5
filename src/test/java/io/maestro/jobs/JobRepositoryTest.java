package io.maestro.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.db.Database;
import io.maestro.db.Migrations;
import io.maestro.testing.TestPostgres;
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

@DisplayName("JobRepository: what a claim leases and what its commit waits for")
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
    TestPostgres.count(url, "WITH made AS (INSERT INTO jobs (user_id, title, variant, brands) SELECT 'local', 'job ' || g,"
        + " 'post', '[\"healthycollege\"]' FROM generate_series(1, 3) g RETURNING 1) SELECT count(*) FROM made");
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
    List<JsonObject> claimed = jobs.claim("node-a", 30_000, 2).await(10, TimeUnit.SECONDS);
    assertThat(claimed).hasSize(2);
    assertThat(synchronousCommit()).as("inside the claim's transaction").isEqualTo("off");
    claim.commit().await(10, TimeUnit.SECONDS);
    assertThat(synchronousCommit()).as("after the claim's transaction").isEqualTo("on");

    // as the dispatcher runs it: one statement, its own implicit transaction
    assertThat(jobs.claim("node-a", 30_000, 1).await(10, TimeUnit.SECONDS)).hasSize(1);
    assertThat(synchronousCommit()).as("after an autocommitted claim").isEqualTo("on");

    JsonObject first = claimed.get(0);
    List<JsonObject> completed = jobs.completeAll("node-a", List.of(new JobRepository.Completion(
        first.getLong(JobJson.INTERNAL_PK), first.getInteger("attempt"), "completed: 1/1 brands", new JsonObject())))
        .await(10, TimeUnit.SECONDS);
    assertThat(completed).hasSize(1);
    assertThat(synchronousCommit()).as("after the completion").isEqualTo("on");
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
}
