-- Where a running job stands: {"phase", "rows_done", "rows_total", "bytes_done", "bytes_total",
-- "eta_seconds"}, written at most every 2 s while it runs.
ALTER TABLE ingest_job ADD COLUMN progress jsonb;
