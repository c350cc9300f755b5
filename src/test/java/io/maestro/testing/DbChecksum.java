package io.maestro.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fingerprint of the application tables (md5 of every row as text, per table), to prove that a request wrote
 * nothing: equal fingerprints before and after. With a user, only that user's rows (and their jobs' attempts).
 */
public final class DbChecksum {
  private DbChecksum() {}

  public static Map<String, String> of(String dbUrl, String userId) throws Exception {
    Map<String, String> sums = new TreeMap<>();
    try (Connection c = TestPostgres.connect(dbUrl); Statement s = c.createStatement()) {
      List<String[]> tables = new ArrayList<>();
      try (ResultSet r = s.executeQuery("SELECT t.table_name, EXISTS (SELECT 1 FROM information_schema.columns k"
          + " WHERE k.table_schema = 'public' AND k.table_name = t.table_name AND k.column_name = 'user_id')"
          + " FROM information_schema.tables t WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'"
          + " AND t.table_name <> 'flyway_schema_history' ORDER BY 1")) {
        while (r.next()) {
          tables.add(new String[] {r.getString(1), r.getBoolean(2) ? "y" : "n"});
        }
      }
      for (String[] table : tables) {
        String name = table[0];
        String where = "";
        if (userId != null) {
          if (table[1].equals("y")) {
            where = " WHERE t.user_id = '" + userId.replace("'", "''") + "'";
          } else if (name.equals("job_attempts")) {
            where = " WHERE t.job_pk IN (SELECT id FROM jobs WHERE user_id = '" + userId.replace("'", "''") + "')";
          } else {
            continue;
          }
        }
        try (ResultSet r = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY"
            + " t::text)), '-') FROM \"" + name + "\" t" + where)) {
          r.next();
          sums.put(name, r.getString(1));
        }
      }
    }
    return sums;
  }
}
