package io.datapusher.worker;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a job as the REST API shows it. Mutable because it is stored as JSON in the job row
 * and updated in place when the step ends.
 */
public class StepRecord {

    public String step;
    public String status;
    @JsonProperty("started_at")
    public OffsetDateTime startedAt;
    @JsonProperty("finished_at")
    public OffsetDateTime finishedAt;
    @JsonProperty("duration_ms")
    public Long durationMs;
    public String detail;
    /** What did not stop the step but a curator should know, one sentence each. */
    public List<String> warnings = new ArrayList<>();

    public StepRecord() {
    }

    public StepRecord(String step, String status, OffsetDateTime startedAt) {
        this.step = step;
        this.status = status;
        this.startedAt = startedAt;
    }
}
