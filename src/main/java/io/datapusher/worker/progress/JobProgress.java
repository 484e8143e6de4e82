package io.datapusher.worker.progress;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters of one running job, bumped by the threads doing the work and read by the
 * {@link ProgressReporter}. Each counter has one writer at a time (the download loop, the COPY
 * producer), so an update is a plain ordered store: the row loop pays for no lock, no allocation
 * and no contended atomic.
 */
public final class JobProgress {

    static final long UNKNOWN = -1;

    private final Clock clock;
    private volatile Phase phase;
    private volatile long phaseStartedMillis;
    private final AtomicLong rowsDone = new AtomicLong(UNKNOWN);
    private final AtomicLong bytesDone = new AtomicLong(UNKNOWN);
    private volatile long rowsTotal = UNKNOWN;
    private volatile long bytesTotal = UNKNOWN;

    public JobProgress(Clock clock) {
        this.clock = clock;
    }

    /** Counters nobody reads, for work that runs outside a tracked job (tests, tools). */
    public static JobProgress untracked() {
        return new JobProgress(Clock.systemUTC());
    }

    /** The job moves on to {@code next}; a phase that counts rows starts from zero. */
    public void enter(Phase next) {
        if (next.countsRows()) {
            rowsDone.set(0);
        }
        phaseStartedMillis = clock.millis();
        phase = next;
    }

    /** Rows the current phase has been through so far. */
    public void rows(long done) {
        rowsDone.lazySet(done);
    }

    /** Bytes of the file received so far (a retried download starts again from 0). */
    public void bytes(long done) {
        bytesDone.lazySet(done);
    }

    /** @param total the file's size; negative when the server did not say (or said it of the gzip-encoded body) */
    public void bytesTotal(long total) {
        bytesTotal = total < 0 ? UNKNOWN : total;
    }

    /** The rows the load puts in, known once the analysis counted them. */
    public void rowsTotal(long total) {
        rowsTotal = total < 0 ? UNKNOWN : total;
    }

    Clock clock() {
        return clock;
    }

    /** Null before the job reached its first phase. */
    Phase phase() {
        return phase;
    }

    long phaseStartedMillis() {
        return phaseStartedMillis;
    }

    long rowsDone() {
        return rowsDone.get();
    }

    long bytesDone() {
        return bytesDone.get();
    }

    long rowsTotal() {
        return rowsTotal;
    }

    long bytesTotal() {
        return bytesTotal;
    }
}
