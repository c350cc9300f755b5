package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("/jobs REST: the contract's routes; bad input gets a 4xx JSON error and writes nothing")
class JobsApiTest {
  // no workers: jobs stay where the API puts them, so every assertion sees the API's own effect
  @RegisterExtension
  static final TestApp app = TestApp.forClass(new JsonObject().put("jobs.workerInstances", 0));

  private static JsonObject valid() {
    return new JsonObject().put("title", "5 habits for better sleep").put("variant", "post")
        .put("brands", new JsonArray().add("healthycollege"))
        .put("content_lines", new JsonArray().add("Dim the lights").add("No screens after 10"));
  }

  static Stream<Arguments> badCreates() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"title\": ", 400, "not valid JSON"),
        Arguments.of("a JSON array", "[]", 400, "must be a JSON object"),
        Arguments.of("an empty body", "", 400, "must be a JSON object"),
        Arguments.of("missing title", valid().copy().put("title", (String) null).encode(), 422, "title: is required"),
        Arguments.of("blank title", valid().copy().put("title", "  ").encode(), 422, "title: must not be blank"),
        Arguments.of("title of wrong type", valid().copy().put("title", 42).encode(), 422, "title: must be a string"),
        Arguments.of("huge title", valid().copy().put("title", "x".repeat(10_000)).encode(), 422, "at most 500"),
        Arguments.of("control character", valid().copy().put("title", "a\u0000b").encode(), 422, "control character"),
        Arguments.of("empty brands", valid().copy().put("brands", new JsonArray()).encode(), 422, "brands: must not be empty"),
        Arguments.of("brands not an array", valid().copy().put("brands", "healthycollege").encode(), 422, "array of strings"),
        Arguments.of("brand of wrong type", valid().copy().put("brands", new JsonArray().add(7)).encode(), 422, "brands[0]"),
        Arguments.of("unknown brand", valid().copy().put("brands", new JsonArray().add("nosuchbrand")).encode(), 422,
            "unknown brand(s): nosuchbrand"),
        Arguments.of("path traversal brand", valid().copy().put("brands", new JsonArray().add("../../etc")).encode(), 422,
            "unknown brand"),
        Arguments.of("unknown variant", valid().copy().put("variant", "video").encode(), 422, "variant: must be one of"),
        Arguments.of("missing variant", valid().copy().put("variant", (String) null).encode(), 422, "variant: is required"),
        Arguments.of("extra field", valid().copy().put("priority", 1).encode(), 422, "priority: unknown field"),
        Arguments.of("fixed_title not boolean", valid().copy().put("fixed_title", "yes").encode(), 422, "fixed_title"),
        Arguments.of("too many brands", valid().copy().put("brands", new JsonArray(java.util.Collections.nCopies(21, "a")))
            .encode(), 422, "at most 20"));
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("badCreates")
  @DisplayName("POST /jobs/create refuses bad input with a JSON error saying what is wrong, and writes nothing")
  void refusesBadInput(String name, String body, int status, String message) throws Exception {
    long before = app.count("SELECT count(*) FROM jobs");
    var response = Http.call(app.http, HttpMethod.POST, "/jobs/create", null, body);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).contains(message);
    assertThat(app.count("SELECT count(*) FROM jobs")).isEqualTo(before);
  }

  @Test
  @DisplayName("create queues the job at once (pending, GEN-nnnnnn) and answers in the contract's shape")
  void createsJob() throws Exception {
    var response = Http.post(app.http, "/jobs/create", valid());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("created");
    assertThat(body.getString("job_id")).matches("GEN-\\d{6}");
    JsonObject job = body.getJsonObject("job");
    assertThat(job.getString("status")).isEqualTo("pending");
    assertThat(job.getJsonArray("content_lines")).containsExactly("Dim the lights", "No screens after 10");
    assertThat(job.fieldNames()).contains("job_id", "user_id", "status", "title", "content_lines", "variant", "ai_prompt",
        "cta_type", "brands", "platforms", "fixed_title", "brand_outputs", "current_step", "progress_percent",
        "created_at", "started_at", "completed_at", "error_message").doesNotContain("_pk");

    var status = Http.get(app.http, "/jobs/" + body.getString("job_id") + "/status").bodyAsJsonObject();
    assertThat(status.fieldNames()).contains("job_id", "status", "current_step", "progress_percent", "error_message");
  }

  @Test
  @DisplayName("list is newest first, filterable by status, variant and brand, and paginated")
  void listsJobs() throws Exception {
    String first = Http.post(app.http, "/jobs/create", valid().copy().put("title", "list one")).bodyAsJsonObject().getString("job_id");
    String second = Http.post(app.http, "/jobs/create", valid().copy().put("title", "list two").put("variant", "dark")
        .put("brands", new JsonArray().add("vitalitycollege"))).bodyAsJsonObject().getString("job_id");
    JsonObject page = Http.get(app.http, "/jobs/?limit=2").bodyAsJsonObject();
    assertThat(page.getJsonArray("jobs").getJsonObject(0).getString("job_id")).isEqualTo(second);
    assertThat(page.getJsonArray("jobs").getJsonObject(1).getString("job_id")).isEqualTo(first);
    assertThat(page.getLong("total")).isGreaterThanOrEqualTo(2);
    JsonObject dark = Http.get(app.http, "/jobs?variant=dark&brand=vitalitycollege").bodyAsJsonObject();
    assertThat(dark.getJsonArray("jobs")).hasSize(1);
    assertThat(Http.get(app.http, "/jobs?limit=0").statusCode()).isEqualTo(422);
    assertThat(Http.get(app.http, "/jobs?status=weird").statusCode()).isEqualTo(422);
    assertThat(Http.get(app.http, "/jobs?limit=abc").statusCode()).isEqualTo(422);
  }

  @Test
  @DisplayName("cancel, regenerate and delete follow the job's state; unknown ids are a JSON 404")
  void cancelRegenerateDelete() throws Exception {
    String jobId = Http.post(app.http, "/jobs/create", valid()).bodyAsJsonObject().getString("job_id");
    assertThat(Http.post(app.http, "/jobs/" + jobId + "/regenerate", null).statusCode()).as("pending: nothing to regenerate")
        .isEqualTo(409);
    assertThat(Http.post(app.http, "/jobs/" + jobId + "/cancel", null).statusCode()).isEqualTo(200);
    assertThat(Http.get(app.http, "/jobs/" + jobId).bodyAsJsonObject().getString("status")).isEqualTo("cancelled");
    assertThat(Http.post(app.http, "/jobs/" + jobId + "/cancel", null).statusCode()).isEqualTo(409);
    var regenerated = Http.post(app.http, "/jobs/" + jobId + "/regenerate", null);
    assertThat(regenerated.statusCode()).isEqualTo(200);
    assertThat(regenerated.bodyAsJsonObject().getJsonObject("job").getString("status")).isEqualTo("pending");
    assertThat(Http.call(app.http, HttpMethod.DELETE, "/jobs/" + jobId, null, null).statusCode()).isEqualTo(200);
    var gone = Http.get(app.http, "/jobs/" + jobId);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
    assertThat(Http.get(app.http, "/jobs/..%2F..%2Fetc%2Fpasswd").statusCode()).isEqualTo(404);
    assertThat(Http.get(app.http, "/jobs/GEN-000000/attempts").statusCode()).isEqualTo(404);
    assertThat(Http.get(app.http, "/no/such/route").bodyAsJsonObject().getJsonObject("error").getString("code"))
        .isEqualTo("not_found");
  }

  @Test
  @DisplayName("a body over the size limit gets a JSON 413")
  void bodyLimit() throws Exception {
    String huge = "{\"title\":\"" + "x".repeat(2_000_000) + "\"}";
    var response = Http.call(app.http, HttpMethod.POST, "/jobs/create", null, huge);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("payload_too_large");
  }
}
