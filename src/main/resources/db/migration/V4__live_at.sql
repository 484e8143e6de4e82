-- live_at: when the job's swap committed and readers began to see its data; with finished_at it
-- gives both figures of a load, time to live and time to CKAN-complete.
ALTER TABLE ingest_job ADD COLUMN live_at timestamptz;
