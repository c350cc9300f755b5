package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.DbChecksum;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Local mode and web pages: cross-site writes, foreign Host names and non-JSON bodies are refused; "
    + "every response carries the security headers")
class WebSecurityTest {
  // local mode (no JWT secret): what most people run first, next to their browser
  @RegisterExtension
  static final TestApp app = TestApp.forClass(new JsonObject().put("jobs.workerInstances", 0)
          .put("http.allowedOrigins", "https://app.example").put("http.allowedHosts", "maestro.test"));
  private static final String BURST = "{\"posts\":1,\"reels\":0,\"brands\":[\"healthycollege\"]}";

  /** One HTTP/1.1 exchange written by hand, so that Host, Origin and Content-Type are exactly what a page sends. */
  record Raw(int status, Map<String, String> headers, String body) {}

  static Raw raw(String method, String path, Map<String, String> headers, String body) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", app.port)) {
      socket.setSoTimeout(30_000);
      StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      Map<String, String> all = new LinkedHashMap<>();
      all.put("Host", "127.0.0.1:" + app.port);
      all.putAll(headers);
      all.put("Connection", "close");
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      if (body != null) {
        all.put("Content-Length", String.valueOf(bytes.length));
      }
      all.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      String text = response.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String[] lines = text.substring(0, end).split("\r\n");
      Map<String, String> responseHeaders = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        responseHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1)
            .trim());
      }
      return new Raw(Integer.parseInt(lines[0].split(" ")[1]), responseHeaders, text.substring(end + 4));
    }
  }

  private static String jobBody(String title) {
    return new JsonObject().put("title", title).put("variant", "post")
        .put("brands", new JsonArray().add("healthycollege")).encode();
  }

  @Test
  @DisplayName("a text/plain POST with a JSON body from https://evil.example (trigger-burst, jobs/create) is refused "
      + "and changes nothing")
  void crossSiteSimpleRequestsAreRefused() throws Exception {
    Map<String, String> before = DbChecksum.of(app.dbUrl, null);
    for (String path : new String[] {"/api/maestro/trigger-burst?force=true", "/jobs/create"}) {
      String body = path.startsWith("/jobs") ? jobBody("evil") : BURST;
      Raw fromEvil = raw("POST", path, Map.of("Origin", "https://evil.example", "Content-Type", "text/plain"), body);
      assertThat(fromEvil.status()).as(path + " " + fromEvil.body()).isEqualTo(403);
      assertThat(new JsonObject(fromEvil.body()).getJsonObject("error").getString("code")).isEqualTo("forbidden_origin");
      Raw referer = raw("POST", path, Map.of("Referer", "https://evil.example/page.html",
          "Content-Type", "application/json"), body);
      assertThat(referer.status()).as(path + " with only a foreign Referer").isEqualTo(403);
      Raw nullOrigin = raw("POST", path, Map.of("Origin", "null", "Content-Type", "application/json"), body);
      assertThat(nullOrigin.status()).as(path + " from a sandboxed page").isEqualTo(403);
      Raw plain = raw("POST", path, Map.of("Content-Type", "text/plain"), body);
      assertThat(plain.status()).as(path + " text/plain without Origin").isEqualTo(415);
      Raw form = raw("POST", path, Map.of("Content-Type", "application/x-www-form-urlencoded"), "a=b");
      assertThat(form.status()).as(path + " as a form").isEqualTo(415);
    }
    assertThat(DbChecksum.of(app.dbUrl, null)).as("nothing changed").isEqualTo(before);
  }

  @Test
  @DisplayName("cancel and delete from a foreign origin are refused; the same from the server's own origin, an "
      + "allowed origin or a client without Origin (curl) go through")
  void ownAndAllowedOriginsPass() throws Exception {
    Raw created = raw("POST", "/jobs/create", Map.of("Origin", "http://127.0.0.1:" + app.port,
        "Content-Type", "application/json; charset=utf-8"), jobBody("same origin"));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String jobId = new JsonObject(created.body()).getString("job_id");
    assertThat(raw("POST", "/jobs/" + jobId + "/cancel", Map.of("Origin", "https://evil.example"), null).status())
        .isEqualTo(403);
    assertThat(raw("DELETE", "/jobs/" + jobId, Map.of("Origin", "http://localhost.evil.example"), null).status())
        .isEqualTo(403);
    assertThat(Http.get(app.http, "/jobs/" + jobId).bodyAsJsonObject().getString("status")).isEqualTo("pending");
    assertThat(raw("POST", "/jobs/" + jobId + "/cancel", Map.of("Origin", "https://app.example"), null).status())
        .isEqualTo(200);
    assertThat(raw("DELETE", "/jobs/" + jobId, Map.of(), null).status()).isEqualTo(200);
    assertThat(Http.get(app.http, "/jobs/" + jobId).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a foreign Host (DNS rebinding) gets 403 on the API and the UI; loopback names and http.allowedHosts "
      + "are served")
  void foreignHostIsRefused() throws Exception {
    for (String path : new String[] {"/jobs", "/api/me", "/", "/health"}) {
      Raw evil = raw("GET", path, Map.of("Host", "evil.example:" + app.port), null);
      assertThat(evil.status()).as(path).isEqualTo(403);
      assertThat(evil.body()).doesNotContain("\"jobs\"").contains("host_not_allowed");
    }
    Map<String, String> before = DbChecksum.of(app.dbUrl, null);
    assertThat(raw("POST", "/jobs/create", Map.of("Host", "evil.example", "Origin", "http://evil.example",
        "Content-Type", "application/json"), jobBody("rebound")).status()).isEqualTo(403);
    assertThat(DbChecksum.of(app.dbUrl, null)).isEqualTo(before);
    for (String host : new String[] {"localhost:" + app.port, "127.0.0.1", "[::1]:" + app.port, "maestro.test"}) {
      assertThat(raw("GET", "/jobs", Map.of("Host", host), null).status()).as(host).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("the Observatory page, its script and the API carry CSP (script-src 'self', frame-ancestors 'none'), "
      + "nosniff, X-Frame-Options DENY and Referrer-Policy no-referrer")
  void securityHeaders() throws Exception {
    for (String path : new String[] {"/", "/app.js", "/api/me", "/jobs/none"}) {
      Map<String, String> headers = raw("GET", path, Map.of(), null).headers();
      assertThat(headers.get("content-security-policy")).as(path).contains("script-src 'self'")
          .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
      assertThat(headers.get("x-content-type-options")).as(path).isEqualTo("nosniff");
      assertThat(headers.get("x-frame-options")).as(path).isEqualTo("DENY");
      assertThat(headers.get("referrer-policy")).as(path).isEqualTo("no-referrer");
    }
  }
}
