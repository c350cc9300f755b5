package io.maestro.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.fakes.FakeSupabase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Supabase media store: uploads with x-upsert, and every error shape lands in a named category")
class SupabaseMediaStoreTest {
  private static final String KEY = "service-key";
  private Vertx vertx;
  private FakeSupabase fake;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    fake = new FakeSupabase(vertx, KEY, "media");
  }

  @AfterEach
  void stop() throws Exception {
    fake.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private SupabaseMediaStore store(String key, String bucket) {
    return new SupabaseMediaStore(vertx, fake.url(), key, bucket, 10_000);
  }

  private Failure failure(SupabaseMediaStore store) {
    Throwable thrown = catchThrowable(() -> store.put("u/GEN-100001/brand/post.jpg", Buffer.buffer("jpeg bytes"),
        "image/jpeg").await(20, TimeUnit.SECONDS));
    assertThat(thrown).isNotNull();
    Failure failure = FailureClassifier.classify(thrown);
    assertThat(failure.category()).isNotEqualTo("unknown").isNotEqualTo("internal_error");
    assertThat(failure.message()).isNotBlank();
    return failure;
  }

  @Test
  @DisplayName("an upload returns the public URL, sends x-upsert and the content type, and may overwrite")
  void upload() throws Exception {
    SupabaseMediaStore store = store(KEY, "media");
    String url = store.put("u/GEN-100001/brand/post.jpg", Buffer.buffer("v1"), "image/jpeg").await(20, TimeUnit.SECONDS);
    assertThat(url).isEqualTo(fake.url() + "/storage/v1/object/public/media/u/GEN-100001/brand/post.jpg");
    FakeSupabase.StoredObject object = fake.objects.get("media/u/GEN-100001/brand/post.jpg");
    assertThat(object.upsert()).isEqualTo("true");
    assertThat(object.contentType()).isEqualTo("image/jpeg");
    store.put("u/GEN-100001/brand/post.jpg", Buffer.buffer("v2"), "image/jpeg").await(20, TimeUnit.SECONDS);
    assertThat(fake.objects.get("media/u/GEN-100001/brand/post.jpg").data().toString()).isEqualTo("v2");
  }

  @Test
  @DisplayName("400 {statusCode:\"403\"} (bad key, row-level security) is api_auth naming the key setting")
  void forbidden() {
    Failure badKey = failure(store("wrong", "media"));
    assertThat(badKey.category()).isEqualTo("api_auth");
    assertThat(badKey.message()).contains("HTTP 400, statusCode 403").contains("invalid signature")
        .contains("SUPABASE_SERVICE_KEY");
    fake.fault = "rls";
    assertThat(failure(store(KEY, "media")).message()).contains("row-level security");
  }

  @Test
  @DisplayName("400 {statusCode:\"404\", error:\"Bucket not found\"} is config_error naming the bucket setting")
  void bucketNotFound() {
    Failure failure = failure(store(KEY, "missing"));
    assertThat(failure.category()).isEqualTo("config_error");
    assertThat(failure.message()).contains("Bucket not found").contains("SUPABASE_BUCKET");
  }

  @Test
  @DisplayName("400 with statusCode 413, 500 and 409, a proxy's HTML 502 and a blank 400 are storage_error")
  void storageErrors() {
    fake.maxBytes = 3;
    Failure tooLarge = failure(store(KEY, "media"));
    assertThat(tooLarge.category()).isEqualTo("storage_error");
    assertThat(tooLarge.message()).contains("statusCode 413").contains("maximum allowed size");
    fake.maxBytes = 1_000_000;

    fake.fault = "internal";
    assertThat(failure(store(KEY, "media"))).satisfies(f -> {
      assertThat(f.category()).isEqualTo("storage_error");
      assertThat(f.message()).contains("statusCode 500").contains("Internal Server Error");
    });
    fake.fault = "html502";
    assertThat(failure(store(KEY, "media"))).satisfies(f -> {
      assertThat(f.category()).isEqualTo("storage_error");
      assertThat(f.message()).contains("HTTP 502").contains("502 Bad Gateway");
    });
    fake.fault = "blank";
    assertThat(failure(store(KEY, "media"))).satisfies(f -> {
      assertThat(f.category()).isEqualTo("storage_error");
      assertThat(f.message()).contains("HTTP 400").contains("empty response body");
    });
    var duplicate = SupabaseMediaStore.classify(400,
        "{\"statusCode\":\"409\",\"error\":\"Duplicate\",\"message\":\"The resource already exists\"}", "media/a.jpg");
    assertThat(duplicate.code().category()).isEqualTo("storage_error");
    assertThat(duplicate.getMessage()).contains("Duplicate: The resource already exists");
  }

  @Test
  @DisplayName("an unreachable Supabase is storage_error saying so")
  void unreachable() throws Exception {
    var closed = vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    int port = closed.actualPort();
    closed.close().await(10, TimeUnit.SECONDS);
    Failure failure = failure(new SupabaseMediaStore(vertx, "http://127.0.0.1:" + port, KEY, "media", 5_000));
    assertThat(failure.category()).isEqualTo("storage_error");
    assertThat(failure.message()).contains("could not be reached");
  }

  @Test
  @DisplayName("keys are sanitised; an unsafe key is refused before any upload")
  void keys() {
    assertThat(MediaKeys.of("user/../x", "GEN-1", "..", "post.jpg")).isEqualTo("user_.._x/GEN-1/_../post.jpg");
    assertThat(MediaKeys.valid(MediaKeys.of("a b", "..", "c.png"))).isTrue();
    assertThat(MediaKeys.valid("../etc/passwd")).isFalse();
    assertThat(MediaKeys.valid("/abs")).isFalse();
    assertThat(MediaKeys.valid("a//b")).isFalse();
    Throwable thrown = catchThrowable(() -> store(KEY, "media").put("../escape.jpg", Buffer.buffer("x"),
        "image/jpeg").await(20, TimeUnit.SECONDS));
    assertThat(FailureClassifier.classify(thrown).category()).isEqualTo("storage_error");
    assertThat(thrown.getMessage()).contains("unsafe key");
    assertThat(fake.uploads.get()).isZero();
  }
}
