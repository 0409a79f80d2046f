-- Who may touch the event store, and how (DATABASE.md): an event, once stored, is never changed
-- or deleted by anyone. Delivery appends (its aggregates' events) and reads; scoring appends its
-- own aggregates' events (answer keys, publications) and reads; the auditor only reads.
GRANT USAGE ON SCHEMA event_store TO amphi_delivery, amphi_scoring, amphi_auditor;
GRANT SELECT, INSERT ON domain_event_entry TO amphi_delivery, amphi_scoring;
GRANT USAGE ON SEQUENCE domain_event_entry_global_index_seq TO amphi_delivery, amphi_scoring;
GRANT SELECT ON domain_event_entry TO amphi_auditor;
