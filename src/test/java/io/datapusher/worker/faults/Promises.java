package io.datapusher.worker.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The four promises of docs/what-survives-what.md, as assertions on a {@link FaultWorld}. */
final class Promises {

    private Promises() {
    }

    /** (a) the live table is physically and visibly the one that was there before the fault. */
    static void tableIsTheOldOne(FaultWorld world, String rid, String alias, TableState old) throws Exception {
        TableState now = TableState.of(world.datastore, rid, alias);
        assertEquals(old.shape(), now.shape(), "the live table's content, comments, indexes, views or ACL changed");
        assertEquals(old.oid(), now.oid(), "the live table was replaced");
    }

    /** (a) the live table is a new table, identical to what a fault-free load of the same file gave. */
    static void tableIsTheNewOne(FaultWorld world, String rid, String alias, TableState old, String expectedShape)
            throws Exception {
        TableState now = TableState.of(world.datastore, rid, alias);
        assertEquals(expectedShape, now.shape(), "the live table differs from a fault-free load of the new file");
        assertNotEquals(old.oid(), now.oid());
    }

    /**
     * (a) past the pivot, while the worker is dead: the new table is live, whole, except for the
     * full-text indexes of its text columns, which are built on the live table after the swap and
     * may still be pending (the resumed job builds them).
     */
    static void tableIsTheNewOneButForItsPendingTextIndexes(FaultWorld world, String rid, String alias, TableState old,
                                                            String expectedShape) throws Exception {
        TableState now = TableState.of(world.datastore, rid, alias);
        assertNotEquals(old.oid(), now.oid());
        assertEquals(INDEXES.matcher(expectedShape).replaceAll("indexes ?"), INDEXES.matcher(now.shape()).replaceAll("indexes ?"),
                "apart from its indexes, the live table is what a fault-free load of the new file gives");
        List<String> expected = indexes(expectedShape);
        List<String> live = indexes(now.shape());
        assertTrue(expected.containsAll(live), "no index beyond a fault-free load's: " + live);
        List<String> pending = expected.stream().filter(i -> !live.contains(i)).toList();
        assertTrue(pending.stream().allMatch(i -> i.contains("to_tsvector(")),
                "only text columns' own full-text indexes may still be pending: " + pending);
    }

    private static final Pattern INDEXES = Pattern.compile("(?m)^indexes \\[(.*)]$");

    private static List<String> indexes(String shape) {
        Matcher m = INDEXES.matcher(shape);
        assertTrue(m.find(), "the shape lists its indexes");
        return m.group(1).isEmpty() ? List.of() : List.of(m.group(1).split(", (?=CREATE )"));
    }

    /** (a) exactly one of the two. */
    static void tableIsOldOrNew(FaultWorld world, String rid, String alias, TableState old, String expectedShape)
            throws Exception {
        TableState now = TableState.of(world.datastore, rid, alias);
        if (now.oid().equals(old.oid())) {
            assertEquals(old.shape(), now.shape(), "the old table was changed in place");
        } else {
            assertEquals(expectedShape, now.shape(), "the live table is neither the old one nor the new one");
        }
    }

    /** (c) no staging table and no temp file. */
    static void noStagingTableNorTempFile(FaultWorld world) throws Exception {
        assertEquals(List.of(), world.stagingTables(), "staging tables left in public");
        assertEquals(List.of(), world.tempFiles(), "temp files left in " + world.tempDir);
    }

    /**
     * (c) the queues are empty again (nothing unacked, nothing lost in a queue) and the dead-letter
     * queue holds exactly what the scenario expects. Waits a little: the last ack may be in flight.
     */
    static void queuesDrained(FaultWorld world, long expectedDeadLetters) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Map<String, long[]> depths;
        while (true) {
            depths = world.broker().depths();
            if ((depthOf(depths, Broker.RESUBMIT) == 0 && depthOf(depths, Broker.METADATA_PENDING) == 0)
                    || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        assertEquals("0/0", show(depths, Broker.RESUBMIT), "datapusher.resubmit ready/unacked");
        assertEquals("0/0", show(depths, Broker.METADATA_PENDING), "datapusher.metadata-pending ready/unacked");
        assertEquals(expectedDeadLetters, depthOf(depths, Broker.DEAD_LETTER), "messages in datapusher.dead-letter");
    }

    /** (c) both of the above. */
    static void nothingLeftOver(FaultWorld world, long expectedDeadLetters) throws Exception {
        noStagingTableNorTempFile(world);
        queuesDrained(world, expectedDeadLetters);
    }

    /** (b) the job ended with this status; when an error is expected, its text contains it. */
    static void jobEnded(Map<String, String> job, String status, String errorContains) {
        assertEquals(status, job.get("status"), "job " + job);
        if (errorContains != null) {
            String error = job.get("error");
            assertTrue(error != null && error.contains(errorContains), "the job's error says '" + errorContains
                    + "': " + error);
        }
    }

    private static long depthOf(Map<String, long[]> depths, String queue) {
        long[] d = depths.get(queue);
        return d == null ? -1 : d[0] + d[1];
    }

    private static String show(Map<String, long[]> depths, String queue) {
        long[] d = depths.get(queue);
        return d == null ? "missing" : d[0] + "/" + d[1];
    }
}
