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
  public static final ConfigKey HTTP_ALLOWED_ORIGINS = ConfigKey.string("http.allowedOrigins",
      "MAESTRO_HTTP_ALLOWED_ORIGINS", "", "Comma-separated origins (e.g. https://app.example) besides the server's own "
      + "whose state-changing requests are accepted; any other Origin or Referer gets 403.");
  public static final ConfigKey HTTP_ALLOWED_HOSTS = ConfigKey.string("http.allowedHosts", "MAESTRO_HTTP_ALLOWED_HOSTS",
      "", "Comma-separated Host names accepted in local mode besides loopback ones (localhost, 127.x, ::1); any other "
      + "Host gets 403 (DNS rebinding).");
  public static final ConfigKey BRIDGE_AUTH_TIMEOUT = ConfigKey.longValue("bridge.authTimeoutMs",
      "MAESTRO_BRIDGE_AUTH_TIMEOUT_MS", 5_000L, 100, 600_000L, "An event-bus socket that has not authenticated within "
      + "this time is closed.");
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
  public static final ConfigKey START_BUDGET = ConfigKey.longValue("jobs.startBudgetMs", "MAESTRO_JOBS_START_BUDGET_MS",
      1_800_000L, 10, 604_800_000L, "A job still pending this long after it became due is reported as queued_too_long "
      + "(no worker is taking work) and /ready turns DOWN.");
  public static final ConfigKey HEALER_INTERVAL = ConfigKey.longValue("healer.intervalMs", "MAESTRO_HEALER_INTERVAL_MS",
      900_000L, 10, 86_400_000L, "How often the healer runs a cycle (rescue, stuck jobs, retries, permanent failures).");
  public static final ConfigKey HEALER_BACKOFF_BASE = ConfigKey.longValue("healer.backoffBaseMs",
      "MAESTRO_HEALER_BACKOFF_BASE_MS", 60_000L, 1, 86_400_000L, "Delay before the first automatic retry; doubles "
      + "with each further retry.");
  public static final ConfigKey HEALER_BACKOFF_MAX = ConfigKey.longValue("healer.backoffMaxMs",
      "MAESTRO_HEALER_BACKOFF_MAX_MS", 3_600_000L, 1, 604_800_000L, "Longest delay between automatic retries.");
  public static final ConfigKey HEALER_JITTER = ConfigKey.integer("healer.jitterPercent", "MAESTRO_HEALER_JITTER_PERCENT",
      20, 0, 100, "Random part of each retry delay, in percent (a delay of d waits between d*(1-j) and d).");

  public static final ConfigKey SHUTDOWN_GRACE = ConfigKey.longValue("jobs.shutdownGraceMs",
      "MAESTRO_JOBS_SHUTDOWN_GRACE_MS", 30_000L, 0, 3_600_000L,
      "On stop (SIGTERM): how long running jobs may finish; the rest are handed back to the queue at once.");
  public static final ConfigKey PREFETCH = ConfigKey.bool("jobs.prefetch", "MAESTRO_JOBS_PREFETCH", true,
      "Keep one claimed job waiting per worker, so a freed worker starts its next job without a claim round trip.");
  public static final ConfigKey CLUSTER_NAME = ConfigKey.string("cluster.name", "MAESTRO_CLUSTER_NAME", "maestro",
      "With -cluster: nodes with the same name (and a listed member) form one cluster.");
  public static final ConfigKey CLUSTER_MEMBERS = ConfigKey.string("cluster.members", "MAESTRO_CLUSTER_MEMBERS",
      "127.0.0.1", "With -cluster: comma-separated host[:port] list for Hazelcast TCP-IP join (multicast is off).");
  public static final ConfigKey CLUSTER_HOST = ConfigKey.string("cluster.host", "MAESTRO_CLUSTER_HOST", "127.0.0.1",
      "With -cluster: address this node binds and advertises for Hazelcast and the event bus.");
  public static final ConfigKey CLUSTER_PORT = ConfigKey.integer("cluster.port", "MAESTRO_CLUSTER_PORT", 5701, 1,
      65535, "With -cluster: Hazelcast port (the next free one is taken if busy).");
  public static final ConfigKey CLUSTER_EVENT_BUS_PORT = ConfigKey.integer("cluster.eventBusPort",
      "MAESTRO_CLUSTER_EVENT_BUS_PORT", 0, 0, 65535, "With -cluster: event-bus TCP port (0 picks a free one).");
  public static final ConfigKey CLUSTER_CONFIG = ConfigKey.string("cluster.config", "MAESTRO_CLUSTER_CONFIG",
      "conf/cluster.xml", "With -cluster: Hazelcast XML the settings above are applied on (bundled copy if absent).");

  public static final ConfigKey TEXT_MODEL = ConfigKey.string("textModel.provider", "MAESTRO_TEXT_MODEL", "auto",
      "Text model for proposals and the examiner: auto (DeepSeek when DEEPSEEK_API_KEY is set, else offline), deepseek, "
      + "openai (any OpenAI-compatible chat-completions endpoint: OpenAI, Ollama, llama.cpp, vLLM) or offline.");
  public static final ConfigKey TEXT_MODEL_SEED = ConfigKey.longValue("textModel.seed", "MAESTRO_TEXT_MODEL_SEED", 42L,
      0, Long.MAX_VALUE, "Seed of the offline text model: the same seed and inputs give the same texts.");
  public static final ConfigKey DEEPSEEK_API_KEY = ConfigKey.secret("deepseek.apiKey", "DEEPSEEK_API_KEY",
      "DeepSeek API key. Required when textModel.provider is deepseek.");
  public static final ConfigKey DEEPSEEK_BASE_URL = ConfigKey.string("deepseek.baseUrl", "DEEPSEEK_BASE_URL",
      "https://api.deepseek.com", "DeepSeek API base URL (POST {baseUrl}/chat/completions).");
  public static final ConfigKey DEEPSEEK_MODEL = ConfigKey.string("deepseek.model", "DEEPSEEK_MODEL", "deepseek-chat",
      "DeepSeek model name.");
  public static final ConfigKey DEEPSEEK_TIMEOUT = ConfigKey.longValue("deepseek.timeoutMs", "MAESTRO_DEEPSEEK_TIMEOUT_MS",
      90_000L, 100, 600_000L, "Longest one DeepSeek call may take (connect to last byte) before it fails as api_error.");
  public static final ConfigKey DEEPSEEK_RATE_LIMIT_WAITS = ConfigKey.integer("deepseek.maxRateLimitWaits",
      "MAESTRO_DEEPSEEK_MAX_RATE_LIMIT_WAITS", 3, 0, 20,
      "How often a 429 from DeepSeek is waited out (Retry-After, at most 60 s each) before the call fails as api_rate_limited.");
  public static final ConfigKey OPENAI_BASE_URL = ConfigKey.string("openai.baseUrl", "OPENAI_BASE_URL",
      "https://api.openai.com/v1", "Base URL of an OpenAI-compatible API (POST {baseUrl}/chat/completions), e.g. "
      + "http://127.0.0.1:11434/v1 for Ollama. Used when textModel.provider is openai.");
  public static final ConfigKey OPENAI_API_KEY = ConfigKey.secret("openai.apiKey", "OPENAI_API_KEY",
      "API key of the OpenAI-compatible endpoint; empty sends no Authorization header (local servers).");
  public static final ConfigKey OPENAI_MODEL = ConfigKey.string("openai.model", "OPENAI_MODEL", "gpt-4o-mini",
      "Model name at the OpenAI-compatible endpoint (e.g. llama3.1 on Ollama).");
  public static final ConfigKey OPENAI_TIMEOUT = ConfigKey.longValue("openai.timeoutMs", "MAESTRO_OPENAI_TIMEOUT_MS",
      120_000L, 100, 600_000L, "Longest one call to the OpenAI-compatible endpoint may take before it fails as api_error.");
  public static final ConfigKey OPENAI_RATE_LIMIT_WAITS = ConfigKey.integer("openai.maxRateLimitWaits",
      "MAESTRO_OPENAI_MAX_RATE_LIMIT_WAITS", 3, 0, 20,
      "How often a 429 from the OpenAI-compatible endpoint is waited out before the call fails as api_rate_limited.");
  public static final ConfigKey EXAMINER_ON_FAILURE = ConfigKey.string("examiner.onScoringFailure",
      "MAESTRO_EXAMINER_ON_SCORING_FAILURE", "reject",
      "What the examiner does when scoring itself fails: reject or accept. Either way the proposal records why.");
  public static final ConfigKey BURST_DAILY_ENABLED = ConfigKey.bool("burst.dailyEnabled", "MAESTRO_BURST_DAILY_ENABLED",
      true, "Whether this node runs the daily burst timer.");
  public static final ConfigKey SCHEDULE_AUTO_BOOK = ConfigKey.bool("schedule.autoBook", "MAESTRO_SCHEDULE_AUTO_BOOK",
      true, "Whether this node books completed brand outputs into their brands' next free publishing slots.");
  public static final ConfigKey BURST_DAILY_TIME = ConfigKey.string("burst.dailyTime", "MAESTRO_BURST_DAILY_TIME", "12:00",
      "Local time (HH:mm, in burst.timeZone) of the daily burst.");
  public static final ConfigKey BURST_TIME_ZONE = ConfigKey.string("burst.timeZone", "MAESTRO_BURST_TIME_ZONE",
      "Europe/Lisbon", "Time zone of burst.dailyTime and of the daily burst's date.");
  public static final ConfigKey BURST_REELS_PER_BRAND = ConfigKey.integer("burst.reelsPerBrand",
      "MAESTRO_BURST_REELS_PER_BRAND", 6, 0, 50, "Reels per brand in a full (daily) burst.");
  public static final ConfigKey BURST_POSTS_PER_BRAND = ConfigKey.integer("burst.postsPerBrand",
      "MAESTRO_BURST_POSTS_PER_BRAND", 2, 0, 50, "Posts per brand in a full (daily) burst.");
  public static final ConfigKey BURST_CHECK_INTERVAL = ConfigKey.longValue("burst.checkIntervalMs",
      "MAESTRO_BURST_CHECK_INTERVAL_MS", 30_000L, 50, 3_600_000L, "How often the daily burst timer checks whether it is due.");
  public static final ConfigKey BURST_LOCK_TTL = ConfigKey.longValue("burst.lockTtlMs", "MAESTRO_BURST_LOCK_TTL_MS",
      120_000L, 1_000, 86_400_000L,
      "A running burst renews its per-user lock; a lock not renewed for this long (crashed node) is taken over.");

  public static final ConfigKey FFMPEG_PATH = ConfigKey.string("media.ffmpegPath", "MAESTRO_FFMPEG_PATH", "",
      "Optional external ffmpeg executable for reels. Empty = FFmpeg's libraries in-process (nothing to install).");
  public static final ConfigKey MUSIC_PATH = ConfigKey.string("media.musicPath", "MAESTRO_MUSIC_PATH", "",
      "Audio file laid under every reel (any format FFmpeg reads; looped, faded). "
          + "Empty = a quiet generated ambient bed.");
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

  public static final ConfigKey LIMITS_PER_MINUTE = ConfigKey.integer("limits.requestsPerMinute",
      "MAESTRO_LIMITS_REQUESTS_PER_MINUTE", 120, 1, 1_000_000, "Per-user refill rate of POST /jobs/create and of "
      + "POST /api/maestro/trigger-burst (each its own token bucket, held per node); past it: 429 with Retry-After.");
  public static final ConfigKey LIMITS_BURST = ConfigKey.integer("limits.requestBurst", "MAESTRO_LIMITS_REQUEST_BURST",
      60, 1, 1_000_000, "Requests a user may make at once on each rate-limited route before the per-minute rate applies.");
  public static final ConfigKey LIMITS_MAX_BURST_SIZE = ConfigKey.integer("limits.maxBurstSize",
      "MAESTRO_LIMITS_MAX_BURST_SIZE", 100, 1, 10_000, "Largest posts + reels one trigger-burst request may ask for (422).");
  public static final ConfigKey LIMITS_MAX_QUEUED = ConfigKey.integer("limits.maxQueuedJobs",
      "MAESTRO_LIMITS_MAX_QUEUED_JOBS", 1000, 1, 1_000_000, "Most pending + generating jobs one user may have; "
      + "creating or re-queueing a job past it (create, regenerate, accept a proposal, retry, the healer's retries) is "
      + "refused with queue_full (HTTP 429) and writes nothing; the healer leaves such a job failed for a later cycle.");
  public static final ConfigKey METRICS_TOKEN = ConfigKey.secret("metrics.token", "MAESTRO_METRICS_TOKEN",
      "Bearer token GET /metrics requires. Empty = /metrics is open: keep it off the public internet.");
  public static final ConfigKey METRICS_REFRESH = ConfigKey.longValue("metrics.refreshMs", "MAESTRO_METRICS_REFRESH_MS",
      5_000L, 100, 3_600_000L, "How often the job, queue and deAPI budget gauges are re-read from the database.");

  public static final List<ConfigKey> ALL = java.util.stream.Stream.concat(java.util.stream.Stream.of(HTTP_HOST, HTTP_PORT, HTTP_BODY_LIMIT, HTTP_ALLOWED_ORIGINS,
      HTTP_ALLOWED_HOSTS, BRIDGE_AUTH_TIMEOUT, JWT_SECRET, LOCAL_USER,
      DB_URL, DB_POOL_SIZE, DB_CONNECT_TIMEOUT, DATA_DIR, EMBEDDED_PORT, NODE_ID, WORKER_INSTANCES, POLL_INTERVAL,
      LEASE, JOB_DEADLINE, MAX_RETRIES, MAX_ATTEMPTS, SHUTDOWN_GRACE, PREFETCH, CLUSTER_NAME, CLUSTER_MEMBERS, CLUSTER_HOST, CLUSTER_PORT,
      CLUSTER_EVENT_BUS_PORT, CLUSTER_CONFIG,
      START_BUDGET, HEALER_INTERVAL, HEALER_BACKOFF_BASE, HEALER_BACKOFF_MAX, HEALER_JITTER,
      TEXT_MODEL, TEXT_MODEL_SEED, DEEPSEEK_API_KEY, DEEPSEEK_BASE_URL, DEEPSEEK_MODEL, DEEPSEEK_TIMEOUT,
      DEEPSEEK_RATE_LIMIT_WAITS, OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL, OPENAI_TIMEOUT, OPENAI_RATE_LIMIT_WAITS,
      EXAMINER_ON_FAILURE, BURST_DAILY_ENABLED, SCHEDULE_AUTO_BOOK, BURST_DAILY_TIME, BURST_TIME_ZONE,
      BURST_REELS_PER_BRAND, BURST_POSTS_PER_BRAND, BURST_CHECK_INTERVAL, BURST_LOCK_TTL,
      FFMPEG_PATH, MUSIC_PATH, DEAPI_API_KEY, DEAPI_BASE_URL, DEAPI_MODEL, DEAPI_POLL_INTERVAL, DEAPI_DEADLINE,
      DEAPI_PER_MINUTE, DEAPI_PER_DAY, STORAGE_PROVIDER, STORAGE_LOCAL_DIR, STORAGE_PUBLIC_BASE_URL, SUPABASE_URL,
      SUPABASE_SERVICE_KEY, SUPABASE_BUCKET, LIMITS_PER_MINUTE, LIMITS_BURST, LIMITS_MAX_BURST_SIZE, LIMITS_MAX_QUEUED,
      METRICS_TOKEN, METRICS_REFRESH), PublishConfig.KEYS.stream()).toList();

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
    validateContentKeys();
    validateMediaKeys();
  }

  private void httpUrl(ConfigKey key) {
    try {
      URI uri = URI.create(string(key));
      if (uri.getHost() == null || !List.of("http", "https").contains(uri.getScheme())) {
        throw key.invalid("expected an http(s):// URL", string(key));
      }
    } catch (IllegalArgumentException e) {
      throw key.invalid("expected an http(s):// URL", string(key));
    }
  }

  private void validateContentKeys() {
    String provider = string(TEXT_MODEL);
    if (!List.of("auto", "deepseek", "openai", "offline").contains(provider)) {
      throw TEXT_MODEL.invalid("expected auto, deepseek, openai or offline", provider);
    }
    if (provider.equals("deepseek") && string(DEEPSEEK_API_KEY).isBlank()) {
      throw DEEPSEEK_API_KEY.invalid("is required when textModel.provider (MAESTRO_TEXT_MODEL) is deepseek", "");
    }
    httpUrl(DEEPSEEK_BASE_URL);
    httpUrl(OPENAI_BASE_URL);
    if (string(DEEPSEEK_MODEL).isBlank()) {
      throw DEEPSEEK_MODEL.invalid("expected a model name", "");
    }
    if (provider.equals("openai") && string(OPENAI_MODEL).isBlank()) {
      throw OPENAI_MODEL.invalid("expected a model name", "");
    }
    if (!List.of("reject", "accept").contains(string(EXAMINER_ON_FAILURE))) {
      throw EXAMINER_ON_FAILURE.invalid("expected reject or accept", string(EXAMINER_ON_FAILURE));
    }
    try {
      java.time.LocalTime.parse(string(BURST_DAILY_TIME), java.time.format.DateTimeFormatter.ofPattern("HH:mm"));
    } catch (java.time.format.DateTimeParseException e) {
      throw BURST_DAILY_TIME.invalid("expected a local time HH:mm", string(BURST_DAILY_TIME));
    }
    try {
      java.time.ZoneId.of(string(BURST_TIME_ZONE));
    } catch (java.time.DateTimeException e) {
      throw BURST_TIME_ZONE.invalid("expected a time-zone id such as Europe/Lisbon", string(BURST_TIME_ZONE));
    }
  }

  private void validateMediaKeys() {
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
