package io.maestro.healing;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.maestro.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/** Shared steps of the healer tests: real HTTP for the API, JDBC for what only the database can show. */
final class HealerFixtures {
  private HealerFixtures() {}

  /** Runs one healing cycle through the API and returns its report. */
  static JsonObject trigger(TestApp app) throws Exception {
    var response = Http.post(app.http, "/api/maestro/trigger-healing", null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  static String create(TestApp app, String title) throws Exception {
    var response = Http.post(app.http, "/jobs/create", new JsonObject().put("title", title).put("variant", "post")
        .put("brands", new JsonArray().add("healthycollege")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("job_id");
  }

  /** A failed row as another system (or an old release) might have left it: only what the columns say. */
  static String insertFailed(TestApp app, int code, String category, String message) throws Exception {
    return queryOne(app, "INSERT INTO jobs (user_id, title, variant, brands, status, error_code, error_category,"
        + " error_message, attempt, completed_at) VALUES ('local', ?, 'post', '[\"healthycollege\"]', 'failed', ?, ?, ?,"
        + " 1, now()) RETURNING job_id", "inserted " + category, code, category, message).get("job_id").toString();
  }

  static Map<String, Object> queryOne(TestApp app, String sql, Object... params) throws Exception {
    List<Map<String, Object>> rows = query(app, sql, params);
    assertThat(rows).as(sql).hasSize(1);
    return rows.get(0);
  }

  static List<Map<String, Object>> query(TestApp app, String sql, Object... params) throws Exception {
    try (Connection c = TestPostgres.connect(app.dbUrl); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      boolean hasRows = s.execute();
      List<Map<String, Object>> rows = new ArrayList<>();
      if (hasRows) {
        try (ResultSet r = s.getResultSet()) {
          while (r.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
              row.put(r.getMetaData().getColumnLabel(i), r.getObject(i));
            }
            rows.add(row);
          }
        }
      }
      return rows;
    }
  }

  static Map<String, Object> job(TestApp app, String jobId) throws Exception {
    return queryOne(app, "SELECT * FROM jobs WHERE job_id = ?", jobId);
  }

  static JsonObject find(JsonArray entries, String jobId) {
    for (Object o : entries) {
      if (jobId.equals(((JsonObject) o).getString("job_id"))) {
        return (JsonObject) o;
      }
    }
    return null;
  }
}
