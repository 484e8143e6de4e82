package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnProfile;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.analyze.Misfit;
import io.datapusher.worker.testsupport.CkanRelease;
import io.datapusher.worker.testsupport.ReleaseDatastore;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("A dry run tells what a load would make of a file and writes nothing")
class DryRunTest {

    @Test
    void eachColumnSaysWhyItHasItsType() {
        ColumnProfile amount = new ColumnProfile("amount", "amount", 0,
                EnumSet.of(ColumnType.NUMERIC, ColumnType.TEXT), Map.of(ColumnType.INTEGER, new Misfit("1.5", 3)), 999_998);
        ColumnProfile code = new ColumnProfile("code", "code", 1, Set.of(ColumnType.TEXT),
                Map.of(ColumnType.NUMERIC, new Misfit("A-1", 7), ColumnType.TIMESTAMP, new Misfit("A-1", 7)), 10);
        ColumnProfile empty = new ColumnProfile("blank", "blank", 2, EnumSet.allOf(ColumnType.class), Map.of(), 0);

        assertEquals("numeric: 999,998 values parse as numeric, 2 empty", DryRun.why(amount, ColumnType.NUMERIC, 1_000_000, false));
        assertEquals("text: 10 values, 0 empty; line 7: \"A-1\" is not a number, line 7: \"A-1\" is not a date or time",
                DryRun.why(code, ColumnType.TEXT, 10, false));
        assertTrue(DryRun.why(empty, ColumnType.TEXT, 10, false).startsWith("text: the column has no values"));
        assertEquals("text: the Data Dictionary's type_override; 999,998 values fit it, 2 empty",
                DryRun.why(amount, ColumnType.TEXT, 1_000_000, true));
    }

    @Test
    void theFirstRowsAreTheValuesTheLoadWouldWriteAndTheFileIsReadNoFurther() throws Exception {
        TestAnalysis builder = TestAnalysis.builder()
                .column("n", "n", ColumnType.INTEGER)
                .column("note", "note", ColumnType.TEXT);
        for (int i = 1; i <= 25; i++) {
            builder.row(String.valueOf(i), i == 2 ? null : "say \"hi\", " + i);
        }
        int[] rowsRead = new int[1];
        Analysis analysis = builder.onRow((n, out) -> rowsRead[0]++).build();

        DryRun.Result result = DryRun.of(analysis, Optional.empty(), null);

        assertEquals(DryRun.FIRST_ROWS, result.firstRows().size());
        assertEquals(DryRun.FIRST_ROWS, rowsRead[0], "the stream stops after the rows shown");
        assertEquals(Map.of("n", "1", "note", "say \"hi\", 1"), result.firstRows().get(0));
        Map<String, String> nullNote = new HashMap<>();
        nullNote.put("n", "2");
        nullNote.put("note", null);
        assertEquals(nullNote, result.firstRows().get(1));
        assertEquals(25, result.rows());
        assertNull(result.drift(), "no live table, no drift");
        assertNull(result.error());
    }

    @Test
    void aValueThatContradictsATypeOverrideIsTheLoadsErrorAndTheColumnsAreStillShown() throws Exception {
        Analysis analysis = TestAnalysis.builder()
                .column("name", "name", ColumnType.TEXT)
                .textColumn("amount", "amount", "n/a", 3)
                .row("Ada", "n/a")
                .build();
        LiveTable live = new LiveTable("rid", List.of(
                new LiveTable.Column("name", "text", null, Optional.empty()),
                new LiveTable.Column("amount", "numeric", " {\"_info\":{\"type_override\":\"numeric\"}}", Optional.of(ColumnType.NUMERIC))),
                Optional.empty());

        DryRun.Result result = DryRun.of(analysis, Optional.of(live), 1L);

        assertTrue(result.error().contains("\"amount\"") && result.error().contains("n/a"), result.error());
        assertEquals(List.of("name", "amount"), result.columns().stream().map(c -> c.get("id")).toList());
        assertEquals(List.of(), result.firstRows());
    }

    @Test
    void aDryRunAgainstALiveTableShowsTheDriftAndLeavesTheTableAsItWas() throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_11)) {
            ds.load("job-1", TestAnalysis.builder().column("name", "name", ColumnType.TEXT)
                    .column("pop_2023", "pop_2023", ColumnType.INTEGER).row("Oslo", "700000").build());
            ds.db.writerExecute("COMMENT ON COLUMN " + ds.table + ".\"pop_2023\" IS "
                    + Sql.quoteLiteral(ds.labelAndNotes("Population", "Census")));
            String before = ds.db.queryOne("SELECT md5(string_agg(t::text, ',' ORDER BY _id)) FROM " + ds.table + " t")
                    + ds.comments() + ds.db.queryOne("SELECT '" + ds.table + "'::regclass::oid");

            DryRun.Result result = new DryRun(DatastoreConnections.fromCkanUrl(ds.db.writeUrl())).of(ds.rid,
                    TestAnalysis.builder().column("name", "name", ColumnType.TEXT)
                            .column("pop_2024", "pop_2024", ColumnType.INTEGER).row("Oslo", "710000").build());

            assertEquals(List.of("pop_2023"), result.drift().removed());
            assertEquals(List.of(new SchemaDrift.LostEntry("pop_2023", List.of("label", "notes"))), result.drift().dictionaryLost());
            assertEquals(1L, result.drift().rowsBefore());
            assertEquals(before, ds.db.queryOne("SELECT md5(string_agg(t::text, ',' ORDER BY _id)) FROM " + ds.table + " t")
                    + ds.comments() + ds.db.queryOne("SELECT '" + ds.table + "'::regclass::oid"));
        }
    }
}
