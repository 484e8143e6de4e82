package io.datapusher.worker.datastore;

/** The drift policy refused the load before its swap changed anything; the drift says what it saw. */
public class DriftRefusedException extends LoadException {

    private final transient SchemaDrift drift;

    public DriftRefusedException(String message, SchemaDrift drift) {
        super(message);
        this.drift = drift;
    }

    public SchemaDrift drift() {
        return drift;
    }
}
