package io.datapusher.worker.datastore;

import java.time.Instant;

/**
 * What a committed restore did.
 *
 * @param version      the version that is live again
 * @param hash         the md5 of the resource's current file, which CKAN's {@code hash} keeps (see {@link Restore}); null when unknown
 * @param rows         its rows
 * @param columns      how many data columns it has
 * @param swapMillis   time spent in the swap, waiting for readers included
 * @param swapAttempts how many tries the swap needed
 * @param liveAt       when the swap committed
 * @param changesUndone for a version an incremental load changed in place, how many such changes were
 *                     undone in the live table instead of a swap (see {@link InPlaceUndo}); 0 for a swap
 */
public record RestoreResult(String version, String hash, long rows, int columns, long swapMillis, int swapAttempts,
                            Instant liveAt, int changesUndone) {
}
