-- The upload log's "Loaded N of M rows" lines of a long load, {"milestones": [{"at", "rows_done", "rows_total"}]},
-- kept after the job ends, as CKAN's DataStore tab builds the log from the job row.
ALTER TABLE ingest_job ADD COLUMN progress_log jsonb;
