package io.datapusher.worker.datastore;

import io.datapusher.worker.formats.CsvAnalyzer;
import io.datapusher.worker.testsupport.LoaderTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A resource loaded in full by {@link #loader}, then incrementally by {@link #incremental}, with history on, as by default. */
abstract class IncrementalTestBase extends LoaderTestBase {

    @TempDir
    Path dir;
    IncrementalLoad incremental;

    @BeforeEach
    void setUpIncremental() throws Exception {
        DatastoreConnections connections = DatastoreConnections.fromCkanUrl(db.writeUrl());
        History history = new History(connections, HistoryPolicy.DEFAULT);
        loader = new DatastoreLoader(connections, LoaderSettings.defaults(), history);
        incremental = new IncrementalLoad(connections, maxFraction(), history);
    }

    /** {@code INGEST_INCREMENTAL_MAX_FRACTION}: the default unless a test's files are too small for it. */
    double maxFraction() {
        return 0.2;
    }

    LoadRequest request(String jobId, Path file) throws Exception {
        return new LoadRequest(rid, jobId, "h-" + file.getFileName(), new CsvAnalyzer().analyze(file), CkanVersion.of(2, 10));
    }
}
