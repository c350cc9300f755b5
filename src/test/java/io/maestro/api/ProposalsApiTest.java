package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.Rows;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("/api/maestro/proposals: list, get, accept into a job carrying the proposal, reject, clear; examiner reads")
class ProposalsApiTest {
  @RegisterExtension
  static final TestApp app = TestApp.forClass(new JsonObject().put("jobs.workerInstances", 0));

  private static void insert(String id, String type, String variant) throws Exception {
    app.execute("INSERT INTO proposals (proposal_id, user_id, agent_name, content_type, brand, variant, title,"
        + " content_lines, slide_texts, caption, image_prompt, examiner_verdict, examiner_score, status) VALUES ('" + id
        + "', 'local', 'lexi', '" + type + "', 'healthycollege', '" + variant + "', 'Title of " + id
        + "', '[\"one\",\"two\"]', '[\"slide one\"]', 'Caption of " + id + "', 'Prompt of " + id
        + "', 'reject', 5.2, 'rejected')");
    app.execute("UPDATE proposals SET status = 'pending', examiner_verdict = NULL, examiner_score = NULL"
        + " WHERE proposal_id = '" + id + "' AND '" + id + "' NOT LIKE 'LEXI-5%'");
  }

  @Test
  @DisplayName("accept turns a proposal into a queued job with its own title, lines, caption, slides and image prompt")
  void accept() throws Exception {
    insert("LEXI-101", "reel", "light");
    var response = Http.post(app.http, "/api/maestro/proposals/LEXI-101/accept", null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("accepted");
    String jobId = body.getString("job_id");
    JsonObject job = Http.get(app.http, "/jobs/" + jobId).bodyAsJsonObject();
    assertThat(job.getString("status")).isEqualTo("pending");
    assertThat(job.getString("title")).isEqualTo("Title of LEXI-101");
    assertThat(job.getJsonArray("content_lines")).containsExactly("one", "two");
    assertThat(job.getJsonArray("slide_texts")).containsExactly("slide one");
    assertThat(job.getString("caption")).isEqualTo("Caption of LEXI-101");
    assertThat(job.getString("ai_prompt")).isEqualTo("Prompt of LEXI-101");
    assertThat(job.getString("variant")).isEqualTo("light");
    assertThat(job.getString("proposal_id")).isEqualTo("LEXI-101");
    JsonObject proposal = Http.get(app.http, "/api/maestro/proposals/LEXI-101").bodyAsJsonObject();
    assertThat(proposal.getString("status")).isEqualTo("accepted");
    assertThat(proposal.getString("accepted_job_id")).isEqualTo(jobId);

    var again = Http.post(app.http, "/api/maestro/proposals/LEXI-101/accept", null);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(app.count("SELECT count(*) FROM jobs WHERE proposal_id = 'LEXI-101'")).isEqualTo(1);
    assertThat(Http.post(app.http, "/api/maestro/proposals/LEXI-101/reject", null).statusCode()).isEqualTo(409);
  }

  @Test
  @DisplayName("reject records the notes; unknown ids are 404; bad bodies are 4xx and change nothing")
  void reject() throws Exception {
    insert("LEXI-102", "post", "post");
    assertThat(Http.call(app.http, HttpMethod.POST, "/api/maestro/proposals/LEXI-102/reject", null, "{\"notes\":7}")
        .statusCode()).isEqualTo(422);
    assertThat(Http.call(app.http, HttpMethod.POST, "/api/maestro/proposals/LEXI-102/reject", null, "{\"why\":\"x\"}")
        .statusCode()).isEqualTo(422);
    assertThat(Rows.of(app, "SELECT status FROM proposals WHERE proposal_id = 'LEXI-102'").get(0).get("status"))
        .isEqualTo("pending");
    var response = Http.call(app.http, HttpMethod.POST, "/api/maestro/proposals/LEXI-102/reject", null,
        "{\"notes\":\"off-brand\"}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject proposal = Http.get(app.http, "/api/maestro/proposals/LEXI-102").bodyAsJsonObject();
    assertThat(proposal.getString("status")).isEqualTo("rejected");
    assertThat(proposal.getString("reviewer_notes")).isEqualTo("off-brand");
    assertThat(Http.post(app.http, "/api/maestro/proposals/NOPE-1/accept", null).statusCode()).isEqualTo(404);
    assertThat(Http.post(app.http, "/api/maestro/proposals/NOPE-1/reject", null).statusCode()).isEqualTo(404);
    assertThat(Http.get(app.http, "/api/maestro/proposals/..%2Fetc").statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("list filters by status, agent and content type, refuses bad parameters; examiner reads answer")
  void listAndExaminer() throws Exception {
    insert("LEXI-103", "post", "post");
    insert("LEXI-501", "post", "post"); // stays examiner-rejected
    app.execute("UPDATE proposals SET examiner_reason = 'offline rules: too vague' WHERE proposal_id = 'LEXI-501'");
    JsonObject pending = Http.get(app.http, "/api/maestro/proposals?status=pending&agent=lexi&content_type=post&limit=200")
        .bodyAsJsonObject();
    assertThat(pending.getInteger("count")).isEqualTo(pending.getJsonArray("proposals").size()).isPositive();
    assertThat(pending.getJsonArray("proposals").stream().map(p -> ((JsonObject) p).getString("status")))
        .containsOnly("pending");
    assertThat(Http.get(app.http, "/api/maestro/proposals?limit=201").statusCode()).isEqualTo(422);
    assertThat(Http.get(app.http, "/api/maestro/proposals?status=weird").statusCode()).isEqualTo(422);

    JsonObject rejected = Http.get(app.http, "/api/maestro/examiner/rejected?limit=5&brand=healthycollege")
        .bodyAsJsonObject();
    assertThat(rejected.getJsonArray("proposals").encode()).contains("LEXI-501");
    assertThat(rejected.getInteger("count")).isEqualTo(rejected.getJsonArray("proposals").size());
    JsonObject stats = Http.get(app.http, "/api/maestro/examiner/stats?days=7").bodyAsJsonObject();
    assertThat(stats.getLong("total_examined")).isGreaterThanOrEqualTo(1);
    assertThat(stats.getJsonObject("per_agent").containsKey("lexi")).isTrue();
    assertThat(stats.getJsonObject("per_brand").containsKey("healthycollege")).isTrue();
    assertThat(stats.getInteger("period_days")).isEqualTo(7);
    assertThat(stats.getJsonObject("avg_scores_rejected").fieldNames())
        .contains("composite", "avatar_fit", "engagement", "content_quality");
    assertThat(stats.getJsonArray("recent_rejections").encode()).contains("LEXI-501");
    assertThat(Http.get(app.http, "/api/maestro/examiner/stats?days=0").statusCode()).isEqualTo(422);
  }

  @Test
  @DisplayName("clear deletes every proposal except accepted ones, whose jobs refer to them")
  void clear() throws Exception {
    insert("LEXI-104", "post", "post");
    insert("LEXI-105", "post", "post");
    Http.post(app.http, "/api/maestro/proposals/LEXI-105/accept", null);
    var response = Http.call(app.http, HttpMethod.DELETE, "/api/maestro/proposals/clear", null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(app.count("SELECT count(*) FROM proposals WHERE status <> 'accepted'")).isZero();
    assertThat(app.count("SELECT count(*) FROM proposals WHERE proposal_id = 'LEXI-105'")).isEqualTo(1);
    JsonObject status = Http.get(app.http, "/api/maestro/status").bodyAsJsonObject();
    assertThat(status.getJsonObject("proposal_stats").getLong("total"))
        .isEqualTo(app.count("SELECT count(*) FROM proposals"));
  }
}
