package io.maestro.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.fakes.FakeDeApi;
import io.maestro.fakes.FakeSupabase;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Post jobs render real images for every brand")
class PostJobTest {
  static final List<String> BRANDS = List.of("healthycollege", "holisticcollege", "longevitycollege",
      "vitalitycollege", "wellbeingcollege");

  static JsonObject postJob(List<String> brands) {
    return new JsonObject().put("title", "Five evening habits that quietly fix your sleep").put("variant", "post")
        .put("brands", new JsonArray(brands)).put("ai_prompt", "soft evening light over a quiet bedroom, no text")
        .put("slide_texts", new JsonArray().add("Dim the lights an hour before bed").add("Keep the room cool"));
  }

  static JsonObject runToCompletion(TestApp app, JsonObject request) throws Exception {
    HttpResponse<Buffer> created = Http.post(app.http, "/jobs/create", request);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    String jobId = created.bodyAsJsonObject().getString("job_id");
    JsonObject job = Eventually.await(jobId + " to finish", Duration.ofSeconds(180),
        () -> Http.get(app.http, "/jobs/" + jobId).bodyAsJsonObject(),
        j -> List.of("completed", "failed").contains(j.getString("status")));
    assertThat(job.getString("status")).as(job.encodePrettily()).isEqualTo("completed");
    assertThat(job.getString("current_step")).doesNotContain("failed brands");
    return job;
  }

  static void assertPostImage(byte[] bytes) throws Exception {
    BufferedImage image = Images.decode(bytes);
    assertThat(image.getWidth()).isEqualTo(1080);
    assertThat(image.getHeight()).isEqualTo(1350);
    assertThat(Images.distinctColours(image)).as("distinct colours").isGreaterThan(1000);
  }

  @Test
  @DisplayName("locally: procedural backgrounds, files under storage.localDir, served at /media as JPEG 1080×1350")
  void local() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject())) {
      JsonObject job = runToCompletion(app, postJob(BRANDS));
      for (String brand : BRANDS) {
        JsonObject output = job.getJsonObject("brand_outputs").getJsonObject(brand);
        assertThat(output.getString("background")).isEqualTo("procedural");
        assertThat(output.getString("storage")).isEqualTo("local");
        String url = output.getString("image_url");
        assertThat(url).startsWith("/media/local/" + job.getString("job_id") + "/" + brand + "/");
        assertThat(output.getString("thumbnail_path")).isEqualTo(url);
        HttpResponse<Buffer> image = Http.get(app.http, url);
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.getHeader("Content-Type")).startsWith("image/jpeg");
        assertPostImage(image.body().getBytes());
        JsonArray slides = output.getJsonArray("slide_urls");
        assertThat(slides).hasSize(2);
        for (Object slide : slides) {
          assertPostImage(Http.get(app.http, (String) slide).body().getBytes());
        }
      }
    }
  }

  @Test
  @DisplayName("through fake deAPI and fake Supabase on loopback: AI backgrounds, uploaded, public URLs that decode")
  void throughFakes() throws Exception {
    Vertx fakes = Vertx.vertx();
    try (FakeDeApi deapi = new FakeDeApi(fakes, "deapi-key");
        FakeSupabase supabase = new FakeSupabase(fakes, "service-key", "media");
        TestApp app = TestApp.start(new JsonObject().put("deapi.apiKey", "deapi-key")
            .put("deapi.baseUrl", deapi.baseUrl()).put("deapi.pollIntervalMs", 20).put("deapi.perMinute", 1000)
            .put("storage.provider", "supabase").put("supabase.url", supabase.url())
            .put("supabase.serviceKey", "service-key").put("supabase.bucket", "media"))) {
      JsonObject job = runToCompletion(app, postJob(BRANDS));
      WebClient web = WebClient.create(fakes);
      for (String brand : BRANDS) {
        JsonObject output = job.getJsonObject("brand_outputs").getJsonObject(brand);
        assertThat(output.getString("background")).isEqualTo("deapi");
        String url = output.getString("image_url");
        assertThat(url).startsWith(supabase.url() + "/storage/v1/object/public/media/local/" + job.getString("job_id")
            + "/" + brand + "/");
        HttpResponse<Buffer> image = web.getAbs(url).send().await(20, TimeUnit.SECONDS);
        assertThat(image.statusCode()).isEqualTo(200);
        assertPostImage(image.body().getBytes());
        for (Object slide : output.getJsonArray("slide_urls")) {
          assertPostImage(web.getAbs((String) slide).send().await(20, TimeUnit.SECONDS).body().getBytes());
        }
      }
      assertThat(deapi.accepted.get()).isEqualTo(BRANDS.size());
      assertThat(deapi.bodies).allSatisfy(body ->
          assertThat(body.getString("prompt")).isEqualTo("soft evening light over a quiet bedroom, no text"));
      assertThat(supabase.objects.values()).allSatisfy(o -> assertThat(o.upsert()).isEqualTo("true"));
      assertThat(supabase.objects).hasSize(BRANDS.size() * 3);
      web.close();
    } finally {
      fakes.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("a deAPI failure during a job is recorded on the job with its category and message")
  void deapiFailureOnTheJob() throws Exception {
    Vertx fakes = Vertx.vertx();
    try (FakeDeApi deapi = new FakeDeApi(fakes, "deapi-key");
        TestApp app = TestApp.start(new JsonObject().put("deapi.apiKey", "deapi-key")
            .put("deapi.baseUrl", deapi.baseUrl()).put("deapi.pollIntervalMs", 20))) {
      deapi.statusMode = "error";
      HttpResponse<Buffer> created = Http.post(app.http, "/jobs/create", postJob(List.of("healthycollege")));
      String jobId = created.bodyAsJsonObject().getString("job_id");
      JsonObject job = Eventually.await(jobId + " to fail", Duration.ofSeconds(120),
          () -> Http.get(app.http, "/jobs/" + jobId).bodyAsJsonObject(), j -> "failed".equals(j.getString("status")));
      assertThat(job.getString("error_category")).isEqualTo("image_generation_error");
      assertThat(job.getString("error_message")).contains("Prompt rejected by the safety filter");
    } finally {
      fakes.close().await(10, TimeUnit.SECONDS);
    }
  }
}
