package io.datapusher.worker.analyze;

import java.io.IOException;
import java.util.Optional;

/**
 * A table that can be read from the start as often as needed: the analysis reads it, the COPY row
 * stream reads it again. Each {@link #open()} returns a fresh reader that yields the same records.
 */
public interface RecordSource {

    RecordReader open() throws IOException, AnalysisException;

    /** How the text was decoded, for the job record, e.g. {@code UTF-8} or {@code windows-1252}. */
    String encoding();

    /** How the records were found, for the job record, e.g. {@code csv, delimiter ';'} or {@code xlsx, sheet "Data"}. */
    String format();

    /** The field separator as a setting writes it ({@code ;}, {@code tab}), for delimited text. */
    default Optional<String> delimiter() {
        return Optional.empty();
    }

    /** The name of the sheet being read, for a workbook. */
    default Optional<String> sheet() {
        return Optional.empty();
    }
}
