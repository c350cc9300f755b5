package io.maestro.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maestro.testing.TestPostgres;
import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Migration V14: an attempt row is a finished attempt; the running one lives on the job row")
class AttemptRowsMigrationTest {

  @Test
  @DisplayName("an upgrade hands running attempt rows back to their jobs, closes a stale one as released (saying so),"
      + " keeps finished ones, and from then on the database refuses a running or unfinished attempt row")
  void upgradeFromVersion13() throws Exception {
    String url = TestPostgres.newDatabase();
    PgConnectOptions options = Database.connectOptions(url);
    Flyway.configure().dataSource(Database.jdbcUrl(options), options.getUser(), options.getPassword())
        .locations("classpath:db/migration").target("13").load().migrate();
    TestPostgres.execute(url, """
        INSERT INTO jobs (id, user_id, title, variant, brands, status, attempt, lease_owner, lease_expires_at,
                          claimed_at)
        VALUES (1, 'u', 'running', 'post', '["b"]', 'generating', 1, 'node-a', now() + interval '1 minute', now()),
               (2, 'u', 'stale', 'post', '["b"]', 'pending', 1, NULL, NULL, now()),
               (3, 'u', 'done', 'post', '["b"]', 'completed', 1, NULL, NULL, now());
        INSERT INTO job_attempts (job_pk, attempt, node) VALUES (1, 1, 'node-a'), (2, 1, 'node-b');
        INSERT INTO job_attempts (job_pk, attempt, node, outcome, finished_at) VALUES (3, 1, 'node-c', 'completed', now());
        """);

    assertThat(Migrations.migrate(url, 5_000)).isEqualTo("14");

    assertThat(TestPostgres.count(url, "SELECT count(*) FROM job_attempts WHERE job_pk = 1"))
        .as("the running attempt is the job row's").isZero();
    assertThat(TestPostgres.count(url, "SELECT count(*) FROM job_attempts WHERE job_pk = 2 AND outcome = 'released'"
        + " AND finished_at IS NOT NULL AND message LIKE 'closed by migration V14%'")).isEqualTo(1);
    assertThat(TestPostgres.count(url, "SELECT count(*) FROM job_attempts WHERE job_pk = 3 AND outcome = 'completed'"
        + " AND node = 'node-c'")).isEqualTo(1);

    assertThatThrownBy(() -> TestPostgres.execute(url, "INSERT INTO job_attempts (job_pk, attempt, node, started_at,"
        + " finished_at, outcome) VALUES (1, 1, 'node-a', now(), now(), 'running')"))
        .hasMessageContaining("attempt_row_is_a_finished_attempt");
    assertThatThrownBy(() -> TestPostgres.execute(url, "INSERT INTO job_attempts (job_pk, attempt, node, started_at,"
        + " outcome) VALUES (1, 1, 'node-a', now(), 'completed')")).hasMessageContaining("finished_at");
    assertThatThrownBy(() -> TestPostgres.execute(url, "INSERT INTO job_attempts (job_pk, attempt, node, started_at,"
        + " finished_at, outcome) VALUES (3, 1, 'node-c', now(), now(), 'completed')"))
        .as("one row per attempt").hasMessageContaining("job_attempts_pkey");
    assertThatThrownBy(() -> TestPostgres.execute(url, "UPDATE jobs SET status = 'generating', lease_owner = 'n',"
        + " lease_expires_at = now(), claimed_at = NULL WHERE id = 2")).hasMessageContaining("running_job_was_claimed");
  }
}
