package io.maestro.textmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.Rows;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Full daily bursts with no API keys (the embedded default), three days in a row: the offline examiner rejects a
 * share that reflects quality (repeats grow as the brand's history fills), and everything it accepts keeps its
 * title's promise. The rates are printed for the closing note.
 */
@DisplayName("Offline full bursts: the examiner gates, and every accepted proposal keeps its title's promise")
class OfflineBurstTest {

  @Test
  @DisplayName("three days of full bursts: rejection rate reported, accepted titles keep their promise")
  void threeDays() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0))) {
      long examinedBefore = 0;
      long rejectedBefore = 0;
      for (int day = 1; day <= 3; day++) {
        JsonObject reply = Http.post(app.http, "/api/maestro/trigger-burst?force=true", new JsonObject())
            .bodyAsJsonObject();
        assertThat(reply.getString("status")).isEqualTo("triggered");
        assertThat(reply.getInteger("reels") + reply.getInteger("posts")).isEqualTo(40);
        Eventually.await("day " + day + "'s burst to finish", Duration.ofSeconds(120),
            () -> app.count("SELECT count(*) FROM settings WHERE key = 'burst_lock'"), n -> n == 0);
        long examined = app.count("SELECT count(*) FROM proposals WHERE examiner_verdict IS NOT NULL");
        long rejected = app.count("SELECT count(*) FROM proposals WHERE examiner_verdict <> 'accept'");
        long replacementsRejected = app.count("SELECT count(*) FROM proposals WHERE examiner_verdict <> 'accept'"
            + " AND replaces_proposal IS NOT NULL");
        System.out.printf("day %d: %d examined, %d rejected (%.1f %%); all days %d/%d, %d replacements also rejected;"
            + " newest reasons: %s%n", day, examined - examinedBefore, rejected - rejectedBefore,
            100.0 * (rejected - rejectedBefore) / (examined - examinedBefore), rejected, examined, replacementsRejected,
            Rows.of(app, "SELECT examiner_reason FROM proposals WHERE examiner_verdict <> 'accept'"
                + " ORDER BY id DESC LIMIT 3"));
        examinedBefore = examined;
        rejectedBefore = rejected;
        // the next "day": today's proposals move to yesterday, so the quota is open again and history grows
        app.execute("UPDATE proposals SET created_at = created_at - interval '1 day'");
        app.execute("DELETE FROM settings WHERE key = 'last_daily_run'");
      }
      List<Map<String, Object>> accepted = Rows.of(app, "SELECT title, content_lines::text AS lines FROM proposals"
          + " WHERE status = 'accepted'");
      assertThat(accepted).hasSizeGreaterThan(100);
      for (Map<String, Object> p : accepted) {
        String title = (String) p.get("title");
        JsonArray lines = new JsonArray((String) p.get("lines"));
        int promised = ProposalFeatures.promisedCount(title);
        assertThat(promised == -1 || promised == lines.size()).as(title + " / " + lines.size()).isTrue();
        assertThat(ProposalFeatures.studyLines(lines)).as(title)
            .isGreaterThanOrEqualTo(ProposalFeatures.studiesPromised(title));
      }
      assertThat(app.count("SELECT count(*) FROM proposals WHERE examiner_verdict <> 'accept'"))
          .as("the examiner rejects some").isPositive();
    }
  }
}
