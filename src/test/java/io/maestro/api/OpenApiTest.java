package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("OpenAPI: /openapi.json serves the one document in the repository, and it matches the router exactly")
class OpenApiTest {
  private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
      "trace");
  @RegisterExtension
  static final TestApp app = TestApp.forClass(new JsonObject());
  private static HttpApiVerticle api;

  @BeforeAll
  static void start() throws Exception {
    // a second HTTP API verticle on the node, held here so that its router can be inspected
    api = new HttpApiVerticle(app.context().withFreshRuntime());
    app.vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
  }

  private static JsonObject document() throws Exception {
    var response = Http.get(app.http, "/openapi.json");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    return response.bodyAsJsonObject();
  }

  /** "METHOD /path/{param}" for every operation the router serves; prefix routes end in {path}. */
  private static Set<String> served() {
    Set<String> out = new TreeSet<>();
    for (Route route : api.router().getRoutes()) {
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue; // handlers for every request (logging, bodies, auth, 404, failures), not operations
      }
      String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      if (!route.isExactPath()) {
        path = path + (path.endsWith("/") ? "" : "/") + "{path}";
      }
      for (HttpMethod method : route.methods()) {
        out.add(method.name() + " " + path);
      }
    }
    return out;
  }

  private static Set<String> described(JsonObject doc) {
    Set<String> out = new TreeSet<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (OPERATIONS.contains(key)) {
          out.add(key.toUpperCase() + " " + path);
        }
      }
    }
    return out;
  }

  @Test
  @DisplayName("the document is OpenAPI 3 with a title, a version and bearer auth")
  void isOpenApi3() throws Exception {
    JsonObject doc = document();
    assertThat(doc.getString("openapi")).startsWith("3.");
    assertThat(doc.getJsonObject("info").getString("title")).isNotBlank();
    assertThat(doc.getJsonObject("info").getString("version")).isNotBlank();
    assertThat(doc.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("bearerAuth")
        .getString("scheme")).isEqualTo("bearer");
  }

  @Test
  @DisplayName("every route the router serves is described, and every described operation is served")
  void routesAndDocumentAgree() throws Exception {
    Set<String> served = served();
    Set<String> described = described(document());
    assertThat(served).as("the router serves operations").hasSizeGreaterThan(30)
        .contains("GET /jobs/{job_id}", "POST /api/maestro/trigger-burst", "GET /metrics", "GET /openapi.json");
    assertThat(described).as("described but not served").isSubsetOf(served);
    assertThat(served).as("served but not described").isSubsetOf(described);
  }

  @Test
  @DisplayName("every operation has a summary and responses, and every path parameter is declared")
  void operationsAreComplete() throws Exception {
    JsonObject paths = document().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        JsonObject operation = item.getJsonObject(method);
        assertThat(operation.getString("summary")).as(method + " " + path).isNotBlank();
        assertThat(operation.getJsonObject("responses").isEmpty()).as(method + " " + path).isFalse();
        var matcher = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
        while (matcher.find()) {
          String name = matcher.group(1);
          assertThat(operation.getJsonArray("parameters").stream().map(JsonObject.class::cast)
              .anyMatch(p -> "path".equals(p.getString("in")) && name.equals(p.getString("name"))))
              .as(method + " " + path + " declares " + name).isTrue();
        }
      }
    }
  }

  @Test
  @DisplayName("operations the document marks as public (security: []) answer without a token when JWT auth is on")
  void publicOperationsNeedNoToken() throws Exception {
    JsonObject paths = document().getJsonObject("paths");
    assertThat(paths.getJsonObject("/openapi.json").getJsonObject("get").getJsonArray("security")).isEmpty();
    assertThat(paths.getJsonObject("/jobs").getJsonObject("get").containsKey("security")).isFalse();
    try (TestApp secured = TestApp.start(new JsonObject().put("auth.jwtSecret", "a-test-secret-of-32-characters!!"))) {
      assertThat(Http.get(secured.http, "/openapi.json").statusCode()).isEqualTo(200);
      assertThat(Http.get(secured.http, "/health").statusCode()).isEqualTo(200);
      assertThat(Http.get(secured.http, "/jobs").statusCode()).isEqualTo(401);
    }
  }
}
