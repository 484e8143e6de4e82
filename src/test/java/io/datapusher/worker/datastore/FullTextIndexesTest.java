package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.CkanRelease;
import io.datapusher.worker.testsupport.ReleaseDatastore;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The per-column full-text indexes are the ones CKAN's create_indexes would build: a column gets one
 * when its PostgreSQL type name is in {@code ckan.datastore.default_fts_index_field_types}, whose
 * default is {@code text tsvector} up to 2.11 and empty from 2.12 on. The {@code _full_text} index
 * is always built.
 */
class FullTextIndexesTest {

    private static final Analysis ONE_COLUMN_OF_EACH_TYPE = TestAnalysis.builder()
            .column("t", "t", ColumnType.TEXT)
            .column("i", "i", ColumnType.INTEGER)
            .column("b", "b", ColumnType.BIGINT)
            .column("n", "n", ColumnType.NUMERIC)
            .column("d", "d", ColumnType.DATE)
            .column("ts", "ts", ColumnType.TIMESTAMP)
            .row("x", "1", "2", "3.5", "2024-01-01", "2024-01-01 10:00:00")
            .build();

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void withoutASettingTextColumnsAreIndexedUpTo211AndNoColumnFrom212On(CkanRelease release) throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(release)) {
            ds.load("job-1", ONE_COLUMN_OF_EACH_TYPE);

            List<String> expected = new ArrayList<>(List.of(fullTextIndex(ds)));
            if (release != CkanRelease.CKAN_2_12) {
                expected.add(columnIndex(ds, "to_tsvector('english', \"t\")"));
            }
            assertEquals(sorted(expected), ftsIndexes(ds));
        }
    }

    @Test
    void aSettingWinsOverTheReleaseDefault() throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_12, settings(List.of("text")))) {
            ds.load("job-1", ONE_COLUMN_OF_EACH_TYPE);

            assertEquals(sorted(List.of(fullTextIndex(ds), columnIndex(ds, "to_tsvector('english', \"t\")"))), ftsIndexes(ds));
        }
    }

    @Test
    void theSettingNamesTypesAsPostgresTypnameSpellsThemLikeCkan211() throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_11, settings(List.of("int4", "int8", "numeric")))) {
            ds.load("job-1", ONE_COLUMN_OF_EACH_TYPE);

            assertEquals(sorted(List.of(fullTextIndex(ds),
                    columnIndex(ds, "to_tsvector('english', cast(\"i\" AS text))"),
                    columnIndex(ds, "to_tsvector('english', cast(\"b\" AS text))"),
                    columnIndex(ds, "to_tsvector('english', cast(\"n\" AS text))"))), ftsIndexes(ds));
        }
    }

    @Test
    void ddlSpellingsAreNotTypnamesSoTheyIndexNothing() throws Exception {
        // CKAN 2.11 would file indexes for "integer" and "bigint" columns under fts_noindexes and drop them.
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_11, settings(List.of("integer", "bigint", "text")))) {
            ds.load("job-1", ONE_COLUMN_OF_EACH_TYPE);

            assertEquals(sorted(List.of(fullTextIndex(ds), columnIndex(ds, "to_tsvector('english', \"t\")"))), ftsIndexes(ds));
        }
    }

    @Test
    void theSettingIsReadLikeCkansListWithNoneForTheEmptyList() {
        assertEquals(List.of("text", "int4"), LoaderSettings.parseFtsFieldTypes(" text   int4 "));
        assertEquals(List.of(), LoaderSettings.parseFtsFieldTypes("none"));
        assertEquals(List.of(), LoaderSettings.parseFtsFieldTypes(" "));
    }

    private static LoaderSettings settings(List<String> ftsFieldTypes) {
        LoaderSettings defaults = LoaderSettings.defaults();
        return new LoaderSettings(defaults.ftsLang(), defaults.ftsIndexMethod(), Optional.of(ftsFieldTypes),
                Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(5), defaults.parallelism());
    }

    private static String fullTextIndex(ReleaseDatastore ds) {
        return IndexNames.ckanName(ds.rid, "\"_full_text\"");
    }

    /** CKAN names an index after its fields string, so an equal name means CKAN's very index. */
    private static String columnIndex(ReleaseDatastore ds, String fields) {
        return IndexNames.ckanName(ds.rid, fields);
    }

    private static List<String> ftsIndexes(ReleaseDatastore ds) throws Exception {
        return ds.db.query("SELECT indexname FROM pg_indexes WHERE tablename = '" + ds.rid + "'"
                + " AND indexdef LIKE '%USING gist%' ORDER BY indexname");
    }

    private static List<String> sorted(List<String> rows) {
        return rows.stream().sorted().toList();
    }
}
