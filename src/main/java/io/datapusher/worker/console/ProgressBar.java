package io.datapusher.worker.console;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A running job's {@code progress} as the console draws it: an HTML {@code <progress>} bar (no
 * script, no inline style) with its rows and ETA in words.
 *
 * @param percent 0 to 100, from rows when their total is known, else from bytes; -1 when neither is
 * @param done    e.g. {@code 120,000 of 300,000 rows}
 * @param eta     e.g. {@code ETA 12 s}; empty until the loader can estimate it
 */
public record ProgressBar(String phase, int percent, String done, String eta) {

    /** Empty when the job has no progress (before its download starts, or once it ended). */
    static Optional<ProgressBar> of(Map<String, Object> progress) {
        if (progress == null || progress.isEmpty()) {
            return Optional.empty();
        }
        Long rowsDone = number(progress.get("rows_done"));
        Long rowsTotal = number(progress.get("rows_total"));
        Long bytesDone = number(progress.get("bytes_done"));
        Long bytesTotal = number(progress.get("bytes_total"));
        int percent = -1;
        if (rowsDone != null && rowsTotal != null && rowsTotal > 0) {
            percent = (int) Math.min(100, rowsDone * 100 / rowsTotal);
        } else if (bytesDone != null && bytesTotal != null && bytesTotal > 0) {
            percent = (int) Math.min(100, bytesDone * 100 / bytesTotal);
        }
        String done;
        if (rowsDone != null) {
            done = Shown.count(rowsDone) + (rowsTotal != null ? " of " + Shown.count(rowsTotal) : "") + " rows";
        } else if (bytesDone != null) {
            done = Shown.bytes(bytesDone) + (bytesTotal != null ? " of " + Shown.bytes(bytesTotal) : "");
        } else {
            done = "";
        }
        Long eta = number(progress.get("eta_seconds"));
        return Optional.of(new ProgressBar(Shown.text(progress.get("phase")), percent, done,
                eta == null ? "" : "ETA " + Shown.duration(Duration.ofSeconds(eta))));
    }

    public boolean measured() {
        return percent >= 0;
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }
}
