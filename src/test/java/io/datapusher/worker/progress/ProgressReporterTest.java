package io.datapusher.worker.progress;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a job's progress says, and when it is written: the arithmetic of the ETA, the every-tenth
 * milestones of a long load, and the throttle, all on a clock the test moves by hand.
 */
class ProgressReporterTest {

    /** A clock that stands still until the test moves it. */
    private static final class HandClock extends Clock {
        private Instant now = Instant.parse("2026-12-06T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final HandClock clock = new HandClock();
    private final JobProgress progress = new JobProgress(clock);
    private final ProgressReporter reporter = new ProgressReporter(progress);

    @Test
    void theProgressHasExactlyTheSixFieldsOfTheContract() {
        progress.enter(Phase.DOWNLOAD);
        Map<String, Object> written = reporter.due().orElseThrow().progress();
        assertEquals(List.of("phase", "rows_done", "rows_total", "bytes_done", "bytes_total", "eta_seconds"),
                List.copyOf(written.keySet()));
        assertEquals("download", written.get("phase"));
        assertNull(written.get("rows_done"), "no rows are counted before the fill");
        assertNull(written.get("bytes_total"), "nor a size before the server says it");
        assertNull(written.get("eta_seconds"));
    }

    @Test
    void nothingIsWrittenBeforeTheFirstPhase() {
        assertTrue(reporter.due().isEmpty());
        reporter.end(false);
        assertTrue(reporter.last().isEmpty(), "what an earlier run wrote stays");
    }

    @Test
    void writesComeAtMostEveryTwoSecondsAndOnlyOnAChange() {
        progress.enter(Phase.DOWNLOAD);
        progress.bytesTotal(1000);
        assertTrue(reporter.due().isPresent(), "the first write comes at once");

        progress.bytes(100);
        clock.advance(Duration.ofMillis(1999));
        assertTrue(reporter.due().isEmpty(), "not within 2 s of the last write");
        clock.advance(Duration.ofMillis(1));
        assertEquals(100L, reporter.due().orElseThrow().progress().get("bytes_done"));

        clock.advance(Duration.ofSeconds(5));
        progress.bytes(1000);
        reporter.due().orElseThrow();
        clock.advance(Duration.ofSeconds(5));
        assertTrue(reporter.due().isEmpty(), "nothing changed since the last write");
    }

    @Test
    void theEtaIsTheRestOfThePhaseAtItsRateSoFar() {
        progress.enter(Phase.DOWNLOAD);
        progress.bytesTotal(10_000);
        progress.bytes(2_500);
        clock.advance(Duration.ofMillis(500));
        assertNull(reporter.due().orElseThrow().progress().get("eta_seconds"), "no estimate in a phase's first second");

        clock.advance(Duration.ofMillis(2000));
        // 2,500 bytes in 2.5 s: 7,500 more take 7.5 s, rounded up
        assertEquals(8L, reporter.due().orElseThrow().progress().get("eta_seconds"));

        progress.enter(Phase.ANALYSIS);
        clock.advance(Duration.ofSeconds(3));
        assertNull(reporter.due().orElseThrow().progress().get("eta_seconds"), "the analysis has no total to go by");

        progress.rowsTotal(1_000);
        progress.enter(Phase.FILL);
        clock.advance(Duration.ofSeconds(3));
        progress.rows(400);
        Map<String, Object> fill = reporter.due().orElseThrow().progress();
        // 400 rows in 3 s: 600 more take 4.5 s, rounded up
        assertEquals(5L, fill.get("eta_seconds"));
        assertEquals(400L, fill.get("rows_done"));
        assertEquals(1_000L, fill.get("rows_total"));
        assertEquals(10_000L, fill.get("bytes_total"), "the bytes stay as the download left them");
    }

    @Test
    void etaArithmetic() {
        assertNull(ProgressReporter.eta(0, 100, Duration.ofSeconds(10)), "nothing done yet");
        assertNull(ProgressReporter.eta(10, -1, Duration.ofSeconds(10)), "no total");
        assertEquals(90L, ProgressReporter.eta(10, 100, Duration.ofSeconds(10)));
        assertEquals(1L, ProgressReporter.eta(999, 1000, Duration.ofSeconds(10)), "rounded up, never 0 before the end");
        assertEquals(0L, ProgressReporter.eta(100, 100, Duration.ofSeconds(10)));
    }

    @Test
    void aLongLoadGetsAMilestoneAtEachTenthItIsSeenToPass() {
        progress.rowsTotal(1_000_000);
        progress.enter(Phase.FILL);
        List<Long> logged = new ArrayList<>();
        for (long done = 50_000; done <= 1_000_000; done += 50_000) {
            progress.rows(done);
            clock.advance(Duration.ofSeconds(2));
            Optional<ProgressReporter.Report> report = reporter.due();
            List<ProgressReporter.Milestone> milestones = report.orElseThrow().milestones();
            logged.clear();
            milestones.forEach(m -> logged.add(m.rowsDone()));
        }
        assertEquals(List.of(100_000L, 200_000L, 300_000L, 400_000L, 500_000L, 600_000L, 700_000L, 800_000L,
                900_000L, 1_000_000L), logged, "one a tenth, never two for the same tenth");
    }

    @Test
    void aFastFillGetsFewerMilestonesButAlwaysItsLast() {
        progress.rowsTotal(300_000);
        progress.enter(Phase.FILL);
        progress.rows(130_000);
        reporter.due().orElseThrow();
        progress.rows(170_000);
        clock.advance(Duration.ofSeconds(1));
        assertTrue(reporter.due().isEmpty(), "a tenth passed within the interval waits for the next write");
        progress.rows(300_000);
        progress.enter(Phase.INDEXES);
        clock.advance(Duration.ofSeconds(1));

        ProgressReporter.Report report = reporter.due().orElseThrow();
        assertEquals(List.of(130_000L, 300_000L), report.milestones().stream().map(ProgressReporter.Milestone::rowsDone).toList());
        assertEquals(Instant.parse("2026-12-06T10:00:02Z"), report.milestones().get(1).at());
        assertEquals(Map.of("at", "2026-12-06T10:00:02Z", "rows_done", 300_000L, "rows_total", 300_000L),
                report.milestones().get(1).toJson());
    }

    @Test
    void aShortLoadGetsNoMilestones() {
        progress.rowsTotal(ProgressReporter.LONG_LOAD_ROWS - 1);
        progress.enter(Phase.FILL);
        progress.rows(ProgressReporter.LONG_LOAD_ROWS - 1);
        progress.enter(Phase.SWAP);
        assertEquals(List.of(), reporter.due().orElseThrow().milestones());
        reporter.end(true);
        assertEquals(List.of(), reporter.last().orElseThrow().milestones());
    }

    @Test
    void aCompletedJobEndsDoneAndAStoppedOneKeepsItsPhase() {
        progress.rowsTotal(10);
        progress.enter(Phase.FILL);
        progress.rows(10);
        progress.enter(Phase.SWAP);
        reporter.due().orElseThrow();
        reporter.end(true);
        Map<String, Object> done = reporter.last().orElseThrow().progress();
        assertEquals("done", done.get("phase"));
        assertEquals(0L, done.get("eta_seconds"));

        JobProgress failing = new JobProgress(clock);
        ProgressReporter stopped = new ProgressReporter(failing);
        failing.enter(Phase.FILL);
        clock.advance(Duration.ofSeconds(5));
        failing.rowsTotal(1000);
        failing.rows(10);
        stopped.end(false);
        Map<String, Object> last = stopped.last().orElseThrow().progress();
        assertEquals("fill", last.get("phase"), "the phase it reached");
        assertNull(last.get("eta_seconds"));
    }

    @Test
    void theAnalysisCountsTheRowsItReadsAndTheFillCountsAgainFromZero() {
        progress.enter(Phase.ANALYSIS);
        progress.rows(600);
        Map<String, Object> analysis = reporter.due().orElseThrow().progress();
        assertEquals(600L, analysis.get("rows_done"));
        assertNull(analysis.get("rows_total"), "known only at the analysis' end");

        progress.rows(1000);
        progress.rowsTotal(1000);
        progress.enter(Phase.FILL);
        clock.advance(Duration.ofSeconds(2));
        ProgressReporter.Report fill = reporter.due().orElseThrow();
        assertEquals(0L, fill.progress().get("rows_done"));
        assertEquals(Map.of(Phase.ANALYSIS, 400L), fill.rowsThrough(), "the rest of the analysis' rows, once left");
    }

    @Test
    void rowsPerPhaseAddUpToTheRowsOfTheFill() {
        progress.rowsTotal(1000);
        progress.enter(Phase.FILL);
        progress.rows(300);
        assertEquals(Map.of(Phase.FILL, 300L), reporter.due().orElseThrow().rowsThrough());
        progress.rows(700);
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Map.of(Phase.FILL, 400L), reporter.due().orElseThrow().rowsThrough());
        progress.rows(1000);
        progress.enter(Phase.INDEXES);
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Map.of(Phase.FILL, 300L), reporter.due().orElseThrow().rowsThrough(), "the rest of the fill, once left");
        clock.advance(Duration.ofSeconds(2));
        progress.enter(Phase.SWAP);
        assertEquals(Map.of(), reporter.due().orElseThrow().rowsThrough());
    }
}
