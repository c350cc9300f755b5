package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.maestro.failure.FailureClassifier;
import io.maestro.storage.LocalMediaStore;
import io.maestro.testing.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("/media: the local store served read-only, with the right content types and no way out of its directory")
class MediaRouteTest {
  private static final String SECRET = "top-secret-config-value";
  private TestApp app;
  private HttpClient client;
  private LocalMediaStore store;

  @BeforeEach
  void start() throws Exception {
    Path base = Files.createTempDirectory("maestro-media-route");
    Path root = Files.createDirectories(base.resolve("media"));
    Files.writeString(base.resolve("secret.txt"), SECRET);
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("storage.localDir", root.toString()));
    client = app.vertx.createHttpClient();
    store = new LocalMediaStore(app.vertx, root, "");
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  private record Reply(int status, String contentType, Buffer body) {}

  private Reply request(HttpMethod method, String rawPath) throws Exception {
    return client.request(method, app.port, "127.0.0.1", rawPath)
        .compose(request -> request.send().compose(response -> response.body()
            .map(body -> new Reply(response.statusCode(), response.getHeader("Content-Type"), body))))
        .await(20, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("stored PNG, JPEG and MP4 files come back byte for byte with image/png, image/jpeg and video/mp4")
  void servesWithContentTypes() throws Exception {
    String png = store.put("local/GEN-100001/brand/a1-post.png", Buffer.buffer("png-bytes"), "image/png")
        .await(10, TimeUnit.SECONDS);
    String jpg = store.put("local/GEN-100001/brand/a1-post.jpg", Buffer.buffer("jpg-bytes"), "image/jpeg")
        .await(10, TimeUnit.SECONDS);
    String mp4 = store.put("local/GEN-100001/brand/a1-reel.mp4", Buffer.buffer("mp4-bytes"), "video/mp4")
        .await(10, TimeUnit.SECONDS);
    assertThat(png).isEqualTo("/media/local/GEN-100001/brand/a1-post.png");
    Reply pngReply = request(HttpMethod.GET, png);
    assertThat(pngReply.status()).isEqualTo(200);
    assertThat(pngReply.contentType()).startsWith("image/png");
    assertThat(pngReply.body().toString()).isEqualTo("png-bytes");
    assertThat(request(HttpMethod.GET, jpg).contentType()).startsWith("image/jpeg");
    Reply mp4Reply = request(HttpMethod.GET, mp4);
    assertThat(mp4Reply.contentType()).startsWith("video/mp4");
    assertThat(mp4Reply.body().toString()).isEqualTo("mp4-bytes");
    assertThat(request(HttpMethod.HEAD, mp4).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("traversal in every spelling is refused and never returns the file outside the store")
  void refusesTraversal() throws Exception {
    store.put("x/ok.png", Buffer.buffer("ok"), "image/png").await(10, TimeUnit.SECONDS);
    for (String path : new String[] {"/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/..%2fsecret.txt",
        "/media/%2e%2e%2fsecret.txt", "/media/x/../../secret.txt", "/media/x/%2e%2e/%2e%2e/secret.txt",
        "/media/..%5csecret.txt", "/media/%252e%252e/secret.txt", "/media//etc/passwd", "/media/"}) {
      Reply reply = request(HttpMethod.GET, path);
      assertThat(reply.status()).as(path).isNotEqualTo(200);
      assertThat(reply.body().toString()).as(path).doesNotContain(SECRET).doesNotContain("root:");
    }
  }

  @Test
  @DisplayName("it is read-only: writes are refused, and the store itself refuses keys that climb out")
  void readOnly() throws Exception {
    for (HttpMethod method : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE}) {
      assertThat(request(method, "/media/x/new.png").status()).as(method.name()).isIn(404, 405);
    }
    Throwable thrown = catchThrowable(() -> store.put("../escape.png", Buffer.buffer("x"), "image/png")
        .await(10, TimeUnit.SECONDS));
    assertThat(FailureClassifier.classify(thrown).category()).isEqualTo("storage_error");
    assertThat(request(HttpMethod.GET, "/media/missing.png").status()).isEqualTo(404);
  }
}
