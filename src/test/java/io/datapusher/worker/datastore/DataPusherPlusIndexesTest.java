package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.CatalogSnapshot;
import io.datapusher.worker.testsupport.CkanRelease;
import io.datapusher.worker.testsupport.ReleaseDatastore;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CKAN stores a {@code primary_key} as a unique index named {@code sha1(resource_id + '"a", "b"')};
 * only such an index is a constraint the data must keep. DataPusher+ also puts a unique index on
 * every column whose values happened to be all distinct (and plain ones on low-cardinality and date
 * columns): a later file that breaks one of those still loads, and only that index goes.
 */
class DataPusherPlusIndexesTest {

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void aDuplicateInAColumnDataPusherPlusFoundUniqueDropsOnlyThatIndexWithAWarning(CkanRelease release) throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(release)) {
            makeTableTheWayDataPusherPlusDoes(ds);
            String nameIndex = ds.rid + "_name_idx";
            List<String> indexesBefore = ds.indexes();
            List<String> dictionaryBefore = ds.comments();
            assertTrue(indexesBefore.stream().anyMatch(i -> i.startsWith(nameIndex + "|CREATE UNIQUE INDEX")), indexesBefore.toString());

            LoadResult result = ds.load("job-2", TestAnalysis.builder()
                    .column("name", "name", ColumnType.TEXT)
                    .column("amount", "amount", ColumnType.INTEGER)
                    .column("city", "city", ColumnType.TEXT)
                    .column("signed", "signed", ColumnType.TIMESTAMP)
                    .row("Ann", "60", "Nice", "2024-02-01 09:00:00")
                    .row("Ann", "70", "Nice", "2024-02-02 09:00:00")
                    .row("Flo", "80", "Lyon", "2024-02-02 09:00:00")
                    .build());

            assertEquals(3, result.rows());
            assertEquals(1, result.warnings().size(), result.warnings().toString());
            String warning = result.warnings().get(0);
            assertTrue(warning.contains(nameIndex) && warning.contains("(name)=(Ann)") && warning.contains("dropped"), warning);

            List<String> expectedIndexes = new ArrayList<>(indexesBefore);
            expectedIndexes.removeIf(i -> i.startsWith(nameIndex + "|"));
            assertEquals(expectedIndexes, ds.indexes());
            assertEquals(dictionaryBefore, ds.comments());
            assertEquals(List.of("Ann|60", "Ann|70", "Flo|80"), ds.db.query("SELECT name, amount FROM " + ds.table + " ORDER BY _id"));
        }
    }

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void aCkanPrimaryKeyStillRefusesDuplicatesAndNothingChanges(CkanRelease release) throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(release)) {
            makeTableTheWayDataPusherPlusDoes(ds);
            String primaryKey = IndexNames.ckanName(ds.rid, "\"name\", \"city\"");
            ds.db.writerExecute("CREATE UNIQUE INDEX \"" + primaryKey + "\" ON " + ds.table + " (\"name\", \"city\")");
            String before = CatalogSnapshot.of(ds.db, ds.rid);

            Analysis duplicateKey = TestAnalysis.builder()
                    .column("name", "name", ColumnType.TEXT)
                    .column("amount", "amount", ColumnType.INTEGER)
                    .column("city", "city", ColumnType.TEXT)
                    .row("Flo", "60", "Nice")
                    .row("Flo", "70", "Nice")
                    .build();
            LoadException e = assertThrows(LoadException.class, () -> ds.load("job-2", duplicateKey));

            assertTrue(e.getMessage().contains("violates the unique index " + primaryKey), e.getMessage());
            assertTrue(e.getMessage().contains("(name, city)=(Flo, Nice)"), e.getMessage());
            assertEquals(before, CatalogSnapshot.of(ds.db, ds.rid));
        }
    }

    @Test
    void aCkanPrimaryKeyOnAJsonColumnIsRecognisedByItsNameToo() throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_11)) {
            // What datastore_create makes for fields [{"id": "doc", "type": "json"}] and primary_key "doc".
            String primaryKey = IndexNames.ckanName(ds.rid, "((\"doc\").json::text)");
            ds.db.writerExecute("CREATE TYPE \"nested\" AS (json json, extra text)",
                    "CREATE TABLE " + ds.table + " (\"_id\" serial primary key, \"_full_text\" tsvector, \"doc\" nested)",
                    "CREATE UNIQUE INDEX \"" + primaryKey + "\" ON " + ds.table + " (((\"doc\").json::text))");
            String before = CatalogSnapshot.of(ds.db, ds.rid);

            // The new column is text; PostgreSQL reads (doc).json on it as a cast to json, so the key still applies.
            Analysis sameDocTwice = TestAnalysis.builder().column("doc", "doc", ColumnType.TEXT).row("{}").row("{}").build();
            LoadException e = assertThrows(LoadException.class, () -> ds.load("job-2", sameDocTwice));

            assertTrue(e.getMessage().contains("violates the unique index " + primaryKey), e.getMessage());
            assertEquals(before, CatalogSnapshot.of(ds.db, ds.rid));
        }
    }

    /**
     * The table as CKAN's datastore_create makes it for DataPusher+ (its fields, a label each), the
     * rows DataPusher+ copies in, then its indexing stage with its defaults: a unique index on each
     * column whose cardinality equals the row count, a plain one on each column with at most 3
     * distinct values or of type timestamp, all named by PostgreSQL. A curator then adds notes.
     */
    private static void makeTableTheWayDataPusherPlusDoes(ReleaseDatastore ds) throws Exception {
        String t = ds.table;
        List<String> sql = new ArrayList<>(List.of(
                "CREATE TABLE " + t + " (\"_id\" serial primary key, \"_full_text\" tsvector, \"name\" text, \"amount\" integer,"
                        + " \"city\" text, \"signed\" timestamp)",
                "CREATE TRIGGER zfulltext BEFORE INSERT OR UPDATE ON " + t + " FOR EACH ROW EXECUTE PROCEDURE populate_full_text_trigger()",
                "CREATE INDEX \"" + IndexNames.ckanName(ds.rid, "\"_full_text\"") + "\" ON " + t + " USING gist(\"_full_text\")"));
        if (!ds.release.version().isAtLeast(2, 12)) {
            for (String text : List.of("name", "city")) {
                String fields = "to_tsvector('english', \"" + text + "\")";
                sql.add("CREATE INDEX \"" + IndexNames.ckanName(ds.rid, fields) + "\" ON " + t + " USING gist(" + fields + ")");
            }
        }
        sql.addAll(List.of(
                "INSERT INTO " + t + " (name, amount, city, signed) VALUES ('Ann', 10, 'Paris', '2024-01-01 10:00'),"
                        + " ('Bob', 20, 'Lyon', '2024-01-02 10:00'), ('Cy', 30, 'Paris', '2024-01-02 10:00'),"
                        + " ('Di', 40, 'Lyon', '2024-01-03 10:00'), ('Ed', 50, 'Paris', '2024-01-04 10:00')",
                "CREATE UNIQUE INDEX ON " + t + " (\"name\")",
                "CREATE UNIQUE INDEX ON " + t + " (\"amount\")",
                "CREATE INDEX ON " + t + " (\"city\")",
                "CREATE INDEX ON " + t + " (\"signed\")",
                "COMMENT ON COLUMN " + t + ".\"name\" IS " + Sql.quoteLiteral(ds.labelAndNotes("Name", "Who signed")),
                "COMMENT ON COLUMN " + t + ".\"amount\" IS " + Sql.quoteLiteral(ds.labelAndNotes("Amount", "In EUR")),
                "COMMENT ON COLUMN " + t + ".\"city\" IS " + Sql.quoteLiteral(ds.labelAndNotes("City", "")),
                "COMMENT ON COLUMN " + t + ".\"signed\" IS " + Sql.quoteLiteral(ds.labelAndNotes("Signed", "Local time"))));
        ds.db.writerExecute(sql.toArray(String[]::new));
    }
}
