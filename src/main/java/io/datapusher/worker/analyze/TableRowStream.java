package io.datapusher.worker.analyze;

import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the rows of an analysed table for {@code COPY ... FROM STDIN WITH (FORMAT csv)}.
 *
 * <p>It re-reads the same {@link RecordSource} as the analysis, through the same record rules, so
 * the same records are skipped, padded and quarantined, and it writes only the kept columns. A NULL
 * cell becomes an unquoted empty field, which COPY reads as NULL; every other value is quoted,
 * which COPY reads as a string even when it is empty-looking or {@code \.}. Text is written exactly
 * as in the file, stripped only in the columns the caller asks for; values of other types are written in the canonical form {@link TypeRules} gives
 * them under the column's conventions ({@code 1.234,5} → {@code 1234.5} only in a numeric column of
 * a decimal-comma file; slash dates → ISO; zoned timestamps → UTC).
 */
final class TableRowStream implements RowStream {

    private final RecordSource source;
    private final long headerLine;
    private final int tableWidth;
    private final int[] sourceIndexes;
    private final TypeInference.Conventions[] conventions;
    private final AnalysisOptions options;
    private final Map<Long, FooterNote> footers = new HashMap<>();

    TableRowStream(RecordSource source, long headerLine, int tableWidth, int[] sourceIndexes,
                   TypeInference.Conventions[] conventions, AnalysisOptions options, List<FooterNote> footers) {
        this.source = source;
        this.headerLine = headerLine;
        this.tableWidth = tableWidth;
        this.sourceIndexes = sourceIndexes.clone();
        this.conventions = conventions.clone();
        this.options = options;
        footers.forEach(f -> this.footers.put(f.line(), f));
    }

    @Override
    public long copyTo(RowSink sink, List<ColumnType> types, Set<Integer> stripped) throws IOException {
        if (types.size() != sourceIndexes.length) {
            throw new IllegalArgumentException("expected " + sourceIndexes.length + " column types, got "
                    + types.size());
        }
        ColumnType[] columnTypes = types.toArray(ColumnType[]::new);
        boolean[] strip = new boolean[columnTypes.length];
        stripped.forEach(c -> strip[c] = true);
        long rows = 0;
        try (RecordReader reader = source.open()) {
            if (!TableAnalyzer.skipToHeader(reader, headerLine)) {
                return 0;
            }
            for (SourceRecord record = TableAnalyzer.nextNonBlank(reader); record != null;
                 record = TableAnalyzer.nextNonBlank(reader)) {
                if (TableLayout.width(record) > tableWidth) {
                    continue; // quarantined, and reported by the analysis
                }
                FooterNote footer = footers.get(record.line());
                Writer out = sink.row(rows + 1);
                if (footer != null) {
                    writeFooter(out, footer, columnTypes, strip);
                } else {
                    writeRow(out, record, columnTypes, strip);
                }
                sink.rowDone();
                rows++;
            }
        } catch (AnalysisException e) {
            throw new IOException(e.getMessage(), e);
        }
        return rows;
    }

    private void writeRow(Writer out, SourceRecord record, ColumnType[] types, boolean[] strip)
            throws IOException, AnalysisException {
        for (int c = 0; c < sourceIndexes.length; c++) {
            if (c > 0) {
                out.write(',');
            }
            String raw = sourceIndexes[c] < 0 ? "" : record.cell(sourceIndexes[c]);
            // Stripped first, so a cell of no-break spaces is as empty as xloader makes it.
            String cell = strip[c] ? RowStream.strip(raw) : raw;
            if (options.isNull(cell)) {
                continue;
            }
            if (cell.indexOf('\0') >= 0) {
                throw TableAnalyzer.nulCharacter(record.line());
            }
            String value = normalise(cell, types[c], conventions[c]);
            if (value == null) {
                throw new AnalysisException("line " + record.line() + ": \"" + TableAnalyzer.abbreviate(cell)
                        + "\" is not a " + types[c].sqlName() + " value");
            }
            writeQuoted(out, value);
        }
        out.write('\n');
    }

    /** The note's text in its home column if that column ended up text, else in the target column. */
    private void writeFooter(Writer out, FooterNote footer, ColumnType[] types, boolean[] strip) throws IOException {
        int column = types[footer.homeOutput()] == ColumnType.TEXT ? footer.homeOutput() : footer.targetOutput();
        if (types[column] != ColumnType.TEXT) {
            throw new IOException("line " + footer.line() + " is a footer note (\"" + TableAnalyzer.abbreviate(footer.value())
                    + "\") whose text needs a text column, but column " + (column + 1) + " is "
                    + types[column].sqlName());
        }
        for (int c = 0; c < sourceIndexes.length; c++) {
            if (c > 0) {
                out.write(',');
            }
            if (c == column) {
                writeQuoted(out, strip[c] ? RowStream.strip(footer.value()) : footer.value());
            }
        }
        out.write('\n');
    }

    /** The value PostgreSQL is given for {@code cell} in a column of {@code type}; null when it does not fit. */
    static String normalise(String cell, ColumnType type, TypeInference.Conventions conventions) {
        if (type == ColumnType.TEXT) {
            return cell;
        }
        String value = cell.strip();
        return switch (type) {
            case INTEGER, BIGINT, NUMERIC -> TypeRules.number(value, conventions.numbers());
            case DATE -> TypeRules.date(value, conventions.dates());
            case TIMESTAMP -> {
                TypeRules.Timestamp timestamp = TypeRules.timestamp(value, conventions.dates());
                yield timestamp == null ? null : timestamp.canonical();
            }
            case TEXT -> cell;
        };
    }

    /** With the defaults: decimal point, month-first slash dates. */
    static String normalise(String cell, ColumnType type) {
        return normalise(cell, type, new TypeInference.Conventions(NumberStyle.DECIMAL_POINT, DateOrder.MDY));
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
