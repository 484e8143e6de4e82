package io.datapusher.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One step of a job as the REST API shows it. Mutable because it is stored as JSON in the job row
 * and updated in place when the step ends.
 */
public class StepRecord {

    /** How a step stands, spelt as in the API. */
    public enum Outcome {
        RUNNING,
        SUCCEEDED,
        FAILED;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public StepId step;
    public Outcome status;
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

    public StepRecord(StepId step, Outcome status, OffsetDateTime startedAt) {
        this.step = step;
        this.status = status;
        this.startedAt = startedAt;
    }
}
