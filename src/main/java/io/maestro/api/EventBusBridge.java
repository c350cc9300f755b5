package io.maestro.api;

import io.maestro.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.time.Instant;
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
 * the REST API, where the same auth and validation already apply — except a fresh token on
 * {@link Addresses#BRIDGE_RENEW}, which reaches no actor.
 *
 * <p>A socket lives only as long as its token: at the token's {@code exp} it stops receiving and is closed with
 * {@link #EXPIRED_REASON}. A socket that has not authenticated within {@code bridge.authTimeoutMs} is closed.
 */
public final class EventBusBridge {
  private static final Logger LOG = LoggerFactory.getLogger(EventBusBridge.class);
  static final String PATH = "/eventbus";
  /** The close reason the UI shows when a socket's token runs out. */
  public static final String EXPIRED_REASON = "session expired, sign in again";
  static final int EXPIRED_CODE = 4401;
  private static final long EXPIRED_CLOSE_DELAY_MS = 500;
  static final String UNAUTHENTICATED_REASON = "not authenticated";
  static final int UNAUTHENTICATED_CODE = 4403;
  /** A SockJS xhr_send frame carries a few register frames; nothing legitimate comes near this. */
  private static final long SEND_BODY_LIMIT = 64 * 1024;
  private static final Pattern TOKEN_PARAM = Pattern.compile("(?:^|[?&])token=([^&#]*)");

  private final Vertx vertx;
  private final Auth auth;
  private final long authTimeoutMs;
  /** The session of each authenticated socket; a socket absent here gets nothing. */
  private final Map<SockJSSocket, Session> sessions = new ConcurrentHashMap<>();
  /** The reply address of a socket's renewal in flight: the one reply it may receive outside its own family. */
  private final Map<SockJSSocket, String> renewReplies = new ConcurrentHashMap<>();

  /** Who a socket is and until when: {@code expiresAtMs} is the token's exp (Long.MAX_VALUE in local mode). */
  private record Session(String user, long expiresAtMs, long timer) {}

  /** What a valid token says. */
  private record Identity(String user, long expiresAtMs) {}

  public EventBusBridge(Vertx vertx, Auth auth, long authTimeoutMs) {
    this.vertx = vertx;
    this.auth = auth;
    this.authTimeoutMs = authTimeoutMs;
  }

  public void mount(Router router) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(Pattern.quote(Addresses.BROWSER_PREFIX) + ".+"))
        .addInboundPermitted(new PermittedOptions().setAddress(Addresses.BRIDGE_RENEW));
    // Vert.x 5's SockJS handler reads xhr_send bodies from the routing context: without a BodyHandler in front,
    // every xhr-streaming/xhr-polling client gets 500 on its first frame (eclipse-vertx/vert.x#5635)
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(SEND_BODY_LIMIT);
    router.route(PATH + "/*").handler(ctx -> {
      if (ctx.request().method() == io.vertx.core.http.HttpMethod.POST) {
        bodies.handle(ctx);
      } else {
        ctx.next();
      }
    });
    router.route(PATH + "/*").subRouter(SockJSHandler.create(vertx).bridge(options, this::handle));
    // the renewal itself happens in the bridge hook (it knows the socket); this only answers the client
    vertx.eventBus().<JsonObject>localConsumer(Addresses.BRIDGE_RENEW, message -> message.reply(message.body()));
  }

  private void handle(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    BridgeEventType type = event.type();
    switch (type) {
      case SOCKET_CREATED -> {
        // the token may come as ?token= on the SockJS URL; without one the socket may still authenticate in REGISTER
        authenticate(queryToken(socket.uri())).onComplete(identity -> {
          if (identity.succeeded() && identity.result() != null) {
            bind(socket, identity.result());
          } else {
            vertx.setTimer(authTimeoutMs, id -> closeIfUnauthenticated(socket));
          }
          event.complete(true);
        });
      }
      case SOCKET_CLOSED -> {
        renewReplies.remove(socket);
        Session gone = sessions.remove(socket);
        if (gone != null) {
          vertx.cancelTimer(gone.timer());
        }
        event.complete(true);
      }
      case REGISTER -> register(event, socket);
      case RECEIVE -> {
        // belt and braces: a message only reaches a live socket whose user owns the address
        Session session = sessions.get(socket);
        JsonObject raw = event.getRawMessage();
        String address = raw == null ? null : raw.getString("address");
        boolean renewReply = address != null && renewReplies.remove(socket, address);
        event.complete(session != null && System.currentTimeMillis() < session.expiresAtMs() && address != null
            && (renewReply || owns(session.user(), address)));
      }
      case SEND -> renew(event, socket);
      case UNREGISTER, SOCKET_PING, SOCKET_IDLE -> event.complete(true);
      default -> event.complete(false); // PUBLISH: nothing inbound
    }
  }

  private void register(BridgeEvent event, SockJSSocket socket) {
    JsonObject raw = event.getRawMessage();
    String address = raw == null ? null : raw.getString("address");
    Session known = sessions.get(socket);
    Future<Identity> identity = known != null ? Future.succeededFuture(new Identity(known.user(), known.expiresAtMs()))
        : authenticate(headerToken(raw));
    identity.onComplete(result -> {
      Identity who = result.succeeded() ? result.result() : null;
      if (who == null) {
        // DEBUG: the address is chosen by the client, so an INFO line per refusal would let anyone flood the log
        LOG.debug("Bridge: refused register of {} on an unauthenticated socket from {}", sanitize(address),
            socket.remoteAddress());
        event.complete(false);
        return;
      }
      if (known == null) {
        sessions.computeIfAbsent(socket, s -> newSession(s, who));
      }
      Session session = sessions.get(socket);
      if (session == null || !who.user().equals(session.user()) || !owns(who.user(), address)) {
        LOG.debug("Bridge: refused register of {} for user {}", sanitize(address), sanitize(who.user()));
        event.complete(false);
        return;
      }
      event.complete(true);
    });
  }

  /** A send to {@link Addresses#BRIDGE_RENEW} with a fresh token of the same user moves the socket's expiry. */
  private void renew(BridgeEvent event, SockJSSocket socket) {
    JsonObject raw = event.getRawMessage();
    Session session = sessions.get(socket);
    if (raw == null || session == null || !Addresses.BRIDGE_RENEW.equals(raw.getString("address"))) {
      event.complete(false);
      return;
    }
    String token = headerToken(raw);
    raw.remove("headers"); // the token goes no further than this hook
    authenticate(token).onComplete(result -> {
      Identity fresh = result.succeeded() ? result.result() : null;
      Session current = sessions.get(socket);
      if (fresh == null || current == null || !fresh.user().equals(current.user())) {
        event.complete(false);
        return;
      }
      if (fresh.expiresAtMs() > current.expiresAtMs() && sessions.replace(socket, current, newSession(socket, fresh))) {
        vertx.cancelTimer(current.timer());
      }
      long expiresAt = sessions.getOrDefault(socket, current).expiresAtMs();
      raw.put("body", new JsonObject().put("renewed", true).put("expires_at", expiresAt == Long.MAX_VALUE ? null
          : Instant.ofEpochMilli(expiresAt).toString()));
      event.setRawMessage(raw);
      if (raw.getString("replyAddress") != null) {
        renewReplies.put(socket, raw.getString("replyAddress"));
      }
      event.complete(true);
    });
  }

  private void bind(SockJSSocket socket, Identity identity) {
    sessions.computeIfAbsent(socket, s -> newSession(s, identity));
  }

  private Session newSession(SockJSSocket socket, Identity identity) {
    long timer = identity.expiresAtMs() == Long.MAX_VALUE ? -1
        : vertx.setTimer(Math.max(1, identity.expiresAtMs() - System.currentTimeMillis()), id -> expire(socket, id));
    return new Session(identity.user(), identity.expiresAtMs(), timer);
  }

  private void expire(SockJSSocket socket, long timer) {
    Session session = sessions.get(socket);
    if (session == null || session.timer() != timer) {
      return; // renewed or closed meanwhile
    }
    sessions.remove(socket); // from here on RECEIVE lets nothing through
    LOG.debug("Bridge: the token of user {} expired; closing its socket", sanitize(session.user()));
    // A SockJS session drops close(code, reason) — Vert.x sends its own c[3000,"Go away!"] on every SockJS
    // transport; only the raw WebSocket endpoint passes them on — so the reason also goes as a bridge err frame,
    // which vertx-eventbus.js hands to onerror. The close follows a moment later, so that a polling client has
    // fetched the frame before the session is gone.
    socket.write(new JsonObject().put("type", "err").put("failureCode", EXPIRED_CODE)
        .put("failureType", "SESSION_EXPIRED").put("message", EXPIRED_REASON).toBuffer());
    vertx.setTimer(EXPIRED_CLOSE_DELAY_MS, id -> socket.close(EXPIRED_CODE, EXPIRED_REASON));
  }

  private void closeIfUnauthenticated(SockJSSocket socket) {
    if (!sessions.containsKey(socket)) {
      socket.close(UNAUTHENTICATED_CODE, UNAUTHENTICATED_REASON);
    }
  }

  /** Who a token names and until when; in local mode every socket is the local user, forever. Null when bad. */
  private Future<Identity> authenticate(String token) {
    if (auth.jwt() == null) {
      return Future.succeededFuture(new Identity(auth.localUser(), Long.MAX_VALUE));
    }
    if (token == null || token.isBlank()) {
      return Future.succeededFuture(null);
    }
    return auth.jwt().authenticate(new TokenCredentials(token)).map(user -> {
      String subject = Auth.subject(user);
      Long exp = expiry(user);
      return subject == null ? null : new Identity(subject, exp == null ? Long.MAX_VALUE : exp * 1000);
    }).otherwise((Identity) null);
  }

  /** The token's exp (epoch seconds): Vert.x keeps the decoded claims in the user's attributes. */
  private static Long expiry(io.vertx.ext.auth.User user) {
    Long exp = user.principal().getLong("exp");
    if (exp == null) {
      exp = user.attributes().getLong("exp");
    }
    if (exp == null) {
      exp = user.attributes().getJsonObject("accessToken", new JsonObject()).getLong("exp");
    }
    return exp;
  }

  private static String headerToken(JsonObject raw) {
    JsonObject headers = raw == null ? null : raw.getJsonObject("headers");
    return headers == null ? null : headers.getString("token");
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

  /** A client-chosen string made safe for one log line: printable ASCII only, at most 80 characters. */
  static String sanitize(String value) {
    if (value == null) {
      return "(none)";
    }
    String clean = value.replaceAll("[^\\x20-\\x7E]", "?");
    return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
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
