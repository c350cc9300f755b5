package io.maestro.publish;

import io.vertx.core.Future;

/**
 * One social platform. A call either yields the platform's post id and permalink, or fails with a
 * {@link io.maestro.failure.MaestroException} whose code places the failure in the shared taxonomy (auth, rate
 * limit, media fetch, rejected, api_error for 5xx/timeouts, config_error).
 */
public interface Platform {
  String INSTAGRAM = "instagram";
  String FACEBOOK = "facebook";
  String YOUTUBE = "youtube";

  String name();

  /** YouTube takes reels (Shorts) only; Instagram and Facebook take posts and reels. */
  boolean supports(String contentType);

  Future<PostRef> publish(PublishRequest request, BrandCredentials credentials);

  /** What goes out: the schedule item with its caption. */
  record PublishRequest(long itemId, String brand, String contentType, String title, String caption,
      String mediaUrl) {}

  /** The platform's own id of the published post and a link to it. */
  record PostRef(String postId, String permalink) {}
}
