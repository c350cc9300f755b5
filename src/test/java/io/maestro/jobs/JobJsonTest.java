package io.maestro.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maestro.db.Database;
import io.maestro.db.Migrations;
import io.maestro.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("JobJson: a jobs row as the /jobs contract's JSON")
class JobJsonTest {
  private Vertx vertx;
  private Pool pool;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("times are written as Instant.toString writes them: seconds always, the fraction in groups of three, "
      + "a sign only outside the years 0000 to 9999")
  void timesAsInstantWritesThem() {
    List<Instant> edges = List.of(Instant.parse("2026-12-02T16:40:00Z"), Instant.parse("2026-12-02T00:00:00Z"),
        Instant.parse("2026-12-02T16:40:05Z"), Instant.parse("2026-12-02T16:40:00.100Z"),
        Instant.parse("2026-12-02T16:40:00.000001Z"), Instant.parse("2026-12-02T16:40:59.999999999Z"),
        Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.120Z"),
        Instant.parse("0000-01-01T00:00:00.000010Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("-0001-12-31T23:59:59.500Z"));
    for (Instant instant : edges) {
      assertThat(JobJson.iso(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC))).isEqualTo(instant.toString());
    }
    Random random = new Random(20261202);
    for (int i = 0; i < 20_000; i++) {
      // years 0000 to 9999: the ones written without a sign
      long seconds = random.nextLong(-62_167_219_200L, 253_402_300_799L);
      // whole seconds, milliseconds, microseconds (what PostgreSQL stores) and nanoseconds
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant instant = Instant.ofEpochSecond(i % 10 == 0 ? seconds / 60 * 60 : seconds, nanos);
      ZoneOffset offset = i % 3 == 0 ? ZoneOffset.ofHoursMinutes(5, 30) : ZoneOffset.UTC;
      assertThat(JobJson.iso(OffsetDateTime.ofInstant(instant, offset))).as("%s", instant)
          .isEqualTo(instant.toString());
    }
    assertThat(JobJson.iso(null)).isNull();
  }

  @Test
  @DisplayName("rows read by column position are what rows read by name are, whatever the order of the columns")
  void allRowsOfAResult() throws Exception {
    String url = TestPostgres.newDatabase();
    Migrations.migrate(url, 5_000);
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(Database.connectOptions(url))
        .using(vertx).build();
    pool.query("INSERT INTO jobs (user_id, title, variant, brands, content_lines, caption, started_at, completed_at,"
            + " error_message, error_code, error_category, status, attempt)"
            + " SELECT 'local', 'job ' || g, 'post', '[\"healthycollege\", \"gymcollege\"]', '[\"one\", \"two\"]',"
            + " 'caption ' || g, date_trunc('minute', now()), now(), 'boom ' || g, 1001, 'transient', 'failed', 1"
            + " FROM generate_series(1, 3) g")
        .execute().await(10, TimeUnit.SECONDS);
    pool.query("INSERT INTO jobs (user_id, title, variant, brands) VALUES ('local', 'plain', 'light', '[\"a\"]')")
        .execute().await(10, TimeUnit.SECONDS);

    // the table's own order, and one with the columns reversed and an extra one in front
    for (String sql : List.of("SELECT * FROM jobs ORDER BY id", "SELECT 'extra' AS healed_reason, "
        + String.join(", ", columnsReversed()) + " FROM jobs ORDER BY id")) {
      RowSet<Row> rows = pool.query(sql).execute().await(10, TimeUnit.SECONDS);
      List<JsonObject> all = JobJson.all(rows);
      assertThat(all).hasSize(4);
      int i = 0;
      for (Row row : rows) {
        JsonObject one = JobJson.from(row);
        assertThat(all.get(i)).isEqualTo(one);
        assertThat(one.getString("created_at")).isEqualTo(row.getOffsetDateTime("created_at").toInstant().toString());
        assertThat(one.getString("run_at")).isEqualTo(row.getOffsetDateTime("run_at").toInstant().toString());
        i++;
      }
      JsonObject failed = all.get(0);
      assertThat(failed.getString("title")).isEqualTo("job 1");
      assertThat(failed.getJsonArray("content_lines").getList()).containsExactly("one", "two");
      assertThat(failed.getInteger("error_code")).isEqualTo(1001);
      assertThat(failed.getString("started_at")).endsWith(":00Z");
      assertThat(all.get(3).getString("completed_at")).isNull();
      assertThat(all.get(3).getJsonObject("brand_outputs")).isEqualTo(new JsonObject());
    }

    RowSet<Row> partial = pool.query("SELECT job_id, status FROM jobs").execute().await(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> JobJson.all(partial)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column user_id");
  }

  private List<String> columnsReversed() throws Exception {
    RowSet<Row> names = pool.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'jobs'"
        + " ORDER BY ordinal_position DESC").execute().await(10, TimeUnit.SECONDS);
    List<String> columns = new java.util.ArrayList<>();
    names.forEach(row -> columns.add(row.getString(0)));
    return columns;
  }
}
