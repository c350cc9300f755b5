package io.maestro.api;

import io.maestro.config.MaestroConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What keeps a web page the user happens to visit from driving Maestro through the user's browser:
 * <ul>
 *   <li>in local mode (no token needed) only loopback Host names (plus {@code http.allowedHosts}) are served, so a
 *       DNS-rebinding page cannot read the API under its own name;</li>
 *   <li>a state-changing request whose Origin (or, without one, Referer) is neither the server's own origin nor one
 *       of {@code http.allowedOrigins} is refused (403): a cross-site form or {@code fetch} without preflight;</li>
 *   <li>a request body on /api and /jobs must be {@code application/json} (415), which a page can only send
 *       cross-origin after a CORS preflight that Maestro never grants;</li>
 *   <li>every response carries the security headers; the Observatory's CSP allows scripts and styles from itself
 *       only.</li>
 * </ul>
 */
final class WebSecurity {
  /** Scripts and styles from the server only; images and videos may also come from the media store (https). */
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https:; "
      + "media-src 'self' blob: https:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
      + "form-action 'self'; frame-ancestors 'none'";
  private static final Set<HttpMethod> STATE_CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
      HttpMethod.DELETE);

  private final boolean localMode;
  private final Set<String> allowedOrigins;
  private final Set<String> allowedHosts;

  WebSecurity(MaestroConfig config) {
    this.localMode = !config.authEnabled();
    this.allowedOrigins = list(config.string(MaestroConfig.HTTP_ALLOWED_ORIGINS)).stream()
        .map(o -> o.replaceAll("/+$", "")).collect(Collectors.toSet());
    this.allowedHosts = list(config.string(MaestroConfig.HTTP_ALLOWED_HOSTS));
  }

  /** Before every route: the Host check and the headers. */
  void mountFirst(Router router) {
    router.route().handler(this::hostAndHeaders);
  }

  /** Before the JSON API routes (they change state): Origin/Referer and Content-Type. */
  void mountApi(Router router, String... paths) {
    for (String path : paths) {
      router.route(path).handler(this::originAndContentType);
    }
  }

  private void hostAndHeaders(RoutingContext ctx) {
    var headers = ctx.response().headers();
    headers.set("X-Content-Type-Options", "nosniff").set("Referrer-Policy", "no-referrer");
    // SockJS's own iframe transport page is framed by the Observatory itself and runs an inline script
    if (!ctx.request().path().startsWith(EventBusBridge.PATH + "/")) {
      headers.set("Content-Security-Policy", CSP).set("X-Frame-Options", "DENY");
    }
    if (localMode && !hostAllowed(ctx.request().authority())) {
      ctx.fail(new ApiError(403, "host_not_allowed", "this local-mode server answers only to loopback host names "
          + "(localhost, 127.0.0.1, [::1]) and http.allowedHosts", null));
      return;
    }
    ctx.next();
  }

  private void originAndContentType(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!STATE_CHANGING.contains(request.method())) {
      ctx.next();
      return;
    }
    String origin = requestOrigin(request);
    if (origin != null && !origin.equals(ownOrigin(request)) && !allowedOrigins.contains(origin)) {
      ctx.fail(new ApiError(403, "forbidden_origin", "state-changing requests from another site are refused "
          + "(Origin/Referer is not this server nor in http.allowedOrigins)", null));
      return;
    }
    if (hasBody(request) && !isJson(request.getHeader("Content-Type"))) {
      ctx.fail(new ApiError(415, "unsupported_media_type", "the request body must be sent as Content-Type: "
          + "application/json", null));
      return;
    }
    ctx.next();
  }

  /** The Origin header, or the origin of the Referer; null when the request names neither (curl, server code). */
  static String requestOrigin(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    if (origin != null) {
      return origin.trim().toLowerCase(Locale.ROOT); // "null" (sandboxed page, file:) matches nothing: refused
    }
    String referer = request.getHeader("Referer");
    if (referer == null) {
      return null;
    }
    try {
      URI uri = URI.create(referer.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        return "null";
      }
      return (uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()))
          .toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "null";
    }
  }

  private static String ownOrigin(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    if (authority == null) {
      return null;
    }
    String scheme = request.isSSL() ? "https" : "http";
    int defaultPort = request.isSSL() ? 443 : 80;
    return (scheme + "://" + authority.host() + (authority.port() < 0 || authority.port() == defaultPort ? ""
        : ":" + authority.port())).toLowerCase(Locale.ROOT);
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length != null) {
      return !"0".equals(length.trim());
    }
    return request.getHeader("Transfer-Encoding") != null;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
  }

  /**
   * A request without a Host (HTTP/1.0) cannot come from a DNS-rebinding page — browsers always send one — so it is
   * let through; a named Host must be a loopback name or configured.
   */
  boolean hostAllowed(HostAndPort authority) {
    if (authority == null) {
      return true;
    }
    String host = authority.host().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.equals("localhost") || host.endsWith(".localhost") || host.equals("::1")
        || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || allowedHosts.contains(host);
  }

  private static Set<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
  }
}
