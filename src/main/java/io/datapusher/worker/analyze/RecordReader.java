package io.datapusher.worker.analyze;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Reads the records of one table in order. This is the seam between file formats and the table
 * logic: a CSV reader and a spreadsheet reader both produce {@link SourceRecord}s, and
 * {@link TableAnalyzer} does the rest (header, title rows, ragged rows, types, COPY output).
 *
 * <p>A reader may return records whose cells are all empty (blank lines); the table logic skips
 * them. Records must come in file order with non-decreasing line numbers.
 */
public interface RecordReader extends Closeable {

    /** The next record, or null at the end of the table. */
    SourceRecord next() throws IOException, AnalysisException;

    /**
     * Things the reader noticed about the file itself that a curator should know (e.g. a CSV quote
     * that swallowed many lines). Read after the last {@link #next()}.
     */
    default List<String> warnings() {
        return List.of();
    }
}
