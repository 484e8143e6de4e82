package io.datapusher.worker.analyze;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Analyses a UTF-8 CSV file in one streaming pass: sniffs the delimiter, sanitises the headers,
 * infers a type per column over every value, and counts the rows. Nothing but counters and one
 * record at a time is held in memory, so the file size does not matter.
 *
 * <p>The rules (design.md section 5):
 * <ul>
 *   <li>the header is the first record with a non-empty cell; the labels are its cells untouched,
 *       the ids come from {@link HeaderSanitizer};</li>
 *   <li>every later record with a non-empty cell is a row, footers included; records of empty cells
 *       are skipped and not counted;</li>
 *   <li>a short record is padded with NULLs; a record wider than the header fails the analysis
 *       unless the surplus cells are empty (trailing delimiters);</li>
 *   <li>a column with a blank header and no values is left out; one with values gets a name;</li>
 *   <li>only empty (or whitespace-only) cells are NULL, and a type holds only if every other value
 *       of the column fits it ({@link TypeRules}).</li>
 * </ul>
 *
 * <p>The file is read three times, each cheap and sequential: a strict UTF-8 check of every byte
 * (so a bad byte deep in the file fails here, not in the middle of COPY), the analysis, and later
 * the {@link RowStream} for the load. Line numbers in messages are physical lines, 1-based, of the
 * start of the record.
 */
public final class CsvAnalyzer {

    /**
     * @param sniffChars   how much of the file the delimiter sniffer reads at most
     * @param sniffRecords how many non-blank records it compares at most
     */
    public record Options(int sniffChars, int sniffRecords) {

        public static final Options DEFAULTS = new Options(64 * 1024, 50);

        public Options {
            if (sniffChars < 1 || sniffRecords < 1) {
                throw new IllegalArgumentException("sniffChars and sniffRecords must be positive");
            }
        }
    }

    private final Options options;

    public CsvAnalyzer() {
        this(Options.DEFAULTS);
    }

    public CsvAnalyzer(Options options) {
        this.options = options;
    }

    public Analysis analyze(Path file) throws AnalysisException {
        try {
            Utf8Validator.Result utf8 = Utf8Validator.validate(file);
            CsvDialect dialect = new CsvDialect(sniffDelimiter(file, utf8.bom()), utf8.bom());
            return analyze(file, dialect);
        } catch (IOException e) {
            throw new AnalysisException("the file could not be read: " + e.getMessage(), e);
        }
    }

    private char sniffDelimiter(Path file, boolean bom) throws IOException {
        try (Reader in = CsvDialect.openText(file, bom)) {
            return new DelimiterSniffer(options.sniffChars(), options.sniffRecords()).sniff(in);
        }
    }

    private Analysis analyze(Path file, CsvDialect dialect) throws AnalysisException, IOException {
        List<String> headers;
        TypeInference[] columns;
        long rows = 0;
        try (CsvRecordReader reader = CsvRecordReader.open(file, dialect)) {
            CsvRecordReader.SourceRecord header = reader.next();
            if (header == null) {
                throw new AnalysisException("the file has no header row: every record in it is empty");
            }
            headers = header.cells().toList();
            rejectNul(headers, header.line());
            columns = new TypeInference[headers.size()];
            for (int i = 0; i < columns.length; i++) {
                columns[i] = new TypeInference();
            }
            for (CsvRecordReader.SourceRecord record = reader.next(); record != null; record = reader.next()) {
                CsvRecordReader.checkWidth(record, headers.size());
                for (int i = 0; i < columns.length; i++) {
                    String cell = record.cell(i);
                    if (cell.indexOf('\0') >= 0) {
                        throw nulCharacter(record.line());
                    }
                    columns[i].accept(cell, record.line());
                }
                rows++;
            }
        }
        return describe(file, dialect, headers, columns, rows);
    }

    private static Analysis describe(Path file, CsvDialect dialect, List<String> headers,
                                     TypeInference[] columns, long rows) throws AnalysisException {
        List<String> warnings = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i).isBlank() && columns[i].nonEmptyCount() == 0) {
                // Nothing to lose: no name and no value. Typically trailing delimiters on every line.
                warnings.add("column " + (i + 1) + " was left out: its header is blank and it has no values");
            } else {
                kept.add(i);
            }
        }
        if (kept.isEmpty()) {
            throw new AnalysisException("the file has no columns: every header is blank and there are no values");
        }
        List<String> labels = kept.stream().map(headers::get).toList();
        List<String> ids = HeaderSanitizer.sanitize(labels);
        List<ColumnProfile> profiles = new ArrayList<>(kept.size());
        int[] sourceIndexes = new int[kept.size()];
        for (int k = 0; k < kept.size(); k++) {
            int source = kept.get(k);
            String label = labels.get(k);
            String id = ids.get(k);
            if (!id.equals(label)) {
                warnings.add("column " + (source + 1) + " \"" + label + "\" is named \"" + id
                        + "\" in the DataStore");
            }
            TypeInference column = columns[source];
            profiles.add(new ColumnProfile(id, label, source, column.fits(), column.firstMisfits(),
                    column.nonEmptyCount()));
            sourceIndexes[k] = source;
        }
        RowStream rowStream = new CsvRowStream(file, dialect, headers.size(), sourceIndexes);
        return new Analysis(List.copyOf(profiles), rows, CsvDialect.ENCODING, dialect.describe(),
                List.copyOf(warnings), rowStream);
    }

    private static void rejectNul(List<String> headers, long line) throws AnalysisException {
        for (String header : headers) {
            if (header.indexOf('\0') >= 0) {
                throw nulCharacter(line);
            }
        }
    }

    static AnalysisException nulCharacter(long line) {
        return new AnalysisException("line " + line + " contains a NUL character (U+0000), "
                + "which PostgreSQL text cannot hold");
    }
}
