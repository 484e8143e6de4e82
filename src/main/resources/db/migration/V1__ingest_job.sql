-- One row per ingest job; steps hold the per-step timings shown by GET /api/jobs/{job_id}.
CREATE TABLE ingest_job (
    job_id      uuid PRIMARY KEY,
    resource_id text        NOT NULL,
    status      text        NOT NULL,
    step        text,
    error       text,
    row_count   bigint,
    attempts    integer     NOT NULL DEFAULT 0,
    ignore_hash boolean     NOT NULL DEFAULT false,
    hash        text,
    steps       jsonb       NOT NULL DEFAULT '{"items": []}',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    finished_at timestamptz,
    version     integer     NOT NULL DEFAULT 0,
    CONSTRAINT ingest_job_status_known CHECK (status IN
        ('queued', 'running', 'complete', 'skipped', 'metadata_pending', 'failed', 'superseded'))
);

CREATE INDEX ingest_job_by_resource ON ingest_job (resource_id, created_at DESC);
CREATE INDEX ingest_job_by_status ON ingest_job (status, created_at DESC);
