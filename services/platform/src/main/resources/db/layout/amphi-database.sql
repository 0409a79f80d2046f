-- Amphi's database layout (DATABASE.md): one schema per service and one for the event store they
-- share, each owned by its own role. Run once per database by a superuser (or a role that may
-- create roles and is a member of each amphi_* role), before any service migrates; running it
-- again changes nothing. Passwords are
-- not set here: give each login role its own (ALTER ROLE ... PASSWORD) where the server needs
-- them. The roles can neither create databases nor roles, and none is a superuser.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['amphi_event_store', 'amphi_delivery', 'amphi_scoring', 'amphi_auth',
                                     'amphi_auditor'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', role_name);
        END IF;
    END LOOP;
END
$$;

CREATE SCHEMA IF NOT EXISTS event_store AUTHORIZATION amphi_event_store;
CREATE SCHEMA IF NOT EXISTS delivery AUTHORIZATION amphi_delivery;
CREATE SCHEMA IF NOT EXISTS scoring AUTHORIZATION amphi_scoring;
CREATE SCHEMA IF NOT EXISTS auth AUTHORIZATION amphi_auth;

-- Nobody keeps tables where every role could read them (PostgreSQL before 15 let anyone create
-- in public).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
