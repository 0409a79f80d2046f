-- The exams a service account works on (space-separated ids); empty: every exam (e.g. a
-- national auditor). A university's account is bound to the exams it runs.
ALTER TABLE auth_service_account ADD COLUMN exams TEXT NOT NULL DEFAULT '';
