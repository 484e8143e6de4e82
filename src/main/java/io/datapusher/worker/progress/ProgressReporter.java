package io.datapusher.worker.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns one job's counters into what the job row shows, and decides when that is worth writing:
 * <ul>
 *   <li>the job's {@code progress}: {@code {"phase", "rows_done", "rows_total", "bytes_done",
 *       "bytes_total", "eta_seconds"}}, unknown values null; written at most every
 *       {@link #INTERVAL}, and only when it changed;</li>
 *   <li>the upload log's milestones ("Loaded 400,000 of 1,000,000 rows"): on a write that finds
 *       the fill past a new tenth of a long load (at least {@link #LONG_LOAD_ROWS} rows), so about
 *       one a tenth, fewer when a tenth takes less than the interval. The last is always written,
 *       when all rows are in;</li>
 *   <li>the rows each phase went through since the last write, for the rows-per-second metric.</li>
 * </ul>
 * The ETA is the time left in the current phase at the rate it has had so far: bytes for the
 * download (when the size is known), rows for the fill; null elsewhere, and in a phase's first
 * second. Not thread-safe: one writer asks it, one job's threads bump its {@link JobProgress}.
 */
public final class ProgressReporter {

    /** The least time between two writes of a job's progress. */
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    /** Loads of at least this many rows get "Loaded N of M rows" lines in their upload log. */
    public static final long LONG_LOAD_ROWS = 100_000;
    private static final Duration FIRST_ESTIMATE_AFTER = Duration.ofSeconds(1);

    /** What to write: the job's progress, its milestones so far (all of them), and the rows per phase since the last write. */
    public record Report(Map<String, Object> progress, List<Milestone> milestones, Map<Phase, Long> rowsThrough) {
    }

    /** A line of the upload log: at {@code at}, {@code rowsDone} of {@code rowsTotal} rows were in. */
    public record Milestone(Instant at, long rowsDone, long rowsTotal) {

        /** As the job's {@code progress_log} keeps it. */
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("at", at.toString());
            json.put("rows_done", rowsDone);
            json.put("rows_total", rowsTotal);
            return json;
        }
    }

    private final JobProgress progress;
    private final List<Milestone> milestones = new ArrayList<>();
    private Instant lastWrite;
    private Map<String, Object> lastWritten;
    private int tenthsLogged;
    private Phase countedPhase;
    private long countedRows;
    private volatile Ending ending;

    private enum Ending { COMPLETED, STOPPED }

    public ProgressReporter(JobProgress progress) {
        this.progress = progress;
    }

    public JobProgress progress() {
        return progress;
    }

    /** The job ended: the next write is its last (see {@link #last()}). */
    public void end(boolean completed) {
        ending = completed ? Ending.COMPLETED : Ending.STOPPED;
    }

    public boolean ended() {
        return ending != null;
    }

    /**
     * The report to write now, if any: none before the job reached its first phase, within
     * {@link #INTERVAL} of the last write, or when nothing changed since.
     */
    public Optional<Report> due() {
        Phase phase = progress.phase();
        Instant now = progress.clock().instant();
        if (phase == null || lastWrite != null && Duration.between(lastWrite, now).compareTo(INTERVAL) < 0) {
            return Optional.empty();
        }
        return report(phase, now, false);
    }

    /**
     * The final report, whatever the interval: a job that completed shows phase {@code done} and
     * an ETA of 0; one that stopped (failed, or back to the queue) keeps the phase it reached,
     * without an ETA. Empty when the job never reached a phase (it resumed past its load, say),
     * so that what an earlier run wrote stays.
     */
    public Optional<Report> last() {
        Phase phase = progress.phase();
        if (phase == null) {
            return Optional.empty();
        }
        Instant now = progress.clock().instant();
        return report(ending == Ending.COMPLETED ? Phase.DONE : phase, now, true);
    }

    private Optional<Report> report(Phase phase, Instant now, boolean last) {
        long rowsDone = progress.rowsDone();
        long rowsTotal = progress.rowsTotal();
        boolean newMilestone = milestone(phase, rowsDone, rowsTotal, now);
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("phase", phase.id());
        snapshot.put("rows_done", known(rowsDone));
        snapshot.put("rows_total", known(rowsTotal));
        snapshot.put("bytes_done", known(progress.bytesDone()));
        snapshot.put("bytes_total", known(progress.bytesTotal()));
        snapshot.put("eta_seconds", last ? (phase == Phase.DONE ? Long.valueOf(0) : null) : eta(phase, now));
        if (!newMilestone && Objects.equals(snapshot, lastWritten) && !last) {
            return Optional.empty();
        }
        lastWrite = now;
        lastWritten = snapshot;
        return Optional.of(new Report(snapshot, List.copyOf(milestones), rowsThrough(phase, rowsDone, rowsTotal)));
    }

    /** Adds a milestone when the fill of a long load is past a tenth it has not logged yet. */
    private boolean milestone(Phase phase, long done, long total, Instant now) {
        if (total < LONG_LOAD_ROWS || done <= 0 || phase.ordinal() < Phase.FILL.ordinal()) {
            return false;
        }
        int tenths = (int) Math.min(10, done * 10 / total);
        if (tenths <= tenthsLogged) {
            return false;
        }
        tenthsLogged = tenths;
        milestones.add(new Milestone(now, Math.min(done, total), total));
        return true;
    }

    private Long eta(Phase phase, Instant now) {
        Duration elapsed = Duration.between(Instant.ofEpochMilli(progress.phaseStartedMillis()), now);
        return switch (phase) {
            case DOWNLOAD -> eta(progress.bytesDone(), progress.bytesTotal(), elapsed);
            case FILL -> eta(progress.rowsDone(), progress.rowsTotal(), elapsed);
            default -> null;
        };
    }

    /** Seconds left, rounded up, at the rate so far; null until a second has passed and some work is done. */
    static Long eta(long done, long total, Duration elapsed) {
        if (done <= 0 || total <= 0 || elapsed.compareTo(FIRST_ESTIMATE_AFTER) < 0) {
            return null;
        }
        if (done >= total) {
            return 0L;
        }
        double nanosPerUnit = elapsed.toNanos() / (double) done;
        return (long) Math.ceil((total - done) * nanosPerUnit / 1e9);
    }

    /**
     * The rows each phase went through since the last report. A phase left since then is credited
     * with the rest of its rows (all of them went through it), the current one with its count so far.
     */
    private Map<Phase, Long> rowsThrough(Phase phase, long rowsDone, long rowsTotal) {
        Map<Phase, Long> through = new LinkedHashMap<>();
        if (countedPhase != null && countedPhase != phase && rowsTotal > countedRows) {
            through.put(countedPhase, rowsTotal - countedRows);
        }
        if (phase.countsRows()) {
            long before = countedPhase == phase ? countedRows : 0;
            if (rowsDone > before) {
                through.merge(phase, rowsDone - before, Long::sum);
            }
            countedPhase = phase;
            countedRows = Math.max(before, rowsDone);
        } else {
            countedPhase = null;
            countedRows = 0;
        }
        return through;
    }

    private static Long known(long value) {
        return value < 0 ? null : value;
    }
}
