package io.datapusher.worker.datastore;

import io.datapusher.worker.datastore.SchemaDrift.Column;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Schema drift compares two column lists and says what a reload would change")
class SchemaDriftTest {

    private static final String AUTO_211 = " {\"_info\":{\"label\":\"pop 2023\"}}";
    private static final String NOTES_211 = " {\"_info\":{\"label\":\"pop_2023\",\"notes\":\"Census count\"}}";
    private static final String LABEL_210 = "{\"label\": \"Population (2023)\"}";
    private static final String OVERRIDE_211 = " {\"_info\":{\"label\":\"code\",\"type_override\":\"text\"}}";

    @Test
    void theSameColumnsAreNoDrift() {
        List<Column> columns = List.of(new Column("a", "text", null), new Column("b", "integer", null));
        SchemaDrift drift = SchemaDrift.between(columns, columns, 10L, 12);

        assertFalse(drift.hasColumnChanges());
        assertNull(drift.summary(), "a different row count alone is not drift");
        assertEquals(10L, drift.rowsBefore());
        assertEquals(12, drift.rowsAfter());
    }

    @Test
    void aRenamedColumnAtTheSamePositionWithTheSameTypeIsReportedAsPossiblyRenamedAndStillAsAddedAndRemoved() {
        SchemaDrift drift = SchemaDrift.between(
                List.of(new Column("name", "text", null), new Column("pop_2023", "integer", NOTES_211)),
                List.of(new Column("name", "text", null), new Column("pop_2024", "integer", null)), 3L, 3);

        assertEquals(List.of("pop_2024"), drift.added());
        assertEquals(List.of("pop_2023"), drift.removed());
        assertEquals(List.of(new SchemaDrift.Rename("pop_2023", "pop_2024")), drift.possiblyRenamed());
        assertEquals(List.of(new SchemaDrift.LostEntry("pop_2023", List.of("notes"))), drift.dictionaryLost());
    }

    @Test
    void aColumnAtTheSamePositionWithAnotherTypeIsNotARename() {
        SchemaDrift drift = SchemaDrift.between(List.of(new Column("pop_2023", "integer", null)),
                List.of(new Column("comment", "text", null)), 1L, 1);

        assertEquals(List.of(), drift.possiblyRenamed());
        assertEquals(List.of("comment"), drift.added());
        assertEquals(List.of("pop_2023"), drift.removed());
    }

    @Test
    void aTypeChangeIsReportedWithBothTypesAndTimestampSpelledAsTheWorkerCreatesIt() {
        SchemaDrift drift = SchemaDrift.between(
                List.of(new Column("code", "integer", null), new Column("when", SchemaDrift.typeName("timestamp without time zone"), null)),
                List.of(new Column("code", "text", null), new Column("when", "timestamp", null)), 5L, 5);

        assertEquals(List.of(new SchemaDrift.TypeChange("code", "integer", "text")), drift.typeChanged());
        assertTrue(drift.summary().contains("\"code\" integer to text"), drift.summary());
    }

    @Test
    void onlyDictionaryEntriesAPersonWroteAreLost() {
        SchemaDrift drift = SchemaDrift.between(
                List.of(new Column("pop 2023", "integer", AUTO_211), new Column("pop_2022", "integer", LABEL_210),
                        new Column("code", "integer", OVERRIDE_211), new Column("free", "text", "typed by hand"),
                        new Column("bare", "text", null)),
                List.of(), 1L, 0);

        assertEquals(List.of(
                new SchemaDrift.LostEntry("pop_2022", List.of("label")),
                new SchemaDrift.LostEntry("code", List.of("type_override")),
                new SchemaDrift.LostEntry("free", List.of("comment"))), drift.dictionaryLost(),
                "the label the worker wrote from the header (\"pop 2023\" for pop 2023) is no one's work");
    }

    @Test
    void theLabelOfASanitisedOrNumberedHeaderIsNotAPersonsLabel() {
        assertEquals(List.of(), SchemaDrift.personWritten("a_b", "{\"label\": \"a b\"}"));
        assertEquals(List.of(), SchemaDrift.personWritten("Amount (EUR)", " {\"_info\":{\"label\":\"Amount (EUR)\"}}"));
        assertEquals(List.of("label", "notes"),
                SchemaDrift.personWritten("amount", " {\"_info\":{\"label\":\"Amount paid\",\"notes\":\"EUR\"}}"));
    }

    @Test
    void theJobsDriftObjectHasTheContractsNames() {
        Map<String, Object> json = SchemaDrift.between(List.of(new Column("a", "text", NOTES_211)),
                List.of(new Column("b", "text", null)), 2L, 4).toJson();

        assertEquals(List.of("added", "removed", "type_changed", "possibly_renamed", "dictionary_lost", "rows_before",
                "rows_after"), List.copyOf(json.keySet()));
        assertEquals(List.of(Map.of("from", "a", "to", "b")), json.get("possibly_renamed"));
        assertEquals(2L, json.get("rows_before"));
    }

    @Test
    void policiesRefuseWhatTheyProtectAndSayWhichColumns() {
        SchemaDrift renamed = SchemaDrift.between(List.of(new Column("pop_2023", "integer", NOTES_211)),
                List.of(new Column("pop_2024", "integer", null)), 1L, 1);
        SchemaDrift added = SchemaDrift.between(List.of(new Column("a", "text", NOTES_211)),
                List.of(new Column("a", "text", null), new Column("b", "text", null)), 1L, 1);
        SchemaDrift droppedUnannotated = SchemaDrift.between(List.of(new Column("a", "text", null), new Column("b", "text", null)),
                List.of(new Column("a", "text", null)), 1L, 1);

        assertNull(DriftPolicy.REPORT.refusal(renamed));
        assertTrue(DriftPolicy.PROTECT_DICTIONARY.refusal(renamed).contains("\"pop_2023\" (notes)"));
        assertNull(DriftPolicy.PROTECT_DICTIONARY.refusal(droppedUnannotated));
        assertTrue(DriftPolicy.STRICT.refusal(droppedUnannotated).contains("removes 1 column (\"b\")"));
        assertNull(DriftPolicy.STRICT.refusal(added), "an added column takes nothing away");
        assertNull(DriftPolicy.STRICT.refusal(null), "a first load has no drift");
    }

    @Test
    void theRefusalSaysHowToAcceptTheChange() {
        String message = DriftCheck.refusalMessage("rid-1", DriftPolicy.PROTECT_DICTIONARY, "it would lose x");
        assertTrue(message.contains("INGEST_DRIFT_POLICY is protect-dictionary"), message);
        assertTrue(message.contains("POST /api/jobs with {\"resource_id\": \"rid-1\", \"accept_drift\": true}"), message);
        assertTrue(message.contains("Nothing was changed"), message);
    }
}
