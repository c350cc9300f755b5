-- Content creation: counters that keep /api/maestro/status cheap, and indexes for the proposal reads.

-- Proposal counts per (user, agent, status), kept exact by a trigger, so the status endpoint (polled every 5 s)
-- reads a handful of rows instead of counting every proposal ever made.
CREATE TABLE proposal_stats (
  user_id    text   NOT NULL,
  agent_name text   NOT NULL,
  status     text   NOT NULL,
  count      bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, agent_name, status)
);

INSERT INTO proposal_stats (user_id, agent_name, status, count)
  SELECT user_id, agent_name, status, count(*) FROM proposals GROUP BY user_id, agent_name, status;

CREATE FUNCTION maestro_proposal_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE proposal_stats SET count = count - 1
     WHERE user_id = OLD.user_id AND agent_name = OLD.agent_name AND status = OLD.status;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO proposal_stats (user_id, agent_name, status, count) VALUES (NEW.user_id, NEW.agent_name, NEW.status, 1)
    ON CONFLICT (user_id, agent_name, status) DO UPDATE SET count = proposal_stats.count + 1;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER proposals_keep_stats AFTER INSERT OR DELETE OR UPDATE OF status, agent_name, user_id ON proposals
  FOR EACH ROW EXECUTE FUNCTION maestro_proposal_stats();

-- Recent titles of a brand (duplicate check, "avoid repeats" prompt) and the filtered proposal lists.
CREATE INDEX proposals_user_brand_created ON proposals (user_id, brand, created_at DESC);
CREATE INDEX proposals_user_status_created ON proposals (user_id, status, created_at DESC);
