-- The live view keeps, per saved question, whether it has an answer and its last save (so a batch
-- of saves is one upsert each, and a session's last save is the latest of them). Its rows are
-- rebuilt from the log: the projection's position is removed, so it replays every event.
DELETE FROM live_session_answer;
DELETE FROM live_session;
ALTER TABLE live_session DROP COLUMN last_save_at;
ALTER TABLE live_session_answer ADD COLUMN answered BOOLEAN NOT NULL;
ALTER TABLE live_session_answer ADD COLUMN saved_at TIMESTAMPTZ NOT NULL;
DELETE FROM token_entry WHERE processor_name = 'proctor-live-view';
