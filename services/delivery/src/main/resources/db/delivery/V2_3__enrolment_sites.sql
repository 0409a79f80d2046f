-- Where each candidate sits the exam (a centre or a room), so proctors can act on one site.
ALTER TABLE exam_enrolment ADD COLUMN site VARCHAR(64);
CREATE INDEX exam_enrolment_site ON exam_enrolment (exam_id, site);
