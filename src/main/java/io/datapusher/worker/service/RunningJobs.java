package io.datapusher.worker.service;

import io.datapusher.worker.config.IngestConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The jobs this replica is running. It keeps their heartbeats fresh in the jobs table, sends jobs
 * whose replica died back to queued, and on shutdown lets the running jobs finish within
 * {@code INGEST_SHUTDOWN_GRACE} before stopping them (their load rolls back and their message
 * goes back to the broker).
 */
@ApplicationScoped
public class RunningJobs {

    private static final Logger LOG = Logger.getLogger(RunningJobs.class);
    private static final Duration HAND_BACK_WAIT = Duration.ofSeconds(5);

    private final Map<UUID, Cancellable> running = new ConcurrentHashMap<>();
    /** Jobs stopped by the shutdown whose row has not yet been put back to queued. */
    private final Set<UUID> handingBack = ConcurrentHashMap.newKeySet();
    private final IngestJobService jobs;
    private final IngestConfig config;
    private volatile boolean shuttingDown;

    public RunningJobs(IngestJobService jobs, IngestConfig config) {
        this.jobs = jobs;
        this.config = config;
    }

    /** Whether this process is running the job now (its saga or its follow-up), as opposed to having run it. */
    public boolean runsHere(UUID jobId) {
        return running.containsKey(jobId);
    }

    /** Whether new messages must be handed back instead of started. */
    public boolean shuttingDown() {
        return shuttingDown;
    }

    /**
     * Runs a job's work so that a shutdown can stop it: the returned Uni fails with
     * {@link StoppedByShutdown} when it is stopped, and the work itself is cancelled.
     */
    public <T> Uni<T> track(UUID jobId, Uni<T> work) {
        return Uni.createFrom().<T>emitter(emitter -> {
            // The job's context: what follows a stop (putting the row back to queued, the nack)
            // must run there, not on the shutdown thread, where the jobs database cannot be used.
            Context context = Vertx.currentContext();
            AtomicReference<Cancellable> subscription = new AtomicReference<>();
            Cancellable stop = new Cancellable() {
                @Override
                public void cancel() {
                    handingBack.add(jobId);
                    Cancellable started = subscription.get();
                    if (started != null) {
                        started.cancel();
                    }
                    running.remove(jobId, this);
                    if (context != null) {
                        context.runOnContext(ignored -> emitter.fail(new StoppedByShutdown()));
                    } else {
                        emitter.fail(new StoppedByShutdown());
                    }
                }
            };
            // Registered before the work starts, so work that ends at once does not leave an entry
            // behind; removed only as itself, so a second track of the job keeps its own entry.
            running.put(jobId, stop);
            subscription.set(work.subscribe().with(
                    item -> {
                        running.remove(jobId, stop);
                        emitter.complete(item);
                    },
                    failure -> {
                        running.remove(jobId, stop);
                        emitter.fail(failure);
                    }));
        });
    }

    @Scheduled(every = "${ingest.heartbeat-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> beat() {
        return jobs.heartbeat(running.keySet()).replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("Could not refresh job heartbeats: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    @Scheduled(every = "${ingest.heartbeat-interval:10s}", delayed = "${ingest.heartbeat-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> orphansBackToQueued() {
        return jobs.orphansBackToQueued()
                .invoke(count -> {
                    if (count > 0) {
                        LOG.infof("%d job(s) whose worker went silent are queued again", count);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("Could not look for orphaned jobs: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    void onShutdown(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        shuttingDown = true;
        Instant deadline = Instant.now().plus(config.shutdownGrace());
        if (!running.isEmpty()) {
            LOG.infof("Shutting down: waiting up to %s for %d running job(s)", config.shutdownGrace(), running.size());
        }
        while (!running.isEmpty() && Instant.now().isBefore(deadline)) {
            sleep(Duration.ofMillis(200));
        }
        for (Map.Entry<UUID, Cancellable> job : Map.copyOf(running).entrySet()) {
            LOG.warnf("Shutting down: stopping job %s; its message goes back to the broker", job.getKey());
            job.getValue().cancel();
        }
        // The stopped jobs' rows go back to queued asynchronously; the jobs database and the broker
        // must still be there for that, so wait for it (briefly) before the shutdown closes them.
        Instant handBackDeadline = Instant.now().plus(HAND_BACK_WAIT);
        while (!handingBack.isEmpty() && Instant.now().isBefore(handBackDeadline)) {
            sleep(Duration.ofMillis(50));
        }
        if (!handingBack.isEmpty()) {
            LOG.warnf("Shutting down: job(s) %s could not be put back to queued in time; the orphan reaper will", handingBack);
        }
    }

    /** The row of a job stopped by the shutdown says queued again (or could not be written). */
    public void handedBack(UUID jobId) {
        handingBack.remove(jobId);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The job was stopped by a shutdown before it ended. */
    public static final class StoppedByShutdown extends RuntimeException {
        public StoppedByShutdown() {
            super("the worker is shutting down", null, false, false);
        }
    }
}
