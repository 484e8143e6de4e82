-- settings: the per-resource settings a job used (datapusher_* resource fields, INGEST_* defaults,
-- what the analysis detected), each as {"value", "source"}, so a curator can see why a file loaded
-- as it did.
ALTER TABLE ingest_job ADD COLUMN settings jsonb;
