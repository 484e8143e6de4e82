package io.datapusher.worker.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * Watches the status of a resource's newest job in the jobs database every 100 ms, from a daemon
 * thread, and keeps each change: the trail a job took through a fault, each status with the first
 * characters of its job id ("complete(1a2b) -> running(9f3c) -> queued(9f3c) -> ..."; the first
 * entry is usually the resource's previous, fault-free load).
 */
final class StatusTrail implements AutoCloseable {

    private final List<String> trail = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;

    StatusTrail(FaultWorld world, String rid) {
        thread = new Thread(() -> {
            for (int i = 0; i < 20 * 60 * 10 && !stop; i++) { // at most 20 minutes
                try {
                    String status = world.newestJob(rid).map(j -> j.get("status") + "(" + j.get("job_id").substring(0, 4) + ")")
                            .orElse("(none)");
                    synchronized (trail) {
                        if (trail.isEmpty() || !trail.get(trail.size() - 1).equals(status)) {
                            trail.add(status);
                        }
                    }
                } catch (Exception e) {
                    // the jobs database may be cut on purpose; the next poll will see it
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "status-trail-" + rid);
        thread.setDaemon(true);
        thread.start();
    }

    List<String> trail() {
        synchronized (trail) {
            return List.copyOf(trail);
        }
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
    }

    @Override
    public String toString() {
        return String.join(" -> ", trail());
    }
}
