package io.datapusher.worker.datastore;

/**
 * Another load of the same resource holds its lock (on this replica or another). Nothing was
 * changed; the job should run again once that load has ended, rather than wait for it on a
 * consumer that could run other resources' jobs meanwhile.
 */
public class ResourceBusyException extends LoadException {

    public ResourceBusyException(String message) {
        super(message);
    }
}
