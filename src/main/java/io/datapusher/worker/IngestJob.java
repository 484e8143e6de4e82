package io.datapusher.worker;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.CurrentTimestamp;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.SourceType;
import org.hibernate.generator.EventType;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * One ingest of one resource: what was asked, where it got to, and how it ended. The row is written
 * after every step transition so that the REST API and an operator always see the truth.
 */
@Entity
@Table(name = "ingest_job")
public class IngestJob extends PanacheEntityBase {

    @Id
    @Column(name = "job_id")
    public UUID jobId;

    @Column(name = "resource_id", nullable = false)
    public String resourceId;

    @Column(nullable = false)
    public JobStatus status;

    /** The step running now, or the last one reached once the job has ended. */
    public StepId step;

    public String error;

    @Column(name = "row_count")
    public Long rows;

    /** Counts update-metadata attempts. */
    public int attempts;

    @Column(name = "ignore_hash")
    public boolean ignoreHash;

    /** What the job does: load (the default), restore or preview. */
    @Column(nullable = false)
    public JobKind kind = JobKind.LOAD;

    /** Lets this one load past INGEST_DRIFT_POLICY. */
    @Column(name = "accept_drift")
    public boolean acceptDrift;

    /** For a restore: the job id of the kept version to bring back; null for the newest. */
    @Column(name = "restore_version")
    public String restoreVersion;

    /** How the table this job built differs from the live one, null before it is known. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> drift;

    /** For a preview: what the dry run found. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> preview;

    /**
     * The per-resource settings the job used, by resource field name, each {@code {"value", "source"}}
     * (resource, environment, detected); null before fetch-resource has read them.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> settings;

    /**
     * While the job runs: {@code {"phase", "rows_done", "rows_total", "bytes_done", "bytes_total",
     * "eta_seconds"}}, written at most every 2 s; null before the download starts. Its own writer
     * sets it with an update of its own ({@code IngestJobService.recordProgress}), never by a flush
     * of the entity: a step's update must not put back a value it read seconds earlier.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(updatable = false)
    public Map<String, Object> progress;

    /**
     * A long load's milestones for the upload log, {@code {"milestones": [{"at", "rows_done",
     * "rows_total"}, ...]}} (an object, as Hibernate Reactive maps jsonb to objects only); null for
     * a short load. Written with {@link #progress}, and like it never by a flush.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "progress_log", updatable = false)
    public Map<String, Object> progressLog;

    /** {@code "full": true} on POST /api/jobs: no incremental load, whatever the file. */
    @Column(name = "full_reload")
    public boolean fullReload;

    /** How the load put the file in: full, append or keyed; null before the load committed. */
    @Column(name = "load_path")
    public String load;

    /** Why the load was full, when an incremental load was not possible. */
    @Column(name = "load_reason")
    public String loadReason;

    @Column(name = "rows_inserted")
    public Long rowsInserted;

    @Column(name = "rows_updated")
    public Long rowsUpdated;

    @Column(name = "rows_deleted")
    public Long rowsDeleted;

    /** md5 of the file this job downloaded. */
    public String hash;

    @JdbcTypeCode(SqlTypes.JSON)
    public JobSteps steps = new JobSteps();

    /**
     * Stamped by the jobs database when the row is inserted, never by a replica's clock: which of two
     * jobs of a resource is newer (a load superseded, a callback skipped) must not depend on which
     * replica created them.
     */
    @Column(name = "created_at", nullable = false)
    @CurrentTimestamp(event = EventType.INSERT, source = SourceType.DB)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    /** When this job's load committed: past the pivot, only update-metadata may run again. */
    @Column(name = "loaded_at")
    public OffsetDateTime loadedAt;

    /** When the job's swap committed: readers saw its data from then on. */
    @Column(name = "live_at")
    public OffsetDateTime liveAt;

    /** The replica running the job, while it runs. */
    @Column(name = "worker_id")
    public String workerId;

    @Column(name = "heartbeat_at")
    public OffsetDateTime heartbeatAt;

    /** SHA-256 of the job_key given to CKAN through POST /job; the key itself is never stored. */
    @Column(name = "job_key_hash")
    public String jobKeyHash;

    /** CKAN's datapusher_hook URL, for jobs submitted through POST /job; null otherwise. */
    @Column(name = "result_url")
    public String resultUrl;

    /** The metadata object of the POST /job request, as JSON, echoed back in the callback. */
    @Column(name = "callback_metadata")
    public String callbackMetadata;

    /** Where the DataPusher callback stands; null for jobs that did not come through POST /job. */
    @Column(name = "callback_state")
    public CallbackState callback;

    @Column(name = "callback_attempts")
    public int callbackAttempts;

    /** A first load whose default views are still to be created in CKAN. */
    @Column(name = "views_due")
    public boolean viewsDue;

    @Version
    public int version;

    /** Whether CKAN's own datapusher plugin submitted this job (POST /job) and awaits its callback. */
    public boolean submittedByDatapusherPlugin() {
        return resultUrl != null;
    }

    public static IngestJob queued(UUID jobId, String resourceId, boolean ignoreHash, OffsetDateTime now) {
        IngestJob job = new IngestJob();
        job.jobId = jobId;
        job.resourceId = resourceId;
        job.ignoreHash = ignoreHash;
        job.status = JobStatus.QUEUED;
        job.createdAt = now;
        job.updatedAt = now;
        return job;
    }
}
