package io.maestro.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The publisher's configuration keys (listed in {@link MaestroConfig#ALL}, so they are validated, documented in the
 * README table and present in conf/config.json like every other key) and the checks that only make sense together.
 */
public final class PublishConfig {
  public static final ConfigKey MODE = ConfigKey.string("publish.mode", "MAESTRO_PUBLISH_MODE", "dry_run",
      "dry_run: at slot time each item is written to the outbox file and marked published (dry run), no account "
      + "needed. live: items go to Instagram, Facebook and YouTube with the brand's stored credentials.");
  public static final ConfigKey CREDENTIALS_KEY = ConfigKey.secret("publish.credentialsKey",
      "MAESTRO_PUBLISH_CREDENTIALS_KEY", "Base64 AES key (16, 24 or 32 bytes) that seals brand credentials at rest "
      + "(AES-GCM). Required for publish.mode live and for storing credentials.");
  public static final ConfigKey OUTBOX_FILE = ConfigKey.string("publish.outboxFile", "MAESTRO_PUBLISH_OUTBOX_FILE", "",
      "JSON-lines file the dry-run publisher appends one line per item to. Empty = outbox/publish.jsonl under "
      + "db.embedded.dataDir.");
  public static final ConfigKey POLL_INTERVAL = ConfigKey.longValue("publish.pollIntervalMs",
      "MAESTRO_PUBLISH_POLL_INTERVAL_MS", 60_000L, 10, 86_400_000L,
      "Backstop poll of due items; the publisher also wakes at the next due slot and on publish-now/retry.");
  public static final ConfigKey LEASE = ConfigKey.longValue("publish.leaseMs", "MAESTRO_PUBLISH_LEASE_MS", 900_000L,
      100, 86_400_000L, "How long a claimed item may stay publishing before the healer hands it back (longer than "
      + "the slowest platform call plus container polling).");
  public static final ConfigKey BATCH = ConfigKey.integer("publish.batchSize", "MAESTRO_PUBLISH_BATCH_SIZE", 20, 1,
      1000, "Due items one publisher claims at a time.");
  public static final ConfigKey MAX_RETRIES = ConfigKey.integer("publish.maxRetries", "MAESTRO_PUBLISH_MAX_RETRIES", 3,
      0, 50, "Automatic retries of an item's failed platforms after a 5xx or timeout (rate limits do not spend them).");
  public static final ConfigKey MAX_ATTEMPTS = ConfigKey.integer("publish.maxAttempts", "MAESTRO_PUBLISH_MAX_ATTEMPTS",
      12, 1, 1000, "Hard cap on claims of one item (rate-limit waits and rescues included).");
  public static final ConfigKey BACKOFF_BASE = ConfigKey.longValue("publish.backoffBaseMs",
      "MAESTRO_PUBLISH_BACKOFF_BASE_MS", 60_000L, 1, 86_400_000L, "Delay before the first automatic retry of a "
      + "platform; doubles each retry, capped by healer.backoffMaxMs, jittered by healer.jitterPercent.");
  public static final ConfigKey TIMEOUT = ConfigKey.longValue("publish.requestTimeoutMs",
      "MAESTRO_PUBLISH_REQUEST_TIMEOUT_MS", 60_000L, 50, 3_600_000L,
      "Longest one platform HTTP call may take before it fails as api_error (retried).");
  public static final ConfigKey CONTAINER_POLL = ConfigKey.longValue("publish.containerPollMs",
      "MAESTRO_PUBLISH_CONTAINER_POLL_MS", 3_000L, 10, 600_000L,
      "How often an Instagram media container's status_code is polled until FINISHED.");
  public static final ConfigKey CONTAINER_DEADLINE = ConfigKey.longValue("publish.containerDeadlineMs",
      "MAESTRO_PUBLISH_CONTAINER_DEADLINE_MS", 300_000L, 50, 3_600_000L,
      "Longest an Instagram container may stay IN_PROGRESS before the attempt fails as api_error (retried).");
  public static final ConfigKey GRAPH_BASE_URL = ConfigKey.string("publish.graphBaseUrl",
      "MAESTRO_PUBLISH_GRAPH_BASE_URL", "https://graph.facebook.com/v21.0",
      "Graph API base (Instagram and Facebook Page publishing).");
  public static final ConfigKey YOUTUBE_BASE_URL = ConfigKey.string("publish.youtubeBaseUrl",
      "MAESTRO_PUBLISH_YOUTUBE_BASE_URL", "https://www.googleapis.com",
      "YouTube Data API base (resumable upload at {base}/upload/youtube/v3/videos).");
  public static final ConfigKey GOOGLE_TOKEN_URL = ConfigKey.string("publish.googleTokenUrl",
      "MAESTRO_PUBLISH_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token",
      "Google OAuth2 token endpoint (refresh token → access token).");
  public static final ConfigKey YOUTUBE_CLIENT_ID = ConfigKey.string("publish.youtubeClientId",
      "MAESTRO_PUBLISH_YOUTUBE_CLIENT_ID", "", "OAuth2 client id the brands' YouTube refresh tokens were issued to.");
  public static final ConfigKey YOUTUBE_CLIENT_SECRET = ConfigKey.secret("publish.youtubeClientSecret",
      "MAESTRO_PUBLISH_YOUTUBE_CLIENT_SECRET", "OAuth2 client secret for publish.youtubeClientId.");

  public static final List<ConfigKey> KEYS = List.of(MODE, CREDENTIALS_KEY, OUTBOX_FILE, POLL_INTERVAL, LEASE, BATCH,
      MAX_RETRIES, MAX_ATTEMPTS, BACKOFF_BASE, TIMEOUT, CONTAINER_POLL, CONTAINER_DEADLINE, GRAPH_BASE_URL,
      YOUTUBE_BASE_URL, GOOGLE_TOKEN_URL, YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET);

  private PublishConfig() {}

  public static boolean live(MaestroConfig config) {
    return "live".equals(config.string(MODE));
  }

  /**
   * Checks run when the publisher starts: a live publisher without a key (or with bad URLs) does not start. (The
   * key's own form is checked by the publisher's CredentialSealer right after; these keys live in the config
   * package so that MaestroConfig lists them without depending on the publisher.)
   */
  public static void validate(MaestroConfig config) {
    String mode = config.string(MODE);
    if (!List.of("dry_run", "live").contains(mode)) {
      throw invalid(MODE, "expected dry_run or live", mode);
    }
    if (live(config) && config.string(CREDENTIALS_KEY).isBlank()) {
      throw invalid(CREDENTIALS_KEY, "is required when publish.mode (MAESTRO_PUBLISH_MODE) is live: publishing to "
          + "real platforms needs the key that seals the brands' credentials (base64 of 32 random bytes, e.g. "
          + "`openssl rand -base64 32`)", "");
    }
    for (ConfigKey url : List.of(GRAPH_BASE_URL, YOUTUBE_BASE_URL, GOOGLE_TOKEN_URL)) {
      String value = config.string(url);
      try {
        URI uri = URI.create(value);
        if (uri.getHost() == null || !List.of("http", "https").contains(uri.getScheme())) {
          throw invalid(url, "expected an http(s):// URL", value);
        }
      } catch (IllegalArgumentException e) {
        throw invalid(url, "expected an http(s):// URL", value);
      }
    }
  }

  public static Path outboxFile(MaestroConfig config) {
    String file = config.string(OUTBOX_FILE);
    return file.isBlank() ? Path.of(config.string(MaestroConfig.DATA_DIR), "outbox", "publish.jsonl") : Path.of(file);
  }

  public static ConfigException invalid(ConfigKey key, String expectation, String raw) {
    return new ConfigException(key.name() + " (" + key.env() + "): " + expectation
        + (raw == null || raw.isEmpty() ? "" : ", got \"" + raw + "\""));
  }
}
