package io.datapusher.worker.faults;

import io.datapusher.worker.testsupport.WorkerProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.datapusher.worker.faults.FaultWorld.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker dies (SIGKILL) or loses its DataStore connection (pg_terminate_backend) at each
 * point of a load of a large file over a curated live table. Until the new table commits, readers
 * see the old one, whole; after a restart the redelivered message resumes the job on its own: from
 * the start before the pivot, at update-metadata after it. The orphaned backend stops and frees
 * the resource's advisory lock within seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashFaultIT extends FaultSuite {

    static final int ROWS = Integer.getInteger("faults.rows", 100_000);
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(4);

    static byte[] large;
    static String newShape;

    @BeforeAll
    static void startWorkerAndLoadAReference() throws Exception {
        open(FaultWorld.direct("crash"));
        large = CsvFiles.large(ROWS);
        long start = System.nanoTime();
        newShape = curated.referenceShape(large, LOAD_TIMEOUT);
        System.out.printf("[fault suite] reference load of %d rows took %.1f s%n", ROWS,
                (System.nanoTime() - start) / 1e9);
    }


    @Test
    @Order(1)
    void sigkillBeforeCopyWhileDownloading() throws Exception {
        crash("before COPY (download)", false, rid -> {
            world.ckan.slow(Duration.ofSeconds(3));
            await("the job is downloading", Duration.ofSeconds(60), () -> "download".equals(step(rid)));
            return null;
        });
    }

    @Test
    @Order(2)
    void sigkillDuringCopy() throws Exception {
        crash("during COPY", false, rid -> writerBackendRunning("COPY"));
    }

    @Test
    @Order(3)
    void sigkillDuringTheIndexBuild() throws Exception {
        crash("during the index build (staging table)", false, rid -> writerBackendRunning("CREATE INDEX", "ON \"datapusher_staging\"."));
    }

    /** The text columns' full-text indexes are built on the live table just after the swap; a resumed job finishes them. */
    @Test
    @Order(4)
    void sigkillDuringTheFullTextIndexBuildAfterTheSwap() throws Exception {
        crash("during the full-text index build on the live table (after the swap)", true,
                rid -> writerBackendRunning("CREATE INDEX", "ON \"public\"."));
    }

    @Test
    @Order(5)
    void sigkillAtTheSwapWhileAReaderHoldsTheTable() throws Exception {
        crash("at the swap (waiting for a reader's lock)", false, rid -> {
            // the reader stays in its transaction until crash() has checked the orphan is gone
            reader.set(world.datastore.asReader());
            reader.get().setAutoCommit(false);
            try (Statement st = reader.get().createStatement()) {
                st.executeQuery("SELECT count(*) FROM \"" + rid + "\"").close();
            }
            return writerBackendWaitingForLock();
        });
    }

    @Test
    @Order(6)
    void sigkillJustAfterTheCommitWhileCkanIsSlow() throws Exception {
        crash("just after the commit (update-metadata)", true, rid -> {
            writerBackendRunning("COPY");
            world.ckan.slow(Duration.ofSeconds(10)); // resource_patch will hang
            await("the job is past the pivot, in update-metadata", LOAD_TIMEOUT,
                    () -> "update-metadata".equals(step(rid)));
            return null;
        });
    }

    /**
     * A replica dies while another one is up: the broker redelivers the message to the survivor at
     * once, while the dead replica's heartbeat is still fresh. The survivor must not take that for
     * "another live replica is running it" and drop the message.
     */
    @Test
    @Order(7)
    void sigkillWithAStandbyReplicaTakingOverAtOnce() throws Exception {
        FaultMatrix.scenario("SIGKILL of one of two replicas", "at the swap; the other replica gets the redelivery", s -> {
            String rid = curatedOldResource();
            String alias = alias(rid);
            TableState old = TableState.of(world.datastore, rid, alias);
            world.ckan.replaceFile(rid, large);
            WorkerProcess standby = null;
            try (StatusTrail trail = new StatusTrail(world, rid)) {
                reader.set(world.datastore.asReader());
                reader.get().setAutoCommit(false);
                try (Statement st = reader.get().createStatement()) {
                    st.executeQuery("SELECT count(*) FROM \"" + rid + "\"").close();
                }
                world.broker().resubmit(rid);
                writerBackendWaitingForLock();
                standby = world.startWorker();
                worker.kill();
                closeReader();
                s.faultCleared();
                worker = standby;
                Map<String, String> job = world.awaitEnded(rid, Duration.ofSeconds(90));
                s.healed();
                s.outcome(job.get("status"));
                s.note("status trail " + trail);
                s.check('b', "the job ends complete", () -> Promises.jobEnded(job, "complete", null));
                s.check('d', "the surviving replica finished it with no manual step",
                        () -> assertEquals("complete", job.get("status")));
                s.check('a', "the live table is the new one", () -> Promises.tableIsTheNewOne(world, rid, alias, old, newShape));
                s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
            } catch (Throwable t) {
                s.note("status trail at the end: " + world.newestJob(rid).orElse(Map.of()));
                throw t;
            } finally {
                closeReader();
                if (standby != null) {
                    worker = standby;
                }
            }
        });
    }

    @Test
    @Order(8)
    void terminatedBackendDuringCopy() throws Exception {
        terminateBackend("during COPY", rid -> writerBackendRunning("COPY"));
    }

    @Test
    @Order(9)
    void terminatedBackendAtTheSwap() throws Exception {
        terminateBackend("at the swap (waiting for a reader's lock)", rid -> {
            reader.set(world.datastore.asReader());
            reader.get().setAutoCommit(false);
            try (Statement st = reader.get().createStatement()) {
                st.executeQuery("SELECT count(*) FROM \"" + rid + "\"").close();
            }
            return writerBackendWaitingForLock();
        });
    }

    // ------------------------------------------------------------------ the two shapes of scenario

    interface Reach {
        /** Waits until the load reaches the point; returns the load's backend pid when there is one. */
        String reach(String rid) throws Exception;
    }

    static final AtomicReference<Connection> reader = new AtomicReference<>();

    private void crash(String point, boolean pastThePivot, Reach reach) throws Exception {
        FaultMatrix.scenario("SIGKILL of the worker", point, s -> {
            String rid = curatedOldResource();
            String alias = alias(rid);
            TableState old = TableState.of(world.datastore, rid, alias);
            world.ckan.replaceFile(rid, large);
            try (StatusTrail trail = new StatusTrail(world, rid)) {
                world.broker().resubmit(rid);
                String pid = reach.reach(rid);
                worker.kill();
                world.ckan.slow(Duration.ZERO);
                int downloads = world.ckan.downloads(rid);
                String jobId = world.newestJob(rid).orElseThrow().get("job_id");

                if (pid != null) {
                    s.check('c', "the orphaned backend " + pid + " ends and frees the advisory lock within 10 s",
                            () -> await("backend " + pid + " is gone", Duration.ofSeconds(10),
                                    () -> unchecked(() -> !world.backendAlive(pid) && world.advisoryLocks().isEmpty())));
                }
                closeReader();
                TableState whileDead = TableState.of(world.datastore, rid, alias);
                if (pastThePivot) {
                    s.check('a', "after the commit the new table is live while the worker is dead",
                            () -> Promises.tableIsTheNewOneButForItsPendingTextIndexes(world, rid, alias, old, newShape));
                } else {
                    s.check('a', "while the worker is dead the old table is live, untouched",
                            () -> Promises.tableIsTheOldOne(world, rid, alias, old));
                }
                // A staged load that died leaves its staging table until the job's next try or the sweep drops it.
                s.note("staging tables while the worker is dead: " + world.stagingTables());

                worker = world.restart(worker);
                s.faultCleared();
                Map<String, String> job = world.awaitEnded(rid, LOAD_TIMEOUT);
                s.healed();
                s.outcome(job.get("status"));
                s.note("status trail " + trail);
                s.check('b', "the job ends complete", () -> Promises.jobEnded(job, "complete", null));
                s.check('b', "the same job resumed (no second job)", () -> {
                    assertEquals(1, world.jobCount(rid) - 1, "jobs of the resource besides the old load");
                    assertEquals(jobId, job.get("job_id"));
                });
                s.check('d', "it healed with no manual step", () -> assertEquals("complete", job.get("status")));
                s.check('a', "the live table is the new one, as a fault-free load makes it",
                        () -> Promises.tableIsTheNewOne(world, rid, alias, old, newShape));
                if (pastThePivot) {
                    s.check('b', "past the pivot only update-metadata ran again: no second download, same table", () -> {
                        assertEquals(downloads, world.ckan.downloads(rid), "downloads after the restart");
                        assertEquals(whileDead.oid(), TableState.of(world.datastore, rid, alias).oid());
                    });
                } else {
                    s.check('b', "before the pivot the job ran again from the start (a second download)",
                            () -> assertTrue(world.ckan.downloads(rid) > downloads || downloads == 0,
                                    "downloads " + downloads + " -> " + world.ckan.downloads(rid)));
                }
                s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
            } finally {
                closeReader();
                world.ckan.slow(Duration.ZERO);
            }
        });
    }

    private void terminateBackend(String point, Reach reach) throws Exception {
        FaultMatrix.scenario("pg_terminate_backend of the load", point, s -> {
            String rid = curatedOldResource();
            String alias = alias(rid);
            TableState old = TableState.of(world.datastore, rid, alias);
            world.ckan.replaceFile(rid, large);
            try (StatusTrail trail = new StatusTrail(world, rid)) {
                world.broker().resubmit(rid);
                String pid = reach.reach(rid);
                assertEquals("t", world.datastore.queryOne("SELECT pg_terminate_backend(" + pid + ")"));
                s.faultCleared();
                s.check('b', "the job goes back to queued, saying the DataStore was unavailable", () -> {
                    Map<String, String> queued = world.awaitStatus(rid, "queued", Duration.ofSeconds(30));
                    assertTrue(queued.get("error").contains("DataStore database is unavailable"), queued.get("error"));
                });
                s.check('a', "meanwhile the old table is live, untouched", () -> Promises.tableIsTheOldOne(world, rid, alias, old));
                closeReader();
                Map<String, String> job = world.awaitEnded(rid, LOAD_TIMEOUT);
                s.healed();
                s.outcome(job.get("status"));
                s.note("status trail " + trail);
                s.check('b', "the job ends complete", () -> Promises.jobEnded(job, "complete", null));
                s.check('d', "it healed with no manual step", () -> assertEquals("complete", job.get("status")));
                s.check('a', "the live table is the new one", () -> Promises.tableIsTheNewOne(world, rid, alias, old, newShape));
                s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
                s.check('c', "the worker stayed up", () -> assertTrue(worker.isAlive()));
            } finally {
                closeReader();
            }
        });
    }

    // ------------------------------------------------------------------ helpers

    static String curatedOldResource() throws Exception {
        return curated.resource();
    }

    static String alias(String rid) {
        return Curated.alias(rid);
    }

    private static String step(String rid) {
        return unchecked(() -> world.newestJob(rid).map(j -> j.get("step")).orElse(""));
    }

    /** Waits for the load's backend to run a statement starting with {@code statement}; returns its pid. */
    private static String writerBackendRunning(String statement) throws Exception {
        return writerBackendRunning(statement, "");
    }

    /** Waits for a load's backend to run {@code statement}, on a text that contains {@code mentioning}. */
    static String writerBackendRunning(String statement, String mentioning) throws Exception {
        AtomicReference<String> pid = new AtomicReference<>();
        await("the load runs " + statement + " " + mentioning, LOAD_TIMEOUT, () -> unchecked(() -> {
            for (String b : world.writerBackends()) {
                String[] f = b.split("\\|", 4);
                if ("active".equals(f[1]) && f[3].trim().startsWith(statement) && f[3].contains(mentioning)) {
                    pid.set(f[0]);
                    return true;
                }
            }
            return false;
        }));
        return pid.get();
    }

    /**
     * Waits for the load's backend to wait for a lock in the swap (LOCK TABLE behind the reader). The swap waits
     * in short tries with a pause between them, so the activity row and pg_locks are read together, per poll.
     */
    static String writerBackendWaitingForLock() throws Exception {
        AtomicReference<String> pid = new AtomicReference<>();
        await("the swap waits for the reader's lock", LOAD_TIMEOUT, () -> unchecked(() -> {
            for (String b : world.writerBackends()) {
                String[] f = b.split("\\|", 4);
                if ("Lock".equals(f[2]) && f[3].trim().startsWith("LOCK TABLE")
                        && !world.datastore.query("SELECT 1 FROM pg_locks WHERE NOT granted AND pid = " + f[0]).isEmpty()) {
                    pid.set(f[0]);
                    return true;
                }
            }
            return false;
        }));
        return pid.get();
    }

    private static void closeReader() {
        Connection c = reader.getAndSet(null);
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // it was only holding a lock
            }
        }
    }

    interface Unchecked<T> {
        T get() throws Exception;
    }

    static <T> T unchecked(Unchecked<T> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
