-- Jobs that CKAN's own datapusher plugin submitted through POST /job, and what the worker still
-- owes CKAN once a job has ended.
--   job_key_hash:      SHA-256 (hex) of the job_key handed to CKAN; GET /job/{id} compares against
--                      it, so the key itself is never stored.
--   result_url:        CKAN's datapusher_hook URL; NULL for jobs that did not come through POST /job.
--   callback_metadata: the metadata object CKAN sent, echoed back unchanged in the callback.
--   callback_state:    NULL (no callback), pending, sent, skipped (a newer POST /job job of the same
--                      resource reports instead) or failed (CKAN refused it, or its retries were used up).
--   views_due:         a first load whose default views (resource_create_default_resource_views)
--                      are still to be created.
ALTER TABLE ingest_job
    ADD COLUMN job_key_hash      text,
    ADD COLUMN result_url        text,
    ADD COLUMN callback_metadata text,
    ADD COLUMN callback_state    text,
    ADD COLUMN callback_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN views_due         boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT ingest_job_callback_state_known CHECK (callback_state IS NULL OR callback_state IN
        ('pending', 'sent', 'skipped', 'failed'));

CREATE INDEX ingest_job_datapusher_by_resource ON ingest_job (resource_id, created_at DESC)
    WHERE result_url IS NOT NULL;
