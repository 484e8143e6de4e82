package io.datapusher.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * The step records of a job, stored as one JSON object: Hibernate Reactive maps jsonb columns to
 * JSON objects only, not to top-level arrays.
 */
public class JobSteps {

    public List<StepRecord> items = new ArrayList<>();

    public JobSteps() {
    }

    public JobSteps(List<StepRecord> items) {
        this.items = new ArrayList<>(items);
    }
}
