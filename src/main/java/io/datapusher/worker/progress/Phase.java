package io.datapusher.worker.progress;

/**
 * Where a running job is, as the job's {@code progress.phase} names it. A load goes through them in
 * this order; a preview stops after {@code analysis}; {@code done} is the last value of a job that
 * ended well.
 */
public enum Phase {
    /** The file is streaming to disk: {@code bytes_done} of {@code bytes_total} (Content-Length, when the server sent one). */
    DOWNLOAD("download"),
    /**
     * The file is read for its header, types and row count: {@code rows_done} counts the rows its
     * typing pass has read; {@code rows_total} is known at its end.
     */
    ANALYSIS("analysis"),
    /** COPY puts the rows into the new table: {@code rows_done} of {@code rows_total}. */
    FILL("fill"),
    /** The indexes readers need at once are built on the new table. */
    INDEXES("indexes"),
    /** The new table takes the live one's place (waiting for readers of the live table, if any). */
    SWAP("swap"),
    /** The data is live; the full-text indexes of single text columns are built on the live table. */
    POST_SWAP_INDEXES("post-swap-indexes"),
    /** The load (or preview) ended well. */
    DONE("done");

    private final String id;

    Phase(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Whether {@code rows_done} counts this phase's own rows from zero. */
    boolean countsRows() {
        return this == ANALYSIS || this == FILL;
    }

    @Override
    public String toString() {
        return id;
    }
}
