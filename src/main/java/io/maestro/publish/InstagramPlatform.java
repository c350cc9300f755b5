package io.maestro.publish;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.variant.ContentType;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Instagram through the Graph API (Facebook Login): check the account's content_publishing_limit, create a media
 * container ({@code image_url} + caption, or {@code media_type=REELS} + {@code video_url}), poll its
 * {@code status_code} until FINISHED (ERROR and EXPIRED are failures, a container still IN_PROGRESS at the deadline
 * is an api_error that is retried), then media_publish it and read the permalink.
 */
final class InstagramPlatform implements Platform {
  private final Vertx vertx;
  private final GraphApi graph;
  private final MediaSource media;
  private final long pollMs;
  private final long deadlineMs;

  InstagramPlatform(Vertx vertx, GraphApi graph, MediaSource media, long pollMs, long deadlineMs) {
    this.vertx = vertx;
    this.graph = graph;
    this.media = media;
    this.pollMs = pollMs;
    this.deadlineMs = deadlineMs;
  }

  @Override
  public String name() {
    return INSTAGRAM;
  }

  @Override
  public boolean supports(String contentType) {
    return true;
  }

  @Override
  public Future<PostRef> publish(PublishRequest request, BrandCredentials credentials) {
    String user = credentials.get(BrandCredentials.INSTAGRAM_USER_ID);
    String token = credentials.get(BrandCredentials.INSTAGRAM_TOKEN) != null
        ? credentials.get(BrandCredentials.INSTAGRAM_TOKEN) : credentials.get(BrandCredentials.FACEBOOK_TOKEN);
    if (user == null || token == null) {
      return Future.failedFuture(new MaestroException(FailureCode.CONFIG_ERROR, "brand " + credentials.brand()
          + " has no instagram_user_id and access token: set them (PUT /api/publishing/credentials/"
          + credentials.brand() + ")"));
    }
    String url = media.publicUrl(request.mediaUrl(), INSTAGRAM);
    boolean reel = ContentType.REEL.id().equals(request.contentType());
    MultiMap container = MultiMap.caseInsensitiveMultiMap().add("caption", caption(request));
    if (reel) {
      container.add("media_type", "REELS").add("video_url", url);
    } else {
      container.add("image_url", url);
    }
    return checkLimit(user, token, url)
        .compose(x -> graph.post("/" + user + "/media", token, container, url))
        .compose(created -> awaitFinished(created.getString("id"), token, url, System.currentTimeMillis() + deadlineMs))
        .compose(id -> graph.post("/" + user + "/media_publish", token,
            MultiMap.caseInsensitiveMultiMap().add("creation_id", id), url))
        .compose(published -> {
          String mediaId = published.getString("id");
          return graph.get("/" + mediaId, token, "permalink", url)
              .map(p -> new PostRef(mediaId, p.getString("permalink")))
              .otherwise(e -> new PostRef(mediaId, null)); // published; a missing link is not a failure
        });
  }

  private Future<Void> checkLimit(String user, String token, String url) {
    return graph.get("/" + user + "/content_publishing_limit", token, "quota_usage,config", url).compose(limit -> {
      JsonArray data = limit.getJsonArray("data", new JsonArray());
      JsonObject first = data.isEmpty() ? new JsonObject() : data.getJsonObject(0);
      int usage = first.getInteger("quota_usage", 0);
      JsonObject config = first.getJsonObject("config", new JsonObject());
      int total = config.getInteger("quota_total", Integer.MAX_VALUE);
      if (usage >= total) {
        long window = config.getLong("quota_duration", 86_400L);
        return Future.failedFuture(MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, "instagram: the "
            + "account used " + usage + " of its " + total + " posts per " + window / 3600 + " h publishing limit",
            java.time.Instant.now().plusSeconds(Math.min(window, 3600))));
      }
      return Future.succeededFuture();
    });
  }

  private Future<String> awaitFinished(String containerId, String token, String url, long deadline) {
    return graph.get("/" + containerId, token, "status_code,status", url).compose(status -> {
      String code = status.getString("status_code", "IN_PROGRESS");
      switch (code) {
        case "FINISHED":
          return Future.succeededFuture(containerId);
        case "ERROR":
          String detail = status.getString("status", "no detail");
          return Future.failedFuture(detail.contains("2207052") || detail.contains("2207003")
              ? GraphErrors.mediaFetch(INSTAGRAM, url, "container " + containerId + " ERROR: " + detail)
              : new MaestroException(FailureCode.PUBLISH_REJECTED, "instagram: container " + containerId
                  + " ended in ERROR: " + detail));
        case "EXPIRED":
          return Future.failedFuture(new MaestroException(FailureCode.PUBLISH_REJECTED, "instagram: container "
              + containerId + " EXPIRED before it was published"));
        default:
          if (System.currentTimeMillis() + pollMs > deadline) {
            return Future.failedFuture(new MaestroException(FailureCode.API_ERROR, "instagram: container "
                + containerId + " still " + code + " after " + deadlineMs + " ms"));
          }
          return vertx.timer(pollMs).compose(x -> awaitFinished(containerId, token, url, deadline));
      }
    });
  }

  static String caption(PublishRequest request) {
    String caption = request.caption() == null || request.caption().isBlank() ? request.title() : request.caption();
    return caption == null ? "" : caption.length() > 2200 ? caption.substring(0, 2200) : caption;
  }
}
