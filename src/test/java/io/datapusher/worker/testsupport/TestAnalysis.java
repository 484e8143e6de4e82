package io.datapusher.worker.testsupport;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnProfile;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.analyze.Misfit;
import io.datapusher.worker.analyze.RowStream;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@link Analysis} objects by hand, standing in for the CSV analyzer: columns with the
 * types their values fit, and rows streamed as COPY CSV (null = empty unquoted field).
 */
public final class TestAnalysis {

    private final List<ColumnProfile> columns = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();
    private RowHook hook = (row, out) -> { };

    /** Runs before each row is written, e.g. to edit the live table while COPY is running. */
    @FunctionalInterface
    public interface RowHook {
        void beforeRow(long rowIndex, Writer out) throws IOException;
    }

    public static TestAnalysis builder() {
        return new TestAnalysis();
    }

    /** A column whose values fit {@code narrowest} and every wider type (TEXT always). */
    public TestAnalysis column(String id, String label, ColumnType narrowest) {
        Set<ColumnType> fits = EnumSet.of(ColumnType.TEXT);
        Map<ColumnType, Misfit> misfits = new LinkedHashMap<>();
        switch (narrowest) {
            case INTEGER -> fits.addAll(List.of(ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.NUMERIC));
            case BIGINT -> fits.addAll(List.of(ColumnType.BIGINT, ColumnType.NUMERIC));
            case NUMERIC -> fits.add(ColumnType.NUMERIC);
            case DATE -> fits.addAll(List.of(ColumnType.DATE, ColumnType.TIMESTAMP));
            case TIMESTAMP -> fits.add(ColumnType.TIMESTAMP);
            case TEXT -> { }
        }
        for (ColumnType t : ColumnType.values()) {
            if (!fits.contains(t)) {
                misfits.put(t, new Misfit("?", 2));
            }
        }
        return add(id, label, fits, misfits);
    }

    /** A text column whose first misfit for every other type is {@code value} on {@code line}. */
    public TestAnalysis textColumn(String id, String label, String misfitValue, long misfitLine) {
        Map<ColumnType, Misfit> misfits = new LinkedHashMap<>();
        for (ColumnType t : ColumnType.values()) {
            if (t != ColumnType.TEXT) {
                misfits.put(t, new Misfit(misfitValue, misfitLine));
            }
        }
        return add(id, label, EnumSet.of(ColumnType.TEXT), misfits);
    }

    private TestAnalysis add(String id, String label, Set<ColumnType> fits, Map<ColumnType, Misfit> misfits) {
        columns.add(new ColumnProfile(id, label, columns.size(), fits, misfits));
        return this;
    }

    public TestAnalysis row(String... values) {
        rows.add(Arrays.asList(values));
        return this;
    }

    public TestAnalysis onRow(RowHook hook) {
        this.hook = hook;
        return this;
    }

    public Analysis build() {
        List<List<String>> data = List.copyOf(rows);
        RowHook rowHook = hook;
        return new Analysis(List.copyOf(columns), data.size(), "UTF-8", "csv", List.of(), (sink, types, stripped) -> {
            long n = 0;
            for (List<String> row : data) {
                Writer out = sink.row(n + 1);
                rowHook.beforeRow(n, out);
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.size(); i++) {
                    if (i > 0) {
                        line.append(',');
                    }
                    String v = row.get(i) != null && stripped.contains(i) ? RowStream.strip(row.get(i)) : row.get(i);
                    if (v != null) {
                        line.append('"').append(v.replace("\"", "\"\"")).append('"');
                    }
                }
                out.write(line.append('\n').toString());
                sink.rowDone();
                n++;
            }
            return n;
        });
    }
}
