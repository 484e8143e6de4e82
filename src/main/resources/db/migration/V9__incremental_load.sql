-- How a job put its file into the DataStore: load is 'full', 'append' or 'keyed', with the rows it
-- inserted, updated and deleted and, for a full reload, why no incremental load was possible.
-- full_reload: "full": true on POST /api/jobs, which forces a full reload.
ALTER TABLE ingest_job ADD COLUMN load_path text;
ALTER TABLE ingest_job ADD COLUMN load_reason text;
ALTER TABLE ingest_job ADD COLUMN rows_inserted bigint;
ALTER TABLE ingest_job ADD COLUMN rows_updated bigint;
ALTER TABLE ingest_job ADD COLUMN rows_deleted bigint;
ALTER TABLE ingest_job ADD COLUMN full_reload boolean NOT NULL DEFAULT false;
