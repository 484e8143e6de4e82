package io.datapusher.worker.analyze;

import java.util.List;

/**
 * The result of analysing a file: its columns, how many data rows it has, how it was read, and a
 * way to stream its rows again for the load.
 *
 * @param columns  the columns to create, in file order
 * @param rows     data rows (records after the header with at least one non-empty cell)
 * @param encoding the character set the file was decoded with, e.g. {@code UTF-8}
 * @param format   a short description of the dialect, e.g. {@code csv, delimiter ';'}
 * @param warnings things a curator should know that did not stop the load
 * @param rowStream re-reads the file for COPY
 * @param reading  the delimiter, sheet and header line the analysis settled on
 */
public record Analysis(List<ColumnProfile> columns, long rows, String encoding, String format,
                       List<String> warnings, RowStream rowStream, Reading reading) {

    public Analysis(List<ColumnProfile> columns, long rows, String encoding, String format,
                    List<String> warnings, RowStream rowStream) {
        this(columns, rows, encoding, format, warnings, rowStream, Reading.UNKNOWN);
    }
}
