package io.datapusher.worker.faults;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A resource as a portal has it before a fault: loaded from {@link CsvFiles#old()}, then curated
 * by hand (a label and notes in the Data Dictionary, an alias view, a grant to another role), so
 * that "the old table, untouched" covers everything a curator can lose.
 */
final class Curated {

    private final FaultWorld world;
    private final String curator;

    Curated(FaultWorld world) throws Exception {
        this.world = world;
        this.curator = world.datastore.createRole("curator");
    }

    /** A new resource, loaded from the old file and curated. */
    String resource() throws Exception {
        String rid = world.newResource(CsvFiles.old());
        assertEquals("complete", world.resubmitAndAwait(rid, Duration.ofSeconds(90)).get("status"));
        String alias = alias(rid);
        world.datastore.writerExecute(
                "COMMENT ON COLUMN \"" + rid + "\".\"name\" IS ' {\"_info\":{\"label\":\"Name\",\"notes\":\"typed by a curator\"}}'",
                "CREATE VIEW \"" + alias + "\" AS SELECT * FROM \"" + rid + "\"",
                "GRANT SELECT ON \"" + rid + "\" TO " + curator,
                "GRANT SELECT ON \"" + alias + "\" TO " + curator);
        return rid;
    }

    /** What a fault-free load of {@code newFile} over a curated resource gives (its {@link TableState#shape()}). */
    String referenceShape(byte[] newFile, Duration timeout) throws Exception {
        String reference = resource();
        world.ckan.replaceFile(reference, newFile);
        assertEquals("complete", world.resubmitAndAwait(reference, timeout).get("status"));
        return state(reference).shape();
    }

    TableState state(String rid) throws Exception {
        return TableState.of(world.datastore, rid, alias(rid));
    }

    static String alias(String rid) {
        return "alias-" + rid.substring(0, 8);
    }
}
