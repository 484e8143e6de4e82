-- loaded_at: the job's load committed (the pivot), so a redelivery resumes at update-metadata.
-- worker_id and heartbeat_at: which replica runs the job and when it last said so, so that a job
-- whose worker died goes back to queued instead of staying running forever.
ALTER TABLE ingest_job
    ADD COLUMN loaded_at    timestamptz,
    ADD COLUMN worker_id    text,
    ADD COLUMN heartbeat_at timestamptz;

CREATE INDEX ingest_job_running_heartbeat ON ingest_job (heartbeat_at) WHERE status = 'running';
