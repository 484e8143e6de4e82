package io.datapusher.worker.faults;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.datapusher.worker.faults.FaultWorld.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CKAN deletes the resource while its file is loading: {@code resource_delete}, whose DataStore
 * hook drops the live table. The swap must not bring the table back: the job ends failed, saying
 * why, and the staging table is dropped. (d) does not apply: there is nothing to heal.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeletedDuringLoadFaultIT extends FaultSuite {

    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(4);
    static byte[] large;

    @BeforeAll
    static void startWorker() throws Exception {
        open(FaultWorld.direct("deleted"));
        large = CsvFiles.large(CrashFaultIT.ROWS);
    }

    @Test
    @Order(1)
    void resourceDeletedDuringAReload() throws Exception {
        FaultMatrix.scenario("CKAN deletes the resource (resource_show 404, table dropped)", "during COPY of a reload", s -> {
            String rid = curated.resource();
            world.ckan.replaceFile(rid, large);
            try (StatusTrail trail = new StatusTrail(world, rid)) {
                world.broker().resubmit(rid);
                awaitCopy();
                world.ckan.deleteResource(rid);
                world.datastore.writerExecute("DROP TABLE \"" + rid + "\" CASCADE");
                s.faultCleared();
                Map<String, String> job = world.awaitEnded(rid, LOAD_TIMEOUT);
                s.outcome(job.get("status"));
                s.note("status trail " + trail);
                s.check('b', "the job ends failed, saying the resource was deleted", () -> Promises.jobEnded(job, "failed",
                        "deleted in CKAN"));
                s.check('a', "the table is not brought back", () -> assertNoTable(rid));
                s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
            }
        });
    }

    @Test
    @Order(2)
    void resourceDeletedDuringItsFirstLoad() throws Exception {
        FaultMatrix.scenario("CKAN deletes the resource (resource_show 404)", "during COPY of a first load", s -> {
            String rid = world.newResource(large);
            try (StatusTrail trail = new StatusTrail(world, rid)) {
                world.broker().resubmit(rid);
                awaitCopy();
                world.ckan.deleteResource(rid);
                s.faultCleared();
                Map<String, String> job = world.awaitEnded(rid, LOAD_TIMEOUT);
                s.outcome(job.get("status"));
                s.note("status trail " + trail);
                s.check('b', "the job ends failed, saying the resource was deleted", () -> Promises.jobEnded(job, "failed",
                        "the resource was deleted in CKAN while the file was loading; nothing was loaded"));
                s.check('a', "no table is created", () -> assertNoTable(rid));
                s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
            }
        });
    }

    private static void assertNoTable(String rid) throws Exception {
        assertEquals(List.of(), world.datastore.query("SELECT n.nspname FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE c.relname = '" + rid + "'"), "tables named after the resource");
    }

    private static void awaitCopy() throws Exception {
        await("the load runs COPY", LOAD_TIMEOUT, () -> CrashFaultIT.unchecked(() -> world.writerBackends().stream()
                .map(b -> b.split("\\|", 4))
                .anyMatch(f -> "active".equals(f[1]) && f[3].trim().startsWith("COPY"))));
    }
}
