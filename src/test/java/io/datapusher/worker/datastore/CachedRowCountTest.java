package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.CkanRelease;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.ReleaseDatastore;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CKAN 2.12's datastore_search answers {@code total} from {@code cached_table_row_count(resource_id)},
 * a count cached in {@code _table_stats} that CKAN clears whenever it writes records. A load must
 * leave that cache as CKAN's own datastore_create would: the new table's row count, right away.
 */
class CachedRowCountTest {

    @Test
    void totalIsTheNewRowCountStraightAfterAReload() throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_12)) {
            ds.load("job-1", rows(3));
            assertEquals("3", total(ds));
            // Another statistic CKAN or a plugin cached for the old rows.
            ds.db.writerExecute("UPDATE \"_table_stats\" SET stats = stats || '{\"other\": 42}' WHERE resource_id = '" + ds.rid + "'");

            ds.load("job-2", rows(5));

            assertEquals("5", total(ds));
            // What datastore_create leaves after writing records: the old row gone, then a fresh count.
            assertEquals(List.of(ds.rid + "|{\"rows\": 5}"), ds.db.query("SELECT resource_id, stats FROM \"_table_stats\""));
        }
    }

    @Test
    void theFirstLoadCachesItsCountToo() throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(CkanRelease.CKAN_2_12)) {
            ds.load("job-1", rows(4));

            assertEquals(List.of(ds.rid + "|{\"rows\": 4}"), ds.db.query("SELECT resource_id, stats FROM \"_table_stats\""));
            assertEquals("4", total(ds));
        }
    }

    /** What datastore_search computes for an unfiltered search, on CKAN's write connection. */
    private static String total(ReleaseDatastore ds) throws Exception {
        try (Connection writer = ds.db.asWriter()) {
            return DatastoreTestDatabase.query(writer, "SELECT cached_table_row_count('" + ds.rid + "')").get(0);
        }
    }

    private static Analysis rows(int count) {
        TestAnalysis analysis = TestAnalysis.builder().column("n", "n", ColumnType.INTEGER);
        for (int i = 0; i < count; i++) {
            analysis.row(Integer.toString(i));
        }
        return analysis.build();
    }
}
