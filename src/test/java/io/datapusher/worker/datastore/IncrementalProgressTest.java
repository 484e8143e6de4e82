package io.datapusher.worker.datastore;

import io.datapusher.worker.progress.JobProgress;
import io.datapusher.worker.progress.Phase;
import io.datapusher.worker.progress.ProgressReporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An incremental load shows its progress like a full one: its fill counts every row of the new
 * file as it reads it, the loaded rows it checks and the new ones it sends, so that a long keyed
 * or appended load does not sit at 0 rows until it ends. A file that is not an append of the
 * loaded one is not read to the end of the loaded rows to find that out.
 */
class IncrementalProgressTest extends IncrementalTestBase {

    @Test
    void anAppendCountsEveryRowOfTheNewFile() throws Exception {
        loader.load(request("job-1", csv("v1", 300, false)));
        JobProgress progress = inFill();

        IncrementalLoad.Outcome appended = incremental.tryLoad(request("job-2", csv("v2", 330, false)), false, progress);

        assertEquals(LoadPath.APPEND, appended.path(), appended.reason());
        assertEquals(330L, rowsDone(progress));
    }

    @Test
    void aKeyedLoadCountsEveryRowOfTheNewFile() throws Exception {
        loader.load(request("job-1", csv("v1", 300, false)));
        db.writerExecute("CREATE UNIQUE INDEX \"" + IndexNames.ckanName(rid, "\"id\"") + "\" ON \"" + rid + "\" (\"id\")");
        JobProgress progress = inFill();

        IncrementalLoad.Outcome keyed = incremental.tryLoad(request("job-2", csv("v2", 305, true)), false, progress);

        assertEquals(LoadPath.KEYED, keyed.path(), keyed.reason());
        assertEquals(304L, rowsDone(progress), "305 rows less the one the new file dropped");
    }

    @Test
    void aFileThatPartsFromTheLoadedRowsNearItsStartIsFoundOutThereNotAfterEveryLoadedRow() throws Exception {
        loader.load(request("job-1", csv("v1", 3000, false)));
        JobProgress progress = inFill();

        // row 3 is gone: no append, and with no primary_key no keyed load either
        IncrementalLoad.Outcome outcome = incremental.tryLoad(request("job-2", csv("v2", 3300, true)), false, progress);

        assertEquals(LoadPath.FULL, outcome.path());
        long read = rowsDone(progress);
        assertTrue(read <= 6, "a difference at row 3 is proven by row 6 (the checkpoints double), but " + read
                + " rows were read");
    }

    /** As the load step starts an incremental load: in the fill, at 0 rows. */
    private static JobProgress inFill() {
        JobProgress progress = new JobProgress(Clock.systemUTC());
        progress.enter(Phase.FILL);
        return progress;
    }

    private static long rowsDone(JobProgress progress) {
        ProgressReporter reporter = new ProgressReporter(progress);
        reporter.end(false);
        Map<String, Object> shown = reporter.last().orElseThrow().progress();
        return ((Number) shown.get("rows_done")).longValue();
    }

    private Path csv(String name, int rows, boolean changed) throws Exception {
        return IncrementalFiles.csv(dir, name, rows, changed);
    }
}
