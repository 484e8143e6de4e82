package io.datapusher.worker.analyze;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.csv.CSVFormat;

/**
 * How a file is read: UTF-8 (BOM skipped when present) and RFC 4180 with a sniffed delimiter. The
 * analysis and the row stream both read through this, so they can never disagree about a record.
 */
record CsvDialect(char delimiter, boolean bom) {

    static final String ENCODING = "UTF-8";

    /**
     * Blank lines are kept as records (not ignored by the parser) so that the parser's line counter
     * stays in step with the file; the caller skips records whose cells are all empty. No trimming,
     * no escape character, no null string: every cell arrives exactly as written.
     */
    CSVFormat csvFormat() {
        return CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setIgnoreEmptyLines(false)
                .setIgnoreSurroundingSpaces(false)
                .setTrim(false)
                .setNullString(null)
                .setEscape((Character) null)
                .get();
    }

    Reader open(Path file) throws IOException {
        return openText(file, bom);
    }

    /** Strict decoding: the file was validated, so a decoding error here means it changed under us. */
    static Reader openText(Path file, boolean bom) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            if (bom) {
                in.skipNBytes(Utf8Validator.BOM_LENGTH);
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** E.g. {@code csv, delimiter ';'}; a tab is shown as {@code '\t'} so the text stays on one line. */
    String describe() {
        return "csv, delimiter '" + printable(delimiter) + "'";
    }

    static String printable(char delimiter) {
        return delimiter == '\t' ? "\\t" : String.valueOf(delimiter);
    }
}
