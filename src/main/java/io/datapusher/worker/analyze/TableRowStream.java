package io.datapusher.worker.analyze;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes the rows of an analysed table for {@code COPY ... FROM STDIN WITH (FORMAT csv)}.
 *
 * <p>It re-reads the same {@link RecordSource} as the analysis, through the same record rules, so
 * the same records are skipped and padded, and it writes only the kept columns. An empty cell becomes an
 * unquoted empty field, which COPY reads as NULL; every other value is quoted, which COPY reads as
 * a string even when it is empty-looking or {@code \.}. Text is written exactly as in the file;
 * values of other types lose their surrounding whitespace and ISO timestamps their {@code T}.
 */
final class TableRowStream implements RowStream {

    private static final int BUFFER_CHARS = 64 * 1024;

    private final RecordSource source;
    private final int headerWidth;
    private final int[] sourceIndexes;

    TableRowStream(RecordSource source, int headerWidth, int[] sourceIndexes) {
        this.source = source;
        this.headerWidth = headerWidth;
        this.sourceIndexes = sourceIndexes.clone();
    }

    @Override
    public long copyTo(Writer out, List<ColumnType> types) throws IOException {
        if (types.size() != sourceIndexes.length) {
            throw new IllegalArgumentException("expected " + sourceIndexes.length + " column types, got "
                    + types.size());
        }
        ColumnType[] columnTypes = types.toArray(ColumnType[]::new);
        // Not closed: the caller owns the Writer (pgjdbc's CopyIn); flushing is enough.
        Writer buffered = out instanceof BufferedWriter ? out : new BufferedWriter(out, BUFFER_CHARS);
        long rows = 0;
        try (RecordReader reader = source.open()) {
            if (TableAnalyzer.nextNonBlank(reader) == null) {
                return 0;
            }
            for (SourceRecord record = TableAnalyzer.nextNonBlank(reader); record != null;
                 record = TableAnalyzer.nextNonBlank(reader)) {
                TableAnalyzer.checkWidth(record, headerWidth);
                writeRow(buffered, record, columnTypes);
                rows++;
            }
        } catch (AnalysisException e) {
            throw new IOException(e.getMessage(), e);
        }
        buffered.flush();
        return rows;
    }

    private void writeRow(Writer out, SourceRecord record, ColumnType[] types)
            throws IOException, AnalysisException {
        for (int c = 0; c < sourceIndexes.length; c++) {
            if (c > 0) {
                out.write(',');
            }
            String cell = record.cell(sourceIndexes[c]);
            if (Cells.isEmpty(cell)) {
                continue;
            }
            if (cell.indexOf('\0') >= 0) {
                throw TableAnalyzer.nulCharacter(record.line());
            }
            writeQuoted(out, normalise(cell, types[c]));
        }
        out.write('\n');
    }

    static String normalise(String cell, ColumnType type) {
        if (type == ColumnType.TEXT) {
            return cell;
        }
        String value = cell.strip();
        if ((type == ColumnType.TIMESTAMP || type == ColumnType.DATE)
                && value.length() > 10 && value.charAt(10) == 'T') {
            return value.substring(0, 10) + ' ' + value.substring(11);
        }
        return value;
    }

    private static void writeQuoted(Writer out, String value) throws IOException {
        out.write('"');
        int from = 0;
        for (int quote = value.indexOf('"'); quote >= 0; quote = value.indexOf('"', from)) {
            out.write(value, from, quote + 1 - from);
            out.write('"');
            from = quote + 1;
        }
        out.write(value, from, value.length() - from);
        out.write('"');
    }
}
