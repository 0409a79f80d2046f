-- The live view keeps, per saved question, whether it has an answer and its last save (so a batch
-- of saves is one upsert each, and a session's last save is the latest of them). Its rows are
-- rebuilt from the log: the projection's position is removed, so it replays every event. Stop the
-- replicas of the previous version first: they would write the old shape meanwhile.
TRUNCATE live_session_answer, live_session;
ALTER TABLE live_session DROP COLUMN IF EXISTS last_save_at;
ALTER TABLE live_session_answer ADD COLUMN IF NOT EXISTS answered BOOLEAN NOT NULL;
ALTER TABLE live_session_answer ADD COLUMN IF NOT EXISTS saved_at TIMESTAMPTZ NOT NULL;
DELETE FROM token_entry WHERE processor_name = 'proctor-live-view';
