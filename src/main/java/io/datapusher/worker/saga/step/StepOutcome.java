package io.datapusher.worker.saga.step;

import io.datapusher.worker.JobStatus;

import java.util.List;
import java.util.Optional;

/**
 * How a step went, for the job's record and log: a line of detail, warnings that did not stop it,
 * and, when the step ends the job early (an unchanged file is skipped), how the job ends.
 */
public record StepOutcome(String detail, List<String> warnings, Optional<Ending> ending) {

    /** The job ends here, with this status and reason, and no later step runs. */
    public record Ending(JobStatus status, String reason) {
    }

    public StepOutcome {
        warnings = List.copyOf(warnings);
    }

    public static StepOutcome done(String detail) {
        return new StepOutcome(detail, List.of(), Optional.empty());
    }

    public static StepOutcome done(String detail, List<String> warnings) {
        return new StepOutcome(detail, warnings, Optional.empty());
    }

    public static StepOutcome endsJob(JobStatus status, String reason) {
        return new StepOutcome(reason, List.of(), Optional.of(new Ending(status, reason)));
    }
}
