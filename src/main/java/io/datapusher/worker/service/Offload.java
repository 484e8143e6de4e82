package io.datapusher.worker.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import org.jboss.logging.MDC;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs blocking work (downloads, parsing, JDBC COPY) on a worker thread and comes back to the
 * caller's Vert.x context, where Hibernate Reactive must run the next job update.
 */
public final class Offload {

    private Offload() {
    }

    public static <T> Uni<T> blocking(Callable<T> work) {
        Context context = Vertx.currentContext();
        // The job's log context (job_id, resource_id) follows the work onto the worker thread.
        Map<String, Object> logContext = MDC.getMap();
        Uni<T> uni = Uni.createFrom().item(() -> {
            // Context propagation may hand the worker thread the caller's own Vert.x context, whose MDC
            // is this very map: restore what was there rather than remove it from under the job.
            Map<String, Object> before = MDC.getMap();
            logContext.forEach(MDC::put);
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new OffloadedFailure(e);
            } finally {
                logContext.keySet().forEach(key -> {
                    if (before.containsKey(key)) {
                        MDC.put(key, before.get(key));
                    } else {
                        MDC.remove(key);
                    }
                });
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        uni = uni.onFailure(OffloadedFailure.class).transform(Throwable::getCause);
        return context == null ? uni : uni.emitOn(command -> context.runOnContext(ignored -> command.run()));
    }

    /**
     * Waits without blocking a thread, and comes back to the caller's Vert.x context, where the
     * next job update must run.
     */
    public static Uni<Void> delay(java.time.Duration wait) {
        Context context = Vertx.currentContext();
        Uni<Void> uni = Uni.createFrom().voidItem().onItem().delayIt().by(wait);
        return context == null ? uni : uni.emitOn(command -> context.runOnContext(ignored -> command.run()));
    }

    /**
     * Makes a Uni that may end on another thread (a retry's timer, a client's pool) come back to the
     * Vert.x context it was assembled on.
     */
    public static <T> Uni<T> onCallersContext(Uni<T> uni) {
        Context context = Vertx.currentContext();
        return context == null ? uni : uni.emitOn(command -> context.runOnContext(ignored -> command.run()));
    }

    /** Carries a checked exception across the worker thread. */
    private static final class OffloadedFailure extends RuntimeException {
        OffloadedFailure(Exception cause) {
            super(cause);
        }
    }
}
