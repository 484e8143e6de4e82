package io.datapusher.worker.analyze;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that happens after "read the next record", the same for every file format: finds the
 * header, names the columns, infers a type per column over every value, counts the rows, and builds
 * the {@link RowStream} that re-reads the same {@link RecordSource} for COPY.
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
 */
public final class TableAnalyzer {

    public Analysis analyze(RecordSource source) throws AnalysisException {
        try {
            return read(source);
        } catch (IOException e) {
            throw new AnalysisException("the file could not be read: " + e.getMessage(), e);
        }
    }

    private Analysis read(RecordSource source) throws AnalysisException, IOException {
        List<String> headers;
        TypeInference[] columns;
        long rows = 0;
        try (RecordReader reader = source.open()) {
            SourceRecord header = nextNonBlank(reader);
            if (header == null) {
                throw new AnalysisException("the file has no header row: every record in it is empty");
            }
            headers = header.cells();
            rejectNul(headers, header.line());
            columns = new TypeInference[headers.size()];
            for (int i = 0; i < columns.length; i++) {
                columns[i] = new TypeInference();
            }
            for (SourceRecord record = nextNonBlank(reader); record != null; record = nextNonBlank(reader)) {
                checkWidth(record, headers.size());
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
        return describe(source, headers, columns, rows);
    }

    /** The next record with at least one non-empty cell: there is nothing to lose in the others. */
    static SourceRecord nextNonBlank(RecordReader reader) throws IOException, AnalysisException {
        for (SourceRecord record = reader.next(); record != null; record = reader.next()) {
            if (!Cells.allEmpty(record.cells())) {
                return record;
            }
        }
        return null;
    }

    /**
     * Fails on a record wider than the header unless the surplus cells are empty, which is what
     * trailing delimiters produce. Wider records are never loaded shifted.
     */
    static void checkWidth(SourceRecord record, int headerWidth) throws AnalysisException {
        for (int i = headerWidth; i < record.size(); i++) {
            if (!Cells.isEmpty(record.cell(i))) {
                throw new AnalysisException("line " + record.line() + " has " + record.size()
                        + " cells but the header has " + headerWidth);
            }
        }
    }

    private static Analysis describe(RecordSource source, List<String> headers,
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
            int index = kept.get(k);
            String label = labels.get(k);
            String id = ids.get(k);
            if (!id.equals(label)) {
                warnings.add("column " + (index + 1) + " \"" + label + "\" is named \"" + id
                        + "\" in the DataStore");
            }
            TypeInference column = columns[index];
            profiles.add(new ColumnProfile(id, label, index, column.fits(), column.firstMisfits(),
                    column.nonEmptyCount()));
            sourceIndexes[k] = index;
        }
        RowStream rowStream = new TableRowStream(source, headers.size(), sourceIndexes);
        return new Analysis(List.copyOf(profiles), rows, source.encoding(), source.format(),
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
