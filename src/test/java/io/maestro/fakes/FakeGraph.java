package io.maestro.fakes;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Graph API on 127.0.0.1 as Instagram and Facebook Page publishing use it: IG content_publishing_limit, media
 * containers (image_url / REELS video_url) whose status_code stays IN_PROGRESS for a few polls, media_publish,
 * permalinks; Page photos and video_reels start → rupload (file_url header) → finish. Tokens are checked (Bearer, or
 * "OAuth" on the upload host) and a bad one gets the real code-190 envelope. Faults are scripted per operation:
 * "500", "hang", "graph:&lt;code&gt;[:&lt;subcode&gt;]", "limit-full"; containers: "ERROR", "EXPIRED", "stuck", "slow:N".
 * Every post that went out is recorded, so a test can prove nothing was published twice.
 */
public final class FakeGraph implements AutoCloseable {
  public final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  private final Map<String, Deque<String>> scripts = new ConcurrentHashMap<>();
  public final Deque<String> containerScript = new ConcurrentLinkedDeque<>();
  /** {platform, account, caption, media_url, post_id} of every post that went out. */
  public final List<JsonObject> published = new CopyOnWriteArrayList<>();
  public final AtomicInteger containerPolls = new AtomicInteger();
  public final AtomicInteger requests = new AtomicInteger();
  /** Every Authorization header and URL seen, to prove tokens never travel in a URL. */
  public final List<String> urls = new CopyOnWriteArrayList<>();
  private final Map<String, JsonObject> containers = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> reels = new ConcurrentHashMap<>();
  private final List<HttpServerRequest> hanging = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger(1000);
  private final HttpServer server;

  public FakeGraph(Vertx vertx, String... tokens) throws Exception {
    validTokens.addAll(List.of(tokens));
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v21.0";
  }

  /** Queues faults for an operation: ig.limit, ig.media, ig.publish, fb.photos, fb.reels.start, fb.upload, fb.reels.finish. */
  public void script(String operation, String... steps) {
    scripts.computeIfAbsent(operation, k -> new ConcurrentLinkedDeque<>()).addAll(List.of(steps));
  }

  public long publishedWith(String caption) {
    return published.stream().filter(p -> caption.equals(p.getString("caption"))).count();
  }

  private void handle(HttpServerRequest request) {
    requests.incrementAndGet();
    urls.add(request.uri());
    if (request.method().name().equals("GET") || request.getHeader("Content-Type") == null) {
      request.body().onSuccess(b -> route(request, MultiMap.caseInsensitiveMultiMap()));
      return;
    }
    request.setExpectMultipart(true);
    request.end().onSuccess(v -> route(request, request.formAttributes()));
  }

  private void route(HttpServerRequest request, MultiMap form) {
    String path = request.path();
    boolean upload = path.startsWith("/rupload/");
    String auth = request.getHeader("Authorization");
    String token = auth == null ? null : auth.replaceFirst("^(Bearer|OAuth) ", "");
    if (token == null || !validTokens.contains(token)) {
      error(request, 400, 190, 0, "Invalid OAuth access token - Cannot parse access token " + token);
      return;
    }
    String[] parts = path.replaceFirst("^/v21\\.0/", "").split("/");
    String method = request.method().name();
    if (upload) {
      fault(request, "fb.upload", () -> json(request, 200, new JsonObject().put("success", true)));
    } else if (parts.length == 2 && parts[1].equals("content_publishing_limit")) {
      String step = next("ig.limit");
      int usage = "limit-full".equals(step) ? 50 : 3;
      json(request, 200, new JsonObject().put("data", new JsonArray().add(new JsonObject().put("quota_usage", usage)
          .put("config", new JsonObject().put("quota_total", 50).put("quota_duration", 86400)))));
    } else if (parts.length == 2 && parts[1].equals("media") && method.equals("POST")) {
      fault(request, "ig.media", () -> createContainer(request, parts[0], form));
    } else if (parts.length == 2 && parts[1].equals("media_publish")) {
      fault(request, "ig.publish", () -> publishContainer(request, parts[0], form.get("creation_id")));
    } else if (parts.length == 2 && parts[1].equals("photos")) {
      fault(request, "fb.photos", () -> {
        String id = String.valueOf(ids.incrementAndGet());
        published.add(new JsonObject().put("platform", "facebook").put("account", parts[0])
            .put("caption", form.get("caption")).put("media_url", form.get("url")).put("post_id", parts[0] + "_" + id));
        json(request, 200, new JsonObject().put("id", id).put("post_id", parts[0] + "_" + id));
      });
    } else if (parts.length == 2 && parts[1].equals("video_reels")) {
      reelPhase(request, parts[0], form);
    } else if (parts.length == 1 && method.equals("GET")) {
      read(request, parts[0]);
    } else {
      error(request, 400, 100, 33, "Unsupported request - method type: " + method);
    }
  }

  private void createContainer(HttpServerRequest request, String account, MultiMap form) {
    String id = "c" + ids.incrementAndGet();
    String behaviour = containerScript.poll();
    containers.put(id, new JsonObject().put("account", account).put("caption", form.get("caption"))
        .put("media_url", form.get("image_url") != null ? form.get("image_url") : form.get("video_url"))
        .put("media_type", form.get("media_type")).put("behaviour", behaviour == null ? "slow:2" : behaviour)
        .put("polls", 0));
    json(request, 200, new JsonObject().put("id", id));
  }

  private void publishContainer(HttpServerRequest request, String account, String creationId) {
    JsonObject container = creationId == null ? null : containers.get(creationId);
    if (container == null || !"FINISHED".equals(status(container, false))) {
      error(request, 400, 9007, 2207027, "Media ID is not available");
      return;
    }
    if (container.getString("media_id") != null) {
      error(request, 400, 9007, 2207027, "The media has already been published");
      return;
    }
    String mediaId = "1790" + ids.incrementAndGet();
    container.put("media_id", mediaId);
    published.add(new JsonObject().put("platform", "instagram").put("account", account)
        .put("caption", container.getString("caption")).put("media_url", container.getString("media_url"))
        .put("post_id", mediaId));
    json(request, 200, new JsonObject().put("id", mediaId));
  }

  private void read(HttpServerRequest request, String id) {
    JsonObject container = containers.get(id);
    if (container != null) {
      containerPolls.incrementAndGet();
      String code = status(container, true);
      JsonObject body = new JsonObject().put("status_code", code).put("id", id);
      if (code.equals("ERROR")) {
        body.put("status", "Error: Media upload has failed with error code 2207026");
      }
      json(request, 200, body);
    } else {
      json(request, 200, new JsonObject().put("id", id).put("permalink", "https://www.instagram.com/p/" + id + "/"));
    }
  }

  private String status(JsonObject container, boolean poll) {
    int polls = container.getInteger("polls") + (poll ? 1 : 0);
    container.put("polls", polls);
    String behaviour = container.getString("behaviour");
    if (behaviour.startsWith("slow:")) {
      return polls > Integer.parseInt(behaviour.substring(5)) ? "FINISHED" : "IN_PROGRESS";
    }
    return switch (behaviour) {
      case "stuck" -> "IN_PROGRESS";
      case "ERROR", "EXPIRED" -> behaviour;
      default -> "FINISHED";
    };
  }

  private void reelPhase(HttpServerRequest request, String page, MultiMap form) {
    String phase = form.get("upload_phase");
    if ("start".equals(phase)) {
      fault(request, "fb.reels.start", () -> {
        String videoId = String.valueOf(ids.incrementAndGet());
        reels.put(videoId, new JsonObject().put("page", page));
        json(request, 200, new JsonObject().put("video_id", videoId).put("upload_url",
            "http://127.0.0.1:" + server.actualPort() + "/rupload/video-upload/v21.0/" + videoId));
      });
    } else if ("finish".equals(phase)) {
      fault(request, "fb.reels.finish", () -> {
        String videoId = form.get("video_id");
        published.add(new JsonObject().put("platform", "facebook").put("account", page)
            .put("caption", form.get("description")).put("post_id", videoId).put("media_type", "REELS"));
        json(request, 200, new JsonObject().put("success", true));
      });
    } else {
      error(request, 400, 100, 0, "(#100) upload_phase must be start, transfer or finish");
    }
  }

  private String next(String operation) {
    Deque<String> script = scripts.get(operation);
    return script == null ? null : script.poll();
  }

  private void fault(HttpServerRequest request, String operation, Runnable ok) {
    String step = next(operation);
    if (step == null || step.equals("ok")) {
      ok.run();
    } else if (step.equals("500")) {
      request.response().setStatusCode(500).putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("error", new JsonObject().put("message", "An unexpected error has occurred. Please retry your request "
              + "later.").put("type", "OAuthException").put("is_transient", true).put("code", 2)
              .put("fbtrace_id", "AbCdEf500")).encode());
    } else if (step.equals("hang")) {
      hanging.add(request);
    } else if (step.startsWith("graph:")) {
      String[] c = step.split(":");
      int code = Integer.parseInt(c[1]);
      int subcode = c.length > 2 ? Integer.parseInt(c[2]) : 0;
      if (List.of(4, 17, 32, 613).contains(code)) {
        request.response().putHeader("X-Business-Use-Case-Usage", new JsonObject().put("1234", new JsonArray()
            .add(new JsonObject().put("type", "instagram").put("call_count", 100)
                .put("estimated_time_to_regain_access", 7))).encode());
      }
      error(request, code == 190 ? 400 : code == 4 || code == 17 || code == 32 || code == 613 ? 403 : 400, code,
          subcode, message(code, subcode));
    }
  }

  private static String message(int code, int subcode) {
    return switch (code) {
      case 190 -> "Error validating access token: Session has expired on Monday, 30-Nov-26 10:00:00 PST.";
      case 4 -> "(#4) Application request limit reached";
      case 17 -> "(#17) User request limit reached";
      case 32 -> "(#32) Page request limit reached";
      case 613 -> "(#613) Calls to this api have exceeded the rate limit.";
      case 9004 -> "Media download has failed.: The media could not be fetched from the URI provided.";
      default -> subcode == 2207052 ? "Media download has failed." : "(#" + code + ") Invalid parameter";
    };
  }

  private static void error(HttpServerRequest request, int status, int code, int subcode, String message) {
    JsonObject error = new JsonObject().put("message", message).put("type", code == 190 ? "OAuthException"
        : "GraphMethodException").put("code", code).put("fbtrace_id", "Fb" + code + "trace");
    if (subcode != 0) {
      error.put("error_subcode", subcode);
    }
    json(request, status, new JsonObject().put("error", error));
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  @Override
  public void close() {
    hanging.forEach(r -> r.connection().close());
    server.close();
  }
}
