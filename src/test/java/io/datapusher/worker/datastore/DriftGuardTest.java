package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.CkanRelease;
import io.datapusher.worker.testsupport.ReleaseDatastore;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Every load compares its table with the live one before the swap, and a drift policy may refuse it")
class DriftGuardTest {

    private static Analysis census(String popColumn, String... values) {
        return TestAnalysis.builder()
                .column("name", "name", ColumnType.TEXT)
                .column(popColumn, popColumn, ColumnType.INTEGER)
                .row(values)
                .build();
    }

    private static LoadResult load(ReleaseDatastore ds, String jobId, Analysis analysis, DriftPolicy policy) throws LoadException {
        return ds.loader.load(new LoadRequest(ds.rid, jobId, "hash-" + jobId, analysis, ds.release.version(), null, null,
                null, policy));
    }

    /** Rows, columns with types and comments, and the table's own comment, as one text. */
    private static String snapshot(ReleaseDatastore ds) throws Exception {
        return String.join("\n",
                ds.db.queryOne("SELECT md5(string_agg(t::text, ',' ORDER BY _id)) FROM " + ds.table + " t"),
                String.join("|", ds.db.query("SELECT attname || '=' || format_type(atttypid, atttypmod) || '=' || "
                        + "coalesce(col_description(attrelid, attnum), '') FROM pg_attribute WHERE attrelid = '" + ds.table
                        + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")),
                ds.db.queryOne("SELECT obj_description('" + ds.table + "'::regclass, 'pg_class')"),
                ds.db.queryOne("SELECT '" + ds.table + "'::regclass::oid"));
    }

    @Test
    void aFirstLoadHasNoDrift() throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_11)) {
            assertNull(load(ds, "job-1", census("pop_2023", "Oslo", "700000"), DriftPolicy.STRICT).drift());
        }
    }

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void aReloadReportsTheColumnsItChangesAndTheNotesItLoses(CkanRelease release) throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(release)) {
            load(ds, "job-1", census("pop_2023", "Oslo", "700000"), DriftPolicy.REPORT);
            ds.db.writerExecute("COMMENT ON COLUMN " + ds.table + ".\"pop_2023\" IS "
                    + Sql.quoteLiteral(ds.labelAndNotes("Population", "Census count")));

            SchemaDrift drift = load(ds, "job-2", census("pop_2024", "Oslo", "710000"), DriftPolicy.REPORT).drift();

            assertEquals(List.of("pop_2024"), drift.added());
            assertEquals(List.of("pop_2023"), drift.removed());
            assertEquals(List.of(new SchemaDrift.Rename("pop_2023", "pop_2024")), drift.possiblyRenamed());
            assertEquals(List.of(new SchemaDrift.LostEntry("pop_2023", List.of("label", "notes"))), drift.dictionaryLost());
            assertEquals(1L, drift.rowsBefore());
            assertEquals(1, drift.rowsAfter());
        }
    }

    /** parallelism 1 loads in one transaction, 2 through the staging schema: both must refuse alike. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void protectDictionaryRefusesALoadThatLosesACuratorsNotesAndLeavesTheLiveTableByteForByte(int parallelism) throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_11, LoaderSettings.defaults().withParallelism(parallelism))) {
            load(ds, "job-1", census("pop_2023", "Oslo", "700000"), DriftPolicy.REPORT);
            ds.db.writerExecute("COMMENT ON COLUMN " + ds.table + ".\"pop_2023\" IS "
                    + Sql.quoteLiteral(ds.labelAndNotes("pop_2023", "Census count")));
            String before = snapshot(ds);

            DriftRefusedException refused = assertThrows(DriftRefusedException.class,
                    () -> load(ds, "job-2", census("pop_2024", "Oslo", "710000"), DriftPolicy.PROTECT_DICTIONARY));

            assertTrue(refused.getMessage().contains("\"pop_2023\" (notes)"), refused.getMessage());
            assertTrue(refused.getMessage().contains("\"accept_drift\": true"), refused.getMessage());
            assertEquals(List.of("pop_2023"), refused.drift().removed());
            assertEquals(before, snapshot(ds));
            assertEquals("0", ds.db.queryOne("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = 'datapusher_staging' AND c.relname = '" + ds.rid + "'"), "no staging table is left");
        }
    }

    @Test
    void protectDictionaryLetsALoadThatLosesOnlyAColumnWithoutAPersonsEntryThrough() throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_11)) {
            load(ds, "job-1", census("pop_2023", "Oslo", "700000"), DriftPolicy.REPORT);

            SchemaDrift drift = load(ds, "job-2", census("pop_2024", "Oslo", "710000"), DriftPolicy.PROTECT_DICTIONARY).drift();

            assertEquals(List.of("pop_2023"), drift.removed());
            assertEquals(List.of(), drift.dictionaryLost(), "the label the worker wrote from the header is no one's work");
        }
    }

    @Test
    void strictRefusesATypeChangeAndAcceptingTheDriftIsLoadingUnderReport() throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_11)) {
            load(ds, "job-1", census("code", "Oslo", "301"), DriftPolicy.REPORT);
            Analysis textCodes = TestAnalysis.builder()
                    .column("name", "name", ColumnType.TEXT)
                    .column("code", "code", ColumnType.TEXT)
                    .row("Oslo", "0301")
                    .build();
            String before = snapshot(ds);

            DriftRefusedException refused = assertThrows(DriftRefusedException.class,
                    () -> load(ds, "job-2", textCodes, DriftPolicy.STRICT));
            assertTrue(refused.getMessage().contains("\"code\" (integer to text)"), refused.getMessage());
            assertEquals(before, snapshot(ds));

            SchemaDrift accepted = load(ds, "job-3", textCodes, DriftPolicy.REPORT).drift();
            assertEquals(List.of(new SchemaDrift.TypeChange("code", "integer", "text")), accepted.typeChanged());
            assertEquals("0301", ds.db.queryOne("SELECT code FROM " + ds.table));
        }
    }
}
