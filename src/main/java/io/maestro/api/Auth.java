package io.maestro.api;

import io.maestro.config.MaestroConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is calling. With a JWT secret: a Supabase-style HS256 access token, user = its {@code sub}. Without one
 * (local mode, loopback only — {@link MaestroConfig} refuses anything else): every request is the local user.
 * A user seen for the first time gets the default brands and agents.
 */
public final class Auth {
  private static final String USER_ID = "maestro.userId";

  private final Pool pool;
  private final JWTAuth jwt;
  private final String localUser;
  private final Set<String> provisioned = ConcurrentHashMap.newKeySet();

  public Auth(Vertx vertx, Pool pool, MaestroConfig config) {
    this.pool = pool;
    this.localUser = config.string(MaestroConfig.LOCAL_USER);
    this.jwt = config.authEnabled() ? JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.string(MaestroConfig.JWT_SECRET))))
        : null;
    provisioned.add(localUser); // provisioned at start-up
  }

  /** The JWT provider, or null in local mode (the event-bus bridge authenticates sockets with it too). */
  public JWTAuth jwt() {
    return jwt;
  }

  /** The user every request is in local mode (no JWT secret). */
  public String localUser() {
    return localUser;
  }

  public static String userId(RoutingContext ctx) {
    return ctx.get(USER_ID);
  }

  /** Handlers to put in front of every /api and /jobs route. */
  public Handler<RoutingContext> authenticate() {
    if (jwt == null) {
      return ctx -> {
        ctx.put(USER_ID, localUser);
        ctx.next();
      };
    }
    JWTAuthHandler handler = JWTAuthHandler.create(jwt);
    return ctx -> {
      // JWTAuthHandler answers 400 to "Bearer " with nothing after it; it is a bad token like any other: 401
      String header = ctx.request().getHeader("Authorization");
      if (header != null && header.trim().equalsIgnoreCase("bearer")) {
        ctx.fail(new ApiError(401, "unauthorized", "a valid bearer token is required (Authorization: Bearer <JWT>)",
            null));
        return;
      }
      handler.handle(ctx);
    };
  }

  public Handler<RoutingContext> resolveUser() {
    return ctx -> {
      String userId = jwt == null ? localUser : subject(ctx.user());
      if (userId == null) {
        ctx.fail(new ApiError(401, "unauthorized", "the token has no subject (sub)", null));
        return;
      }
      ctx.put(USER_ID, userId);
      if (provisioned.contains(userId)) {
        ctx.next();
        return;
      }
      pool.preparedQuery("SELECT maestro_provision_user($1)").execute(Tuple.of(userId))
          .onSuccess(ignored -> {
            provisioned.add(userId);
            ctx.next();
          })
          .onFailure(ctx::fail);
    };
  }

  /** The {@code sub} of a verified token, or null. */
  public static String subject(User user) {
    if (user == null) {
      return null;
    }
    String sub = user.principal().getString("sub");
    if (sub == null) {
      sub = user.attributes().getJsonObject("accessToken", new io.vertx.core.json.JsonObject()).getString("sub");
    }
    return sub == null || sub.isBlank() || sub.length() > 200 ? null : sub;
  }
}
