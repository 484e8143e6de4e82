-- What a job does (load, restore, preview) and what it was asked to allow, kept on the row rather
-- than in the queue message, so that a redelivered or resumed job runs as it was asked.
ALTER TABLE ingest_job ADD COLUMN kind text NOT NULL DEFAULT 'load'
    CONSTRAINT ingest_job_kind_known CHECK (kind IN ('load', 'restore', 'preview'));
-- accept_drift: POST /api/jobs {"accept_drift": true} lets this one load past INGEST_DRIFT_POLICY.
ALTER TABLE ingest_job ADD COLUMN accept_drift boolean NOT NULL DEFAULT false;
-- restore_version: for a restore, the job id of the kept version to bring back (null: the newest).
ALTER TABLE ingest_job ADD COLUMN restore_version text;
-- drift: how the table a job built differs from the live one it replaced or would have replaced.
ALTER TABLE ingest_job ADD COLUMN drift jsonb;
-- preview: what a dry run found (columns, types and why, warnings, first rows, drift).
ALTER TABLE ingest_job ADD COLUMN preview jsonb;
