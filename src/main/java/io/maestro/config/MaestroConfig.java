package io.maestro.config;


import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed, validated view of Maestro's configuration. Every key Maestro reads is declared here with its default,
 * its environment variable and its meaning; {@link #from(JsonObject)} validates them all at start-up so that a bad
 * value stops the process with a message naming the key, instead of failing later in some actor.
 */
public final class MaestroConfig {
  public static final ConfigKey HTTP_HOST = ConfigKey.string("http.host", "MAESTRO_HTTP_HOST", "127.0.0.1",
      "Address the HTTP API binds to. Without auth.jwtSecret only loopback addresses are allowed.");
  public static final ConfigKey HTTP_PORT = ConfigKey.integer("http.port", "MAESTRO_HTTP_PORT", 8080, 0, 65535,
      "HTTP port (0 picks a free port; the chosen one is logged).");
  public static final ConfigKey HTTP_BODY_LIMIT = ConfigKey.longValue("http.bodyLimitBytes", "MAESTRO_HTTP_BODY_LIMIT_BYTES",
      1_048_576L, 1024, 104_857_600L, "Largest accepted request body; larger bodies get 413.");
  public static final ConfigKey JWT_SECRET = ConfigKey.secret("auth.jwtSecret", "MAESTRO_JWT_SECRET",
      "HS256 secret of the Supabase-style access tokens. Empty = local mode: loopback only, one local user.");
  public static final ConfigKey LOCAL_USER = ConfigKey.string("auth.localUser", "MAESTRO_LOCAL_USER", "local",
      "User id every request acts as in local mode.");
  public static final ConfigKey DB_URL = ConfigKey.string("db.url", "MAESTRO_DB_URL", "",
      "External PostgreSQL, e.g. postgresql://user:pass@host:5432/maestro. Empty = embedded PostgreSQL.");
  public static final ConfigKey DB_POOL_SIZE = ConfigKey.integer("db.poolSize", "MAESTRO_DB_POOL_SIZE", 8, 1, 200,
      "Connections in the shared database pool.");
  public static final ConfigKey DB_CONNECT_TIMEOUT = ConfigKey.integer("db.connectTimeoutMs", "MAESTRO_DB_CONNECT_TIMEOUT_MS",
      5000, 100, 120_000, "How long to wait for the database before start-up fails.");
  public static final ConfigKey DATA_DIR = ConfigKey.string("db.embedded.dataDir", "MAESTRO_DATA_DIR", "data",
      "Where the embedded PostgreSQL keeps its data (kept across restarts).");
  public static final ConfigKey EMBEDDED_PORT = ConfigKey.integer("db.embedded.port", "MAESTRO_EMBEDDED_DB_PORT", 0, 0, 65535,
      "Port of the embedded PostgreSQL on 127.0.0.1 (0 picks a free port).");
  public static final ConfigKey NODE_ID = ConfigKey.string("node.id", "MAESTRO_NODE_ID", "",
      "Name of this node in leases and attempts. Empty = host name plus a random suffix.");
  public static final ConfigKey WORKER_INSTANCES = ConfigKey.integer("jobs.workerInstances", "MAESTRO_WORKER_INSTANCES", 2, 0,
      64, "Job worker verticles on this node = most jobs running at once on this node.");
  public static final ConfigKey POLL_INTERVAL = ConfigKey.longValue("jobs.pollIntervalMs", "MAESTRO_JOBS_POLL_INTERVAL_MS",
      1000L, 10, 3_600_000L, "Backstop poll of the queue; new jobs normally wake the dispatcher at once.");
  public static final ConfigKey LEASE = ConfigKey.longValue("jobs.leaseMs", "MAESTRO_JOBS_LEASE_MS", 30_000L, 100,
      3_600_000L, "How long a running job's lease lasts without a heartbeat before it is rescued.");
  public static final ConfigKey JOB_DEADLINE = ConfigKey.longValue("jobs.deadlineMs", "MAESTRO_JOBS_DEADLINE_MS", 600_000L,
      50, 86_400_000L, "Longest a job may run before it fails with job_timeout.");
  public static final ConfigKey MAX_RETRIES = ConfigKey.integer("jobs.maxRetries", "MAESTRO_JOBS_MAX_RETRIES", 2, 0, 20,
      "Automatic retries of a failed job (rate limits and quotas do not spend them).");
  public static final ConfigKey MAX_ATTEMPTS = ConfigKey.integer("jobs.maxAttempts", "MAESTRO_JOBS_MAX_ATTEMPTS", 6, 1, 100,
      "Hard cap on attempts of one job (rescues included), so a poison job cannot loop forever.");

  public static final ConfigKey FFMPEG_PATH = ConfigKey.string("media.ffmpegPath", "MAESTRO_FFMPEG_PATH", "",
      "ffmpeg executable for reels. Empty = ffmpeg on PATH (Debian/Ubuntu: apt-get install ffmpeg).");
  public static final ConfigKey MUSIC_PATH = ConfigKey.string("media.musicPath", "MAESTRO_MUSIC_PATH", "",
      "Audio file laid under every reel. Empty = a silent AAC track.");
  public static final ConfigKey DEAPI_API_KEY = ConfigKey.secret("deapi.apiKey", "DEAPI_API_KEY",
      "deAPI key for AI backgrounds. Empty = the procedural background renderer (no network).");
  public static final ConfigKey DEAPI_BASE_URL = ConfigKey.string("deapi.baseUrl", "DEAPI_BASE_URL",
      "https://api.deapi.ai", "deAPI base URL.");
  public static final ConfigKey DEAPI_MODEL = ConfigKey.string("deapi.model", "DEAPI_MODEL", "Flux1schnell",
      "deAPI txt2img model.");
  public static final ConfigKey DEAPI_POLL_INTERVAL = ConfigKey.longValue("deapi.pollIntervalMs",
      "MAESTRO_DEAPI_POLL_INTERVAL_MS", 2_000L, 10, 60_000L, "How often a submitted deAPI request is polled.");
  public static final ConfigKey DEAPI_DEADLINE = ConfigKey.longValue("deapi.deadlineMs", "MAESTRO_DEAPI_DEADLINE_MS",
      120_000L, 100, 3_600_000L, "Longest wait for one deAPI image before image_generation_error (timed out).");
  public static final ConfigKey DEAPI_PER_MINUTE = ConfigKey.integer("deapi.perMinute", "MAESTRO_DEAPI_PER_MINUTE", 3, 1,
      10_000, "Client-side budget of deAPI submissions per minute, shared by every worker of the node.");
  public static final ConfigKey DEAPI_PER_DAY = ConfigKey.integer("deapi.perDay", "MAESTRO_DEAPI_PER_DAY", 100, 1,
      1_000_000, "Client-side budget of deAPI submissions per UTC day; past it jobs fail as api_quota_exhausted.");
  public static final ConfigKey STORAGE_PROVIDER = ConfigKey.string("storage.provider", "MAESTRO_STORAGE_PROVIDER",
      "auto", "local, supabase, or auto (Supabase when supabase.url and supabase.serviceKey are set, else local).");
  public static final ConfigKey STORAGE_LOCAL_DIR = ConfigKey.string("storage.localDir", "MAESTRO_STORAGE_LOCAL_DIR",
      "data/media", "Where the local media store writes; served read-only at /media/.");
  public static final ConfigKey STORAGE_PUBLIC_BASE_URL = ConfigKey.string("storage.publicBaseUrl",
      "MAESTRO_STORAGE_PUBLIC_BASE_URL", "", "Prefix of local media URLs, e.g. https://maestro.example. Empty = "
          + "relative URLs (/media/...).");
  public static final ConfigKey SUPABASE_URL = ConfigKey.string("supabase.url", "SUPABASE_URL", "",
      "Supabase project URL for Storage uploads.");
  public static final ConfigKey SUPABASE_SERVICE_KEY = ConfigKey.secret("supabase.serviceKey", "SUPABASE_SERVICE_KEY",
      "Supabase service-role key for Storage uploads.");
  public static final ConfigKey SUPABASE_BUCKET = ConfigKey.string("supabase.bucket", "SUPABASE_BUCKET", "media",
      "Supabase Storage bucket (public) that media is uploaded to.");

  public static final List<ConfigKey> ALL = List.of(HTTP_HOST, HTTP_PORT, HTTP_BODY_LIMIT, JWT_SECRET, LOCAL_USER,
      DB_URL, DB_POOL_SIZE, DB_CONNECT_TIMEOUT, DATA_DIR, EMBEDDED_PORT, NODE_ID, WORKER_INSTANCES, POLL_INTERVAL,
      LEASE, JOB_DEADLINE, MAX_RETRIES, MAX_ATTEMPTS, FFMPEG_PATH, MUSIC_PATH, DEAPI_API_KEY, DEAPI_BASE_URL, DEAPI_MODEL,
      DEAPI_POLL_INTERVAL, DEAPI_DEADLINE, DEAPI_PER_MINUTE, DEAPI_PER_DAY, STORAGE_PROVIDER, STORAGE_LOCAL_DIR,
      STORAGE_PUBLIC_BASE_URL, SUPABASE_URL, SUPABASE_SERVICE_KEY, SUPABASE_BUCKET);

  private final Map<String, Object> values;

  private MaestroConfig(Map<String, Object> values) {
    this.values = values;
  }

  /**
   * Validates every key of {@code merged} (file values under dotted names, environment overrides under their
   * env names). Throws {@link ConfigException} naming the first bad key.
   */
  public static MaestroConfig from(JsonObject merged) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (ConfigKey key : ALL) {
      values.put(key.name(), key.read(merged));
    }
    MaestroConfig config = new MaestroConfig(values);
    config.validateCombinations();
    return config;
  }

  private void validateCombinations() {
    String dbUrl = string(DB_URL);
    if (!dbUrl.isBlank()) {
      try {
        URI uri = URI.create(dbUrl);
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme()) || uri.getHost() == null) {
          throw DB_URL.invalid("expected postgresql://user:password@host:port/database", redact(dbUrl));
        }
      } catch (IllegalArgumentException e) {
        throw DB_URL.invalid("expected postgresql://user:password@host:port/database", redact(dbUrl));
      }
    }
    if (!authEnabled() && !isLoopback(string(HTTP_HOST))) {
      throw HTTP_HOST.invalid("without auth.jwtSecret (MAESTRO_JWT_SECRET) Maestro only listens on a loopback "
          + "address; set a JWT secret to listen on another", string(HTTP_HOST));
    }
    if (string(LOCAL_USER).isBlank()) {
      throw LOCAL_USER.invalid("expected a non-blank user id", "");
    }
    String provider = string(STORAGE_PROVIDER);
    if (!List.of("local", "supabase", "auto").contains(provider)) {
      throw STORAGE_PROVIDER.invalid("expected local, supabase or auto", provider);
    }
    if ("supabase".equals(provider) && (string(SUPABASE_URL).isBlank() || string(SUPABASE_SERVICE_KEY).isBlank())) {
      throw STORAGE_PROVIDER.invalid("supabase storage needs supabase.url (SUPABASE_URL) and supabase.serviceKey "
          + "(SUPABASE_SERVICE_KEY)", provider);
    }
    for (ConfigKey url : List.of(DEAPI_BASE_URL, SUPABASE_URL)) {
      String value = string(url);
      if (!value.isBlank() && !value.startsWith("http://") && !value.startsWith("https://")) {
        throw url.invalid("expected an http:// or https:// URL", value);
      }
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String redact(String url) {
    return url.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@");
  }

  public String string(ConfigKey key) {
    return (String) values.get(key.name());
  }

  public int integer(ConfigKey key) {
    return (Integer) values.get(key.name());
  }

  public long longValue(ConfigKey key) {
    return ((Number) values.get(key.name())).longValue();
  }

  public boolean bool(ConfigKey key) {
    return (Boolean) values.get(key.name());
  }

  public boolean authEnabled() {
    return !string(JWT_SECRET).isBlank();
  }

  public boolean embeddedDatabase() {
    return string(DB_URL).isBlank();
  }

  /** Values under their dotted names, for handing to child verticles as their deployment config. */
  public JsonObject toJson() {
    return new JsonObject(new LinkedHashMap<>(values));
  }
}
