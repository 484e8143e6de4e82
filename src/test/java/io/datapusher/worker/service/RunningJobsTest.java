package io.datapusher.worker.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which jobs a replica says it runs decides their heartbeats, so the list must never lie. */
class RunningJobsTest {

    // track() needs neither the jobs database nor the configuration; beat() and the shutdown do.
    private final RunningJobs running = new RunningJobs(null, null);

    @Test
    void workThatEndsAtOnceLeavesNoJobBehind() {
        UUID job = UUID.randomUUID();

        String result = running.track(job, Uni.createFrom().item("done")).await().atMost(Duration.ofSeconds(5));

        assertEquals("done", result);
        assertFalse(running.runsHere(job), "a job that ended is not running here, or its heartbeat would keep it forever");
    }

    @Test
    void workThatFailsAtOnceLeavesNoJobBehind() {
        UUID job = UUID.randomUUID();

        running.track(job, Uni.createFrom().failure(new IllegalStateException("broken")))
                .onFailure().recoverWithItem("recovered").await().atMost(Duration.ofSeconds(5));

        assertFalse(running.runsHere(job));
    }

    @Test
    void theJobStaysRunningWhileASecondTrackOfItStillRuns() {
        UUID job = UUID.randomUUID();
        AtomicReference<UniEmitter<? super String>> first = new AtomicReference<>();
        AtomicReference<UniEmitter<? super String>> second = new AtomicReference<>();
        running.track(job, Uni.createFrom().<String>emitter(first::set)).subscribe().with(ignored -> { });
        running.track(job, Uni.createFrom().<String>emitter(second::set)).subscribe().with(ignored -> { });

        first.get().complete("first done");

        assertTrue(running.runsHere(job), "the second run of the job still needs its heartbeat");
        second.get().complete("second done");
        assertFalse(running.runsHere(job));
    }
}
