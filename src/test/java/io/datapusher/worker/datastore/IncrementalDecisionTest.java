package io.datapusher.worker.datastore;

import io.datapusher.worker.datastore.IncrementalDecision.Decision;
import io.datapusher.worker.datastore.IncrementalDecision.Facts;
import io.datapusher.worker.datastore.IncrementalDecision.Prefix;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a file is loaded, as a table of cases: anything not proven the same as a full reload is a full reload. */
class IncrementalDecisionTest {

    private static final List<String> COLUMNS = List.of("id:int4", "name:text", "when:date");
    private static final IncrementalMarker RECORDED =
            new IncrementalMarker(1000, 1000, "d1g3st", 42, COLUMNS, "UTF-8", "csv, delimiter ','");

    /** The live table exactly as the last load left it, and a file 10 rows longer. */
    private static Facts grown() {
        return new Facts(false, 0.2, Optional.of(RECORDED), COLUMNS, 1000, 1000, 0, false, true, false, Optional.empty(),
                COLUMNS, "UTF-8", "csv, delimiter ','", 1010, Prefix.UNCHECKED);
    }

    private static Facts with(UnaryOperator<Facts> change) {
        return change.apply(grown());
    }

    private static Facts copy(Facts f, boolean forceFull, Optional<IncrementalMarker> recorded, List<String> liveColumns,
                              long liveRows, long liveMaxId, long writtenSince, boolean pending, boolean trigger, boolean others,
                              Optional<List<String>> key, List<String> newColumns, String encoding, String format, long newRows) {
        return new Facts(forceFull, f.maxFraction(), recorded, liveColumns, liveRows, liveMaxId, writtenSince, pending, trigger,
                others, key, newColumns, encoding, format, newRows, f.prefix());
    }

    @Test
    void aFileThatGrewAtTheEndIsAppended() {
        assertEquals(LoadPath.APPEND, IncrementalDecision.decide(grown()).path());
        assertEquals(LoadPath.APPEND, IncrementalDecision.decide(grown().withPrefix(Prefix.MATCHES)).path());
    }

    @Test
    void anEarlierRowThatChangedIsKeyedWhenTheTableHasAPrimaryKeyAndFullOtherwise() {
        Facts changed = grown().withPrefix(Prefix.DIFFERS);
        assertEquals(new Decision(LoadPath.FULL, "an earlier row changed and the table has no primary_key to match rows by"),
                IncrementalDecision.decide(changed));
        Facts keyed = copy(changed, false, changed.recorded(), COLUMNS, 1000, 1000, 0, false, true, false,
                Optional.of(List.of("id")), COLUMNS, "UTF-8", "csv, delimiter ','", 1010);
        assertEquals(LoadPath.KEYED, IncrementalDecision.decide(keyed).path());
    }

    @Test
    void aFileWithAsManyRowsIsKeyedWhenTheTableHasAPrimaryKeyAndAFullReloadOtherwise() {
        Facts same = with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false, Optional.empty(),
                COLUMNS, "UTF-8", "csv, delimiter ','", 1000));
        assertTrue(IncrementalDecision.decide(same).reason().contains("no new rows"));
        Facts keyed = with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false,
                Optional.of(List.of("id")), COLUMNS, "UTF-8", "csv, delimiter ','", 1000));
        assertEquals(LoadPath.KEYED, IncrementalDecision.decide(keyed).path());
    }

    @Test
    void aShorterFileIsKeyedOrFull() {
        Facts shorter = with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false, Optional.empty(),
                COLUMNS, "UTF-8", "csv, delimiter ','", 990));
        assertTrue(IncrementalDecision.decide(shorter).reason().contains("fewer rows"));
        Facts keyed = with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false,
                Optional.of(List.of("id")), COLUMNS, "UTF-8", "csv, delimiter ','", 990));
        assertEquals(LoadPath.KEYED, IncrementalDecision.decide(keyed).path());
    }

    record Case(String name, Facts facts, String reason) {
    }

    @Test
    void everythingUnprovenIsAFullReloadWithItsReason() {
        Optional<List<String>> key = Optional.of(List.of("id"));
        List<Case> cases = List.of(
                new Case("\"full\": true", with(f -> copy(f, true, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false, key,
                        COLUMNS, "UTF-8", "csv, delimiter ','", 1010)), "\"full\": true"),
                new Case("no record", with(f -> copy(f, false, Optional.empty(), COLUMNS, 1000, 1000, 0, false, true, false, key,
                        COLUMNS, "UTF-8", "csv, delimiter ','", 1010)), "no record"),
                new Case("pending indexes", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, true, true, false, key,
                        COLUMNS, "UTF-8", "csv, delimiter ','", 1010)), "indexes to build"),
                new Case("no trigger", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, false, false, key,
                        COLUMNS, "UTF-8", "csv, delimiter ','", 1010)), "zfulltext"),
                new Case("user triggers", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, true, key,
                        COLUMNS, "UTF-8", "csv, delimiter ','", 1010)), "triggers of its own"),
                new Case("a column added by the API", with(f -> copy(f, false, f.recorded(),
                        List.of("id:int4", "name:text", "when:date", "x:text"), 1000, 1000, 0, false, true, false, key,
                        COLUMNS, "UTF-8", "csv, delimiter ','", 1010)), "columns changed"),
                new Case("a row upserted", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 1, false, true, false, key,
                        COLUMNS, "UTF-8", "csv, delimiter ','", 1010)), "written since"),
                new Case("writes cannot be told", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, -1, false, true, false,
                        key, COLUMNS, "UTF-8", "csv, delimiter ','", 1010)), "written since"),
                new Case("a row deleted", with(f -> copy(f, false, f.recorded(), COLUMNS, 999, 1000, 0, false, true, false, key,
                        COLUMNS, "UTF-8", "csv, delimiter ','", 1010)), "written since"),
                new Case("a greater _id", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1001, 0, false, true, false, key,
                        COLUMNS, "UTF-8", "csv, delimiter ','", 1010)), "written since"),
                new Case("header changed", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false, key,
                        List.of("id:int4", "title:text", "when:date"), "UTF-8", "csv, delimiter ','", 1010)), "header changed"),
                new Case("column retyped", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false, key,
                        List.of("id:int4", "name:text", "when:text"), "UTF-8", "csv, delimiter ','", 1010)),
                        "column when changed type (date to text), or a new value does not fit its type"),
                new Case("encoding", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false, key,
                        COLUMNS, "windows-1252", "csv, delimiter ','", 1010)), "encoding changed"),
                new Case("dialect", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false, key,
                        COLUMNS, "UTF-8", "csv, delimiter ';'", 1010)), "dialect changed"),
                new Case("too many new rows", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false,
                        Optional.empty(), COLUMNS, "UTF-8", "csv, delimiter ','", 1300)), "INGEST_INCREMENTAL_MAX_FRACTION"),
                new Case("the same rows again", with(f -> copy(f, false, f.recorded(), COLUMNS, 1000, 1000, 0, false, true, false,
                        Optional.empty(), COLUMNS, "UTF-8", "csv, delimiter ','", 1000)), "no new rows"),
                new Case("incremental off", new Facts(false, 0, Optional.of(RECORDED), COLUMNS, 1000, 1000, 0, false, true, false,
                        key, COLUMNS, "UTF-8", "csv, delimiter ','", 1010, Prefix.UNCHECKED), "are off"));
        for (Case c : cases) {
            Decision decision = IncrementalDecision.decide(c.facts());
            assertEquals(LoadPath.FULL, decision.path(), c.name());
            assertTrue(decision.reason().contains(c.reason()), c.name() + ": " + decision.reason());
        }
    }

    @Test
    void aKeyedDifferenceAboveTheCrossoverIsAFullReload() {
        assertTrue(IncrementalDecision.keyedTooLarge(10, 10, 1, 1000, 1009, 0.2).isEmpty());
        assertTrue(IncrementalDecision.keyedTooLarge(150, 100, 10, 1000, 1140, 0.2).orElseThrow()
                .contains("INGEST_INCREMENTAL_MAX_FRACTION"));
        assertTrue(IncrementalDecision.keyedTooLarge(1, 0, 0, 0, 1, 0.2).isPresent());
        assertTrue(IncrementalDecision.keyedTooLarge(0, 0, 0, 1000, 1000, 0.2).orElseThrow().contains("same rows"));
    }
}
