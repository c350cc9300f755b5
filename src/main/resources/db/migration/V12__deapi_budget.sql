-- The deAPI client-side budget, counted in PostgreSQL so that every node of a cluster draws from one budget and a
-- restarted node still knows what today has used (it used to live only in Vert.x shared data).
CREATE TABLE deapi_budget (
  day         date    PRIMARY KEY,           -- UTC day
  used        integer NOT NULL,              -- submissions counted that day
  minute      bigint  NOT NULL,              -- epoch minute that minute_used counts
  minute_used integer NOT NULL
);

-- What deAPI itself said: after a daily 429 (or X-RateLimit-Daily-Remaining: 0) nothing is sent until the reset time
-- it gave (Retry-After), or the next UTC midnight when it gave none. One row at most.
CREATE TABLE deapi_block (
  only_row      boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
  blocked_until timestamptz NOT NULL,
  reason        text        NOT NULL
);
