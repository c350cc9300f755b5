package io.maestro.api;

import io.maestro.logging.Redaction;
import io.vertx.ext.web.handler.LoggerFormat;
import io.vertx.ext.web.handler.LoggerHandler;

/**
 * The access log: one line per request in Vert.x's "tiny" shape ({@code method uri status length - ms}), with token
 * query values redacted — the Observatory and every SockJS transport carry the bearer token in the URL.
 */
final class AccessLog {
  private AccessLog() {}

  static LoggerHandler handler() {
    return LoggerHandler.create(LoggerFormat.CUSTOM).customFormatter((ctx, ms) -> {
      var request = ctx.request();
      String length = ctx.response().headers().get("Content-Length");
      return request.method() + " " + Redaction.redact(request.uri()) + " " + ctx.response().getStatusCode() + " "
          + (length == null ? "-" : length) + " - " + ms + " ms";
    });
  }
}
