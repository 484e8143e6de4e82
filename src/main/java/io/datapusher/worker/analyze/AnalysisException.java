package io.datapusher.worker.analyze;

/** The file cannot be loaded as it is; the message says why in terms a curator understands. */
public class AnalysisException extends Exception {

    public AnalysisException(String message) {
        super(message);
    }

    public AnalysisException(String message, Throwable cause) {
        super(message, cause);
    }
}
