-- Slot booking in one statement, flat however long a brand's schedule grows (issue 17). For each brand and
-- variant the booking statement remembers the run of slots it found taken: every candidate slot of the variant
-- in (low, high] is booked, so the next booking starts its search at high instead of walking the whole backlog.
-- The UNIQUE (user_id, brand, slot_at) index stays the only arbiter between concurrent bookings; this row is
-- only a hint, and a hint that is too short costs a few index probes, never a wrong slot.
CREATE TABLE schedule_frontier (
  user_id text        NOT NULL,
  brand   text        NOT NULL,
  variant text        NOT NULL,
  low     timestamptz NOT NULL,
  high    timestamptz NOT NULL,
  PRIMARY KEY (user_id, brand, variant)
);

-- A slot freed by any writer (unschedule, reschedule, a future cleanup) must be found by the next booking, so
-- every frontier of the brand that covers it is cut back to just before it.
CREATE FUNCTION schedule_frontier_cut() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE schedule_frontier
     SET high = OLD.slot_at - interval '1 microsecond'
   WHERE user_id = OLD.user_id AND brand = OLD.brand AND low < OLD.slot_at AND high >= OLD.slot_at;
  RETURN NULL;
END $$;

CREATE TRIGGER schedule_frontier_cut AFTER DELETE OR UPDATE OF slot_at, user_id, brand ON schedule
  FOR EACH ROW EXECUTE FUNCTION schedule_frontier_cut();
