package io.datapusher.worker.datastore;

/**
 * The swap committed, so the new data is live, but what the load does on the live table afterwards
 * (its text columns' full-text indexes) did not finish. The table's marker says what is left; a
 * resumed job builds it ({@link DatastoreLoader#completePendingIndexes}).
 */
public class LiveButUnfinishedException extends LoadException {

    public LiveButUnfinishedException(String message, Throwable cause) {
        super(message, cause);
    }
}
