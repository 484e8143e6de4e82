package io.datapusher.worker.saga.step;

import io.datapusher.worker.StepId;
import io.smallrye.mutiny.Uni;

/**
 * One named step of the ingest saga. A step reads what earlier steps put in the context, sets its
 * own output there, and says how it went ({@link StepOutcome}); or it fails with a
 * {@link StepFailure} that says how the job ends.
 */
public interface IngestStep {

    StepId id();

    Uni<StepOutcome> execute(IngestContext context);
}
