package io.maestro.api;

import io.maestro.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SockJS event-bus bridge the Observatory listens on ({@code /eventbus}). Only the browser-visible family
 * ({@code maestro.updates.*}) may leave the server, and a socket may register only its own user's addresses: the
 * permitted regex alone would let any browser listen to anybody, so the bridge event handler pins every socket to
 * the user its token names and refuses every other registration. Nothing is accepted inbound — the UI acts through
 * the REST API, where the same auth and validation already apply.
 */
public final class EventBusBridge {
  private static final Logger LOG = LoggerFactory.getLogger(EventBusBridge.class);
  static final String PATH = "/eventbus";
  private static final Pattern TOKEN_PARAM = Pattern.compile("(?:^|[?&])token=([^&#]*)");

  private final Vertx vertx;
  private final Auth auth;
  /** The user each authenticated socket belongs to; a socket absent here gets nothing. */
  private final Map<SockJSSocket, String> users = new ConcurrentHashMap<>();

  public EventBusBridge(Vertx vertx, Auth auth) {
    this.vertx = vertx;
    this.auth = auth;
  }

  public void mount(Router router) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(Pattern.quote(Addresses.BROWSER_PREFIX) + ".+"));
    router.route(PATH + "/*").subRouter(SockJSHandler.create(vertx).bridge(options, this::handle));
  }

  private void handle(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    BridgeEventType type = event.type();
    switch (type) {
      case SOCKET_CREATED -> {
        // the token may come as ?token= on the SockJS URL; without one the socket may still authenticate in REGISTER
        String token = queryToken(socket.uri());
        authenticate(token).onComplete(user -> {
          if (user.succeeded() && user.result() != null) {
            users.put(socket, user.result());
          }
          event.complete(true);
        });
      }
      case SOCKET_CLOSED -> {
        users.remove(socket);
        event.complete(true);
      }
      case REGISTER -> register(event, socket);
      case RECEIVE -> {
        // belt and braces: a message only reaches a socket whose user owns the address
        String user = users.get(socket);
        JsonObject raw = event.getRawMessage();
        event.complete(user != null && raw != null && owns(user, raw.getString("address")));
      }
      case UNREGISTER, SOCKET_PING, SOCKET_IDLE -> event.complete(true);
      default -> event.complete(false); // SEND and PUBLISH: nothing inbound
    }
  }

  private void register(BridgeEvent event, SockJSSocket socket) {
    JsonObject raw = event.getRawMessage();
    String address = raw == null ? null : raw.getString("address");
    String known = users.get(socket);
    Future<String> user;
    if (known != null) {
      user = Future.succeededFuture(known);
    } else {
      JsonObject headers = raw == null ? null : raw.getJsonObject("headers");
      user = authenticate(headers == null ? null : headers.getString("token"));
    }
    user.onComplete(result -> {
      String userId = result.succeeded() ? result.result() : null;
      if (userId == null) {
        LOG.debug("Bridge: refused register of {} on an unauthenticated socket", address);
        event.complete(false);
        return;
      }
      users.putIfAbsent(socket, userId);
      if (!userId.equals(users.get(socket)) || !owns(userId, address)) {
        LOG.info("Bridge: refused register of {} for user {}", address, userId);
        event.complete(false);
        return;
      }
      event.complete(true);
    });
  }

  /** The user a token names; in local mode every socket is the local user. Null when the token is bad. */
  private Future<String> authenticate(String token) {
    if (auth.jwt() == null) {
      return Future.succeededFuture(auth.localUser());
    }
    if (token == null || token.isBlank()) {
      return Future.succeededFuture(null);
    }
    return auth.jwt().authenticate(new TokenCredentials(token)).map(Auth::subject).otherwise((String) null);
  }

  /**
   * One segment after {@code maestro.updates.<user>.}: user ids may contain dots, and without this rule user
   * {@code a} could register {@code maestro.updates.a.b.jobs}, which belongs to user {@code a.b}.
   */
  static boolean owns(String userId, String address) {
    String prefix = Addresses.BROWSER_PREFIX + userId + ".";
    if (address == null || !address.startsWith(prefix)) {
      return false;
    }
    String rest = address.substring(prefix.length());
    return !rest.isEmpty() && rest.indexOf('.') < 0;
  }

  static String queryToken(String uri) {
    if (uri == null) {
      return null;
    }
    int q = uri.indexOf('?');
    if (q < 0) {
      return null;
    }
    var m = TOKEN_PARAM.matcher(uri.substring(q));
    return m.find() ? java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8) : null;
  }
}
