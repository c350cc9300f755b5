-- Maestro schema. Every row belongs to a user (the token's `sub`); every query is scoped by user_id.

CREATE TABLE brands (
  user_id          text        NOT NULL,
  brand_id         text        NOT NULL CHECK (brand_id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  display_name     text        NOT NULL,
  schedule_offset  integer     NOT NULL DEFAULT 0 CHECK (schedule_offset BETWEEN -23 AND 23),
  primary_color    text        NOT NULL DEFAULT '#1f6f5c',
  accent_color     text        NOT NULL DEFAULT '#f2c14e',
  topics           jsonb       NOT NULL DEFAULT '[]',
  active           boolean     NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, brand_id)
);

CREATE TABLE agents (
  user_id             text        NOT NULL,
  agent_id            text        NOT NULL CHECK (agent_id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  display_name        text        NOT NULL,
  personality         text        NOT NULL DEFAULT '',
  temperature         numeric(3,2) NOT NULL DEFAULT 0.8 CHECK (temperature BETWEEN 0 AND 2),
  variant             text        NOT NULL DEFAULT 'auto' CHECK (variant IN ('dark', 'light', 'auto')),
  proposal_prefix     text        NOT NULL CHECK (proposal_prefix ~ '^[A-Z][A-Z0-9]{0,9}$'),
  strategy_names      jsonb       NOT NULL DEFAULT '[]',
  strategy_weights    jsonb       NOT NULL DEFAULT '{}',
  risk_tolerance      text        NOT NULL DEFAULT 'medium' CHECK (risk_tolerance IN ('low', 'medium', 'high')),
  proposals_per_brand integer     NOT NULL DEFAULT 1 CHECK (proposals_per_brand BETWEEN 0 AND 50),
  content_types       jsonb       NOT NULL DEFAULT '["post","reel"]',
  active              boolean     NOT NULL DEFAULT true,
  is_builtin          boolean     NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, agent_id)
);

-- Per-prefix counters make proposal ids PREFIX-nnn without races (UPDATE ... RETURNING takes a row lock).
CREATE TABLE proposal_counters (
  user_id  text    NOT NULL,
  prefix   text    NOT NULL,
  last_num integer NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, prefix)
);

CREATE TABLE proposals (
  id                 bigserial   PRIMARY KEY,
  proposal_id        text        NOT NULL,
  user_id            text        NOT NULL,
  status             text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'accepted', 'rejected', 'expired')),
  agent_name         text        NOT NULL,
  content_type       text        NOT NULL CHECK (content_type IN ('post', 'reel')),
  brand              text        NOT NULL,
  variant            text        NOT NULL,
  strategy           text,
  reasoning          text,
  title              text        NOT NULL,
  content_lines      jsonb       NOT NULL DEFAULT '[]',
  slide_texts        jsonb       NOT NULL DEFAULT '[]',
  image_prompt       text,
  caption            text,
  topic_bucket       text,
  quality_score      numeric(4,2),
  reviewed_at        timestamptz,
  reviewer_notes     text,
  accepted_job_id    text,
  burst_id           text,
  replaces_proposal  text,
  examiner_score     numeric(4,2),
  examiner_verdict   text,
  examiner_reason    text,
  examiner_red_flags jsonb       NOT NULL DEFAULT '[]',
  examiner_scores    jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, proposal_id)
);
CREATE INDEX proposals_user_created ON proposals (user_id, created_at DESC);
CREATE INDEX proposals_user_brand_title ON proposals (user_id, brand, lower(title));

-- Starts at 6 digits (GEN-nnnnnn, as the old system's ids) and simply grows a digit past GEN-999999.
CREATE SEQUENCE job_number_seq START 100001;

CREATE TABLE jobs (
  id               bigserial   PRIMARY KEY,
  job_id           text        NOT NULL UNIQUE DEFAULT ('GEN-' || nextval('job_number_seq')::text),
  user_id          text        NOT NULL,
  status           text        NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'generating', 'completed', 'failed', 'cancelled')),
  title            text        NOT NULL CHECK (btrim(title) <> ''),
  content_lines    jsonb       NOT NULL DEFAULT '[]',
  variant          text        NOT NULL CHECK (variant IN ('post', 'light', 'dark')),
  ai_prompt        text,
  cta_type         text,
  brands           jsonb       NOT NULL CHECK (jsonb_typeof(brands) = 'array' AND jsonb_array_length(brands) > 0),
  platforms        jsonb       NOT NULL DEFAULT '[]',
  fixed_title      boolean     NOT NULL DEFAULT false,
  caption          text,
  slide_texts      jsonb       NOT NULL DEFAULT '[]',
  proposal_id      text,
  brand_outputs    jsonb       NOT NULL DEFAULT '{}',
  current_step     text,
  progress_percent integer     NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  completed_at     timestamptz,
  -- queue
  run_at           timestamptz NOT NULL DEFAULT now(),   -- due time (a retry's backoff moves it)
  queued_at        timestamptz NOT NULL DEFAULT now(),   -- when it last became pending (start budget is from max(run_at, queued_at))
  claimed_at       timestamptz,
  attempt          integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  retry_count      integer     NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
  max_retries      integer     NOT NULL DEFAULT 2 CHECK (max_retries >= 0),
  lease_owner      text,
  lease_expires_at timestamptz,
  -- last error (kept after a retry re-queues the job, as history)
  error_code       integer,
  error_category   text,
  error_message    text,
  error_stack      text,
  -- healer bookkeeping
  healing_state    text        NOT NULL DEFAULT 'none'
                   CHECK (healing_state IN ('none', 'retry_scheduled', 'waiting_reset', 'permanent')),
  -- The seed's first bug, made impossible: a failed job always says what went wrong.
  CONSTRAINT failed_job_has_error CHECK (
    status <> 'failed'
    OR (error_code IS NOT NULL AND error_category IS NOT NULL AND btrim(error_category) <> ''
        AND error_message IS NOT NULL AND btrim(error_message) <> '')),
  CONSTRAINT running_job_has_lease CHECK (
    status <> 'generating' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE status = 'pending';
CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE status = 'generating';
CREATE INDEX jobs_failed_recent ON jobs (updated_at) WHERE status = 'failed';
CREATE INDEX jobs_user_created ON jobs (user_id, created_at DESC, id DESC);

CREATE TABLE job_attempts (
  id          bigserial   PRIMARY KEY,
  job_pk      bigint      NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt     integer     NOT NULL,
  node        text        NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  outcome     text        NOT NULL DEFAULT 'running'
              CHECK (outcome IN ('running', 'completed', 'failed', 'lost', 'cancelled', 'released')),
  code        integer,
  category    text,
  message     text,
  stack       text,
  UNIQUE (job_pk, attempt),
  CONSTRAINT failed_attempt_has_error CHECK (
    outcome NOT IN ('failed', 'lost')
    OR (code IS NOT NULL AND category IS NOT NULL AND message IS NOT NULL AND btrim(message) <> ''))
);

CREATE TABLE schedule (
  id          bigserial   PRIMARY KEY,
  user_id     text        NOT NULL,
  brand       text        NOT NULL,
  content_type text       NOT NULL CHECK (content_type IN ('post', 'reel')),
  variant     text        NOT NULL,
  slot_at     timestamptz NOT NULL,
  job_id      text        NOT NULL,
  title       text,
  media_url   text,
  status      text        NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'published', 'cancelled')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, brand, slot_at)
);

CREATE TABLE activity_log (
  id      bigserial   PRIMARY KEY,
  user_id text        NOT NULL,
  time    timestamptz NOT NULL DEFAULT now(),
  agent   text        NOT NULL,
  action  text        NOT NULL,
  detail  text        NOT NULL DEFAULT '',
  emoji   text        NOT NULL DEFAULT '',
  level   text        NOT NULL DEFAULT 'info' CHECK (level IN ('debug', 'info', 'warning', 'error'))
);
CREATE INDEX activity_user_time ON activity_log (user_id, time DESC, id DESC);

CREATE TABLE healing_notifications (
  id            bigserial   PRIMARY KEY,
  user_id       text        NOT NULL,
  time          timestamptz NOT NULL DEFAULT now(),
  job_id        text        NOT NULL,
  brand         text,
  title         text,
  category      text        NOT NULL,
  reason        text        NOT NULL CHECK (btrim(reason) <> ''),
  error_snippet text,
  retry_count   integer     NOT NULL DEFAULT 0,
  action        text        NOT NULL
);
CREATE INDEX healing_user_time ON healing_notifications (user_id, time DESC);

-- Small persisted state: pause flags, last daily run, counters. One row per (user, key).
CREATE TABLE settings (
  user_id    text        NOT NULL,
  key        text        NOT NULL,
  value      jsonb       NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
