package io.datapusher.worker.formats;

import org.apache.commons.csv.CSVFormat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * How a file is read: its detected encoding (byte order mark skipped) and RFC 4180 with a sniffed
 * delimiter. The analysis and the row stream both read through this, so they can never disagree
 * about a record.
 */
record CsvDialect(char delimiter, DetectedEncoding encoding) {

    /**
     * Blank lines are kept as records (not ignored by the parser) so that the parser's line counter
     * stays in step with the file; the table logic skips records whose cells are all empty. No
     * trimming, no escape character, no null string: every cell arrives exactly as written.
     *
     * <p>Text after a closing quote ({@code "a"b}) is kept as part of the cell, as Python's csv
     * module and spreadsheet programs do; it is what lets a file with one stray quote load at all
     * (the runaway-quote check then says where it went wrong). A quote still open at the end of the
     * file is an error: there is no later line to blame.
     */
    static CSVFormat csvFormat(char delimiter) {
        return strictCsvFormat(delimiter).builder().setTrailingData(true).get();
    }

    /**
     * The same without text after a closing quote: for the delimiter sniffer, to which a quote that
     * only parses with one delimiter ({@code "a";"b"} read with {@code ,}) is evidence.
     */
    static CSVFormat strictCsvFormat(char delimiter) {
        return CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setIgnoreEmptyLines(false)
                .setIgnoreSurroundingSpaces(false)
                .setTrim(false)
                .setNullString(null)
                .setEscape((Character) null)
                .get();
    }

    CSVFormat csvFormat() {
        return csvFormat(delimiter);
    }

    Reader open(Path file) throws IOException {
        return EncodingDetector.open(file, encoding);
    }

    /** E.g. {@code csv, delimiter ';'}; a tab is shown as {@code '\t'} so the text stays on one line. */
    String describe() {
        return "csv, delimiter '" + printable(delimiter) + "'";
    }

    static String printable(char delimiter) {
        return delimiter == '\t' ? "\\t" : String.valueOf(delimiter);
    }
}
