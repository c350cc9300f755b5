-- Publishing (issue 18): due schedule items are claimed under a lease, published to each of their platforms, and
-- the outcome is kept per platform, so a retry re-sends only the platforms that failed.

ALTER TABLE schedule DROP CONSTRAINT schedule_status_check;
ALTER TABLE schedule ADD CONSTRAINT schedule_status_check CHECK (status IN
  ('scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled'));

ALTER TABLE schedule
  -- platforms this item goes to, fixed at its first claim (the job's platforms, else the brand's connected ones)
  ADD COLUMN platforms        jsonb       NOT NULL DEFAULT '[]',
  -- set when the item was published by the dry-run publisher (outbox line, no platform was called)
  ADD COLUMN dry_run          boolean     NOT NULL DEFAULT false,
  -- when set, the item is due at this time instead of its slot: "publish now", a retry's backoff, a limit's reset
  ADD COLUMN release_at       timestamptz,
  ADD COLUMN lease_owner      text,
  ADD COLUMN lease_expires_at timestamptz,
  -- claims of this item (rescues and rate-limit waits included): capped so nothing loops forever
  ADD COLUMN publish_attempts integer     NOT NULL DEFAULT 0,
  -- automatic retries spent on 5xx/timeouts (rate limits and quotas do not spend them)
  ADD COLUMN retry_count      integer     NOT NULL DEFAULT 0,
  ADD COLUMN published_at     timestamptz,
  ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN error_code       integer,
  ADD COLUMN error_category   text,
  ADD COLUMN error_message    text,
  ADD CONSTRAINT publishing_item_has_lease CHECK (
    status <> 'publishing' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)),
  ADD CONSTRAINT failed_item_has_error CHECK (
    status NOT IN ('failed', 'partially_published') OR (error_code IS NOT NULL AND error_category IS NOT NULL
      AND error_message IS NOT NULL AND btrim(error_message) <> ''));

-- the publisher's claim and its "when is the next item due" question
CREATE INDEX schedule_due ON schedule ((coalesce(release_at, slot_at)), id) WHERE status = 'scheduled';
-- the healer's rescue of items whose publisher went away
CREATE INDEX schedule_publishing_leases ON schedule (lease_expires_at) WHERE status = 'publishing';

-- One row per (item, platform): what happened on that platform. A published row is never sent again; a manual
-- retry turns failed rows into queued ones (keeping their last error) so the next claim sends them.
CREATE TABLE publish_results (
  schedule_id    bigint      NOT NULL REFERENCES schedule (id) ON DELETE CASCADE,
  user_id        text        NOT NULL,
  platform       text        NOT NULL CHECK (platform IN ('instagram', 'facebook', 'youtube')),
  status         text        NOT NULL CHECK (status IN ('published', 'failed', 'queued')),
  dry_run        boolean     NOT NULL DEFAULT false,
  post_id        text,
  permalink      text,
  error_code     integer,
  error_category text,
  error_message  text,
  reset_at       timestamptz,
  attempts       integer     NOT NULL DEFAULT 1,
  published_at   timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schedule_id, platform),
  CONSTRAINT failed_result_has_error CHECK (
    status <> 'failed' OR (error_code IS NOT NULL AND error_category IS NOT NULL AND btrim(error_message) <> ''))
);

-- Platform credentials of a brand, sealed with AES-GCM (publish.credentialsKey); the nonce is the first 12 bytes of
-- `sealed` and (user_id, brand) is the associated data, so a row copied to another brand does not open. `summary`
-- holds only what may be shown: ids and the last four characters of each token.
CREATE TABLE publish_credentials (
  user_id    text        NOT NULL,
  brand      text        NOT NULL,
  sealed     bytea       NOT NULL,
  summary    jsonb       NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, brand)
);
