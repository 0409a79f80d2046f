-- The sites (centres, rooms) a proctor's account watches (space-separated ids); empty: every site
-- of its exams. A proctor bound to sites sees and acts on the candidates enrolled there only.
ALTER TABLE auth_service_account ADD COLUMN sites TEXT NOT NULL DEFAULT '';
