package io.datapusher.worker.datastore;

/** How a job put its file into the DataStore: the job's {@code load}. */
public enum LoadPath {
    /** A new table built beside the live one and swapped in. */
    FULL("full"),
    /** Only the rows added at the end of the file, inserted into the live table. */
    APPEND("append"),
    /** Rows matched by the table's primary_key: new keys inserted, changed rows updated, keys gone deleted. */
    KEYED("keyed");

    private final String id;

    LoadPath(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
