package io.maestro.publish;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.variant.ContentType;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * A Facebook Page through the Graph API: posts are photos ({@code POST /{page-id}/photos} with url + caption); reels
 * go through {@code /{page-id}/video_reels}: start (→ video_id and upload_url), upload by URL (Meta fetches the
 * file given in the {@code file_url} header), finish with {@code video_state=PUBLISHED} and the description.
 */
final class FacebookPlatform implements Platform {
  private final GraphApi graph;
  private final MediaSource media;

  FacebookPlatform(GraphApi graph, MediaSource media) {
    this.graph = graph;
    this.media = media;
  }

  @Override
  public String name() {
    return FACEBOOK;
  }

  @Override
  public boolean supports(String contentType) {
    return true;
  }

  @Override
  public Future<PostRef> publish(PublishRequest request, BrandCredentials credentials) {
    String page = credentials.get(BrandCredentials.FACEBOOK_PAGE_ID);
    String token = credentials.get(BrandCredentials.FACEBOOK_TOKEN);
    if (page == null || token == null) {
      return Future.failedFuture(new MaestroException(FailureCode.CONFIG_ERROR, "brand " + credentials.brand()
          + " has no facebook_page_id and page access token: set them (PUT /api/publishing/credentials/"
          + credentials.brand() + ")"));
    }
    String url = media.publicUrl(request.mediaUrl(), FACEBOOK);
    String caption = InstagramPlatform.caption(request);
    if (!ContentType.REEL.id().equals(request.contentType())) {
      return graph.post("/" + page + "/photos", token, MultiMap.caseInsensitiveMultiMap().add("url", url)
              .add("caption", caption), url)
          .map(photo -> {
            String postId = photo.getString("post_id", photo.getString("id"));
            return new PostRef(postId, "https://www.facebook.com/" + postId);
          });
    }
    return graph.post("/" + page + "/video_reels", token, MultiMap.caseInsensitiveMultiMap()
            .add("upload_phase", "start"), url)
        .compose(started -> {
          String videoId = started.getString("video_id");
          String uploadUrl = started.getString("upload_url");
          if (videoId == null || uploadUrl == null) {
            return Future.failedFuture(new MaestroException(FailureCode.API_ERROR, "facebook: video_reels start "
                + "answered without video_id/upload_url"));
          }
          return graph.postAbsolute(uploadUrl, token, MultiMap.caseInsensitiveMultiMap().add("file_url", url), url)
              .compose(uploaded -> graph.post("/" + page + "/video_reels", token, MultiMap.caseInsensitiveMultiMap()
                  .add("upload_phase", "finish").add("video_id", videoId).add("video_state", "PUBLISHED")
                  .add("description", caption), url))
              .compose(finished -> finished.getBoolean("success", false)
                  ? Future.succeededFuture(new PostRef(videoId, "https://www.facebook.com/reel/" + videoId))
                  : Future.failedFuture(new MaestroException(FailureCode.API_ERROR, "facebook: video_reels finish "
                      + "of video " + videoId + " did not report success")));
        });
  }
}
