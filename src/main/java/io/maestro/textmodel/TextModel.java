package io.maestro.textmodel;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Writes proposals and scores them. Every failure is a {@link io.maestro.failure.MaestroException} with its
 * category (api_auth, api_quota_exhausted, api_rate_limited, api_error, content_error…), never a bare exception.
 */
public interface TextModel {

  /** What is active, for logs and /ready, e.g. "deepseek (deepseek-chat at https://api.deepseek.com)". */
  String describe();

  /** The model's answer as a JSON object. */
  Future<JsonObject> complete(TextTask task);

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
