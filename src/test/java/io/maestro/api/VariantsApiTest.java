package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.maestro.variant.Variant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("GET /api/variants: the variant registry with its properties, as the UI reads it")
class VariantsApiTest {
  @RegisterExtension
  static final TestApp app = TestApp.forClass(new JsonObject().put("jobs.workerInstances", 0));

  @Test
  @DisplayName("lists every variant in registry order with content type, media, palette and slot hours")
  void listsTheRegistry() throws Exception {
    var response = Http.get(app.http, "/api/variants");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    JsonArray variants = body.getJsonArray("variants");
    assertThat(body.getInteger("count")).isEqualTo(Variant.values().length).isEqualTo(variants.size());
    assertThat(variants.stream().map(v -> ((JsonObject) v).getString("variant")).toList())
        .containsExactly("post", "light", "dark");
    assertThat(variants.getJsonObject(0)).isEqualTo(new JsonObject().put("variant", "post").put("label", "Post")
        .put("content_type", "post").put("media", "image").put("dark", false)
        .put("slot_hours_utc", new JsonArray(List.of(8, 14))).put("agent_choosable", false));
    assertThat(variants.getJsonObject(2)).isEqualTo(new JsonObject().put("variant", "dark").put("label", "Reel (dark)")
        .put("content_type", "reel").put("media", "video").put("dark", true)
        .put("slot_hours_utc", new JsonArray(List.of(4, 12, 20))).put("agent_choosable", true));
    assertThat(body.getJsonArray("content_types").getList()).containsExactly("post", "reel");
    assertThat(body.getJsonArray("agent_variants").getList()).containsExactly("light", "dark", "auto");
  }

  @Test
  @DisplayName("job creation refuses a variant the registry does not know, naming the registry's variants")
  void unknownVariantIsRefused() throws Exception {
    var response = Http.call(app.http, io.vertx.core.http.HttpMethod.POST, "/jobs/create", null, new JsonObject()
        .put("title", "t").put("variant", "story").put("brands", new JsonArray().add("healthycollege")).encode());
    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message"))
        .contains("must be one of post, light, dark");
  }
}
