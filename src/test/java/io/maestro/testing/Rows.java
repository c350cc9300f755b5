package io.maestro.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rows of a query against a test node's database, for assertions on what was written. */
public final class Rows {
  private Rows() {}

  public static List<Map<String, Object>> of(TestApp app, String sql) throws Exception {
    try (Connection c = TestPostgres.connect(app.dbUrl); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      List<Map<String, Object>> out = new ArrayList<>();
      while (r.next()) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
          row.put(r.getMetaData().getColumnLabel(i), r.getObject(i));
        }
        out.add(row);
      }
      return out;
    }
  }
}
