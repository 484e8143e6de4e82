package io.datapusher.worker.saga;

import io.datapusher.worker.StepId;
import io.smallrye.mutiny.Uni;

/**
 * One named step of the ingest saga. A step either returns the context with what it added (and a
 * {@code detail} for the job record), or fails with a {@link StepFailure} saying how the job ends.
 */
public interface IngestStep {

    StepId id();

    Uni<IngestContext> execute(IngestContext context);
}
