package io.datapusher.worker;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
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
    public String status;

    public String step;

    public String error;

    @Column(name = "row_count")
    public Long rows;

    /** Counts update-metadata attempts. */
    public int attempts;

    @Column(name = "ignore_hash")
    public boolean ignoreHash;

    /** md5 of the file this job downloaded. */
    public String hash;

    @JdbcTypeCode(SqlTypes.JSON)
    public JobSteps steps = new JobSteps();

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    /** When this job's load committed: past the pivot, only update-metadata may run again. */
    @Column(name = "loaded_at")
    public OffsetDateTime loadedAt;

    /** The replica running the job, while it runs. */
    @Column(name = "worker_id")
    public String workerId;

    @Column(name = "heartbeat_at")
    public OffsetDateTime heartbeatAt;

    @Version
    public int version;

    public JobStatus jobStatus() {
        return JobStatus.fromId(status);
    }

    public static IngestJob queued(UUID jobId, String resourceId, boolean ignoreHash, OffsetDateTime now) {
        IngestJob job = new IngestJob();
        job.jobId = jobId;
        job.resourceId = resourceId;
        job.ignoreHash = ignoreHash;
        job.status = JobStatus.QUEUED.id();
        job.createdAt = now;
        job.updatedAt = now;
        return job;
    }
}
