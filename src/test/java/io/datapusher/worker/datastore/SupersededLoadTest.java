package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.LoaderTestBase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** An older job never overwrites what a newer job has already committed (docs/how-a-job-runs.md, `superseded`). */
class SupersededLoadTest extends LoaderTestBase {

    private static final Instant OLDER = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant NEWER = Instant.parse("2026-01-01T10:05:00Z");


    private static Analysis rows(int count) {
        TestAnalysis builder = TestAnalysis.builder().column("n", "n", ColumnType.INTEGER);
        for (int i = 0; i < count; i++) {
            builder.row(String.valueOf(i));
        }
        return builder.build();
    }

    @Test
    void anOlderJobLoadingAfterANewerOneIsSupersededAndChangesNothing() throws Exception {
        loader.load(new LoadRequest(rid, "newer", "hash-new", rows(3), CkanVersion.of(2, 11), NEWER));
        String before = db.queryOne("SELECT obj_description('\"" + rid + "\"'::regclass, 'pg_class')");

        SupersededException e = assertThrows(SupersededException.class, () ->
                loader.load(new LoadRequest(rid, "older", "hash-old", rows(5), CkanVersion.of(2, 11), OLDER)));

        assertEquals("job newer, created after this one, has already loaded newer data; nothing was changed", e.getMessage());
        assertEquals("3", db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertEquals(before, db.queryOne("SELECT obj_description('\"" + rid + "\"'::regclass, 'pg_class')"));
        assertEquals("newer", loader.describe(rid).orElseThrow().marker().orElseThrow().jobId());
    }

    @Test
    void aNewerJobReplacesAnOlderOneAndTheSameJobMayLoadAgain() throws Exception {
        loader.load(new LoadRequest(rid, "older", "hash-old", rows(3), CkanVersion.of(2, 11), OLDER));
        loader.load(new LoadRequest(rid, "newer", "hash-new", rows(4), CkanVersion.of(2, 11), NEWER));
        loader.load(new LoadRequest(rid, "newer", "hash-new", rows(4), CkanVersion.of(2, 11), NEWER));

        LiveTable.Marker marker = loader.describe(rid).orElseThrow().marker().orElseThrow();
        assertEquals("newer", marker.jobId());
        assertEquals(NEWER, marker.jobCreatedAt());
        assertEquals("4", db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
    }
}
