package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.RecordReader;
import io.datapusher.worker.analyze.SourceRecord;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/** Reads the records of a delimited text file, each with the physical line it starts on. */
final class CsvRecordReader implements RecordReader {

    private final CsvDialect dialect;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final RunawayQuoteDetector runawayQuotes;

    private CsvRecordReader(CsvDialect dialect, CSVParser parser) {
        this.dialect = dialect;
        this.parser = parser;
        this.records = parser.iterator();
        this.runawayQuotes = new RunawayQuoteDetector(dialect.delimiter());
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

    @Override
    public SourceRecord next() throws AnalysisException {
        // The iterator parses the record in hasNext(), so the line counter read before it is
        // the number of line breaks that precede the record.
        long line = parser.getCurrentLineNumber() + 1;
        try {
            if (!records.hasNext()) {
                return null;
            }
            SourceRecord record = new SourceRecord(records.next().toList(), line);
            runawayQuotes.check(record.cells(), line);
            return record;
        } catch (UncheckedIOException e) {
            throw unparsable(line, e.getCause());
        } catch (IllegalStateException e) {
            throw unparsable(line, e);
        }
    }

    private AnalysisException unparsable(long line, Throwable cause) {
        String detail = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new AnalysisException("the file cannot be read as CSV with delimiter '"
                + CsvDialect.printable(dialect.delimiter()) + "': the record starting on line " + line
                + " does not parse" + detail, cause);
    }

    @Override
    public List<String> warnings() {
        return runawayQuotes.warnings();
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
