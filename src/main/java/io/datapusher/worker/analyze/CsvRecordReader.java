package io.datapusher.worker.analyze;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the records of a file that carry data, each with the physical line it starts on. Records
 * whose cells are all empty (blank lines, {@code ,,,,}) are skipped here, once, for both the
 * analysis and the row stream: there is nothing in them to lose.
 */
final class CsvRecordReader implements Closeable {

    /** A record and the 1-based physical line of its first character. */
    record SourceRecord(long line, CSVRecord cells) {

        int size() {
            return cells.size();
        }

        /** The cell at {@code index}; a record shorter than the header reads as empty cells (NULL). */
        String cell(int index) {
            return index < cells.size() ? cells.get(index) : "";
        }
    }

    private final CsvDialect dialect;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;

    private CsvRecordReader(CsvDialect dialect, CSVParser parser) {
        this.dialect = dialect;
        this.parser = parser;
        this.records = parser.iterator();
    }

    static CsvRecordReader open(Path file, CsvDialect dialect) throws IOException {
        Reader text = dialect.open(file);
        try {
            return new CsvRecordReader(dialect, CSVParser.parse(text, dialect.csvFormat()));
        } catch (IOException | RuntimeException e) {
            text.close();
            throw e;
        }
    }

    /** The next record with at least one non-empty cell, or null at the end of the file. */
    SourceRecord next() throws AnalysisException {
        while (true) {
            // The iterator parses the record in hasNext(), so the line counter read before it is
            // the number of line breaks that precede the record.
            long line = parser.getCurrentLineNumber() + 1;
            CSVRecord record;
            try {
                if (!records.hasNext()) {
                    return null;
                }
                record = records.next();
            } catch (UncheckedIOException e) {
                throw unparsable(line, e.getCause());
            } catch (IllegalStateException e) {
                throw unparsable(line, e);
            }
            if (!isBlank(record)) {
                return new SourceRecord(line, record);
            }
        }
    }

    static boolean isBlank(CSVRecord record) {
        for (String cell : record) {
            if (!isEmptyCell(cell)) {
                return false;
            }
        }
        return true;
    }

    /** Only empty cells are NULL; a cell of spaces counts as empty, "NA" or "-" do not. */
    static boolean isEmptyCell(String cell) {
        return cell == null || cell.isBlank();
    }

    /**
     * Fails on a record wider than the header unless the surplus cells are empty, which is what
     * trailing delimiters produce. Wider records are never loaded shifted.
     */
    static void checkWidth(SourceRecord record, int headerWidth) throws AnalysisException {
        if (record.size() <= headerWidth) {
            return;
        }
        for (int i = headerWidth; i < record.size(); i++) {
            if (!isEmptyCell(record.cells().get(i))) {
                throw new AnalysisException("line " + record.line() + " has " + record.size()
                        + " cells but the header has " + headerWidth);
            }
        }
    }

    private AnalysisException unparsable(long line, Throwable cause) {
        String detail = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new AnalysisException("the file cannot be read as CSV with delimiter '"
                + CsvDialect.printable(dialect.delimiter()) + "': the record starting on line " + line
                + " does not parse" + detail, cause);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
