package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnProfile;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.analyze.Misfit;
import io.datapusher.worker.analyze.RowStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a load would make of an analysed file, found without writing anything: each column's final
 * type and why, the warnings and the error the load would give, the first rows as they would be
 * loaded, and the drift against the live table. It only reads the live table, as any reader does,
 * in a read-only transaction, and takes no resource lock: a load of the same resource runs as usual.
 */
public final class DryRun {

    /** Rows shown, as the load would write them. */
    public static final int FIRST_ROWS = 20;
    /** The normalised rows' CSV: every value quoted, an unquoted empty field is NULL (see {@link RowStream}). */
    private static final CSVFormat LOADED_ROW = CSVFormat.DEFAULT.builder().setNullString("")
            .setQuoteMode(QuoteMode.ALL_NON_NULL).get();

    private final DatastoreConnections connections;

    public DryRun(DatastoreConnections connections) {
        this.connections = connections;
    }

    /**
     * @param error what would stop the load (a value that contradicts a type_override), null when it would run
     * @param drift the drift against the live table, null when there is none
     */
    public record Result(List<Map<String, Object>> columns, List<String> warnings, long rows,
                         List<Map<String, String>> firstRows, SchemaDrift drift, String error) {
    }

    public Result of(String resourceId, Analysis analysis) throws SQLException, IOException {
        Optional<LiveTable> live;
        Long liveRows = null;
        try (Connection connection = connections.open()) {
            connection.setAutoCommit(false);
            Jdbc.execute(connection, "SET TRANSACTION READ ONLY");
            try {
                live = new LiveTableReader(connection).describe(resourceId);
                if (live.isPresent()) {
                    liveRows = Jdbc.single(connection, "SELECT count(*) FROM " + Sql.publicTable(resourceId),
                            row -> row.getLong(1));
                }
            } finally {
                connection.rollback();
            }
        }
        return of(analysis, live, liveRows);
    }

    /** The same, given the live table as read: everything but the first rows is computed from these. */
    static Result of(Analysis analysis, Optional<LiveTable> live, Long liveRows) throws IOException {
        List<String> warnings = new ArrayList<>(analysis.warnings());
        List<LoadResult.Column> columns;
        String error = null;
        try {
            columns = DatastoreLoader.finalColumns(analysis, live, warnings);
        } catch (LoadException e) {
            error = e.getMessage();
            columns = analysis.columns().stream().map(p -> new LoadResult.Column(p.id(), p.inferredType())).toList();
        }
        List<Map<String, Object>> described = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnProfile profile = analysis.columns().get(i);
            ColumnType type = columns.get(i).type();
            Map<String, Object> column = new LinkedHashMap<>();
            column.put("id", profile.id());
            column.put("label", profile.label() == null ? profile.id() : profile.label());
            column.put("type", type.sqlName());
            column.put("why", why(profile, type, analysis.rows(), type != profile.inferredType()));
            described.add(column);
        }
        List<LoadResult.Column> built = columns;
        SchemaDrift drift = live.map(t -> DriftCheck.compare(t, built, liveRows, analysis.rows())).orElse(null);
        List<Map<String, String>> firstRows = error == null
                ? firstRows(analysis, columns, DatastoreLoader.strippedColumns(columns, live))
                : List.of();
        return new Result(described, List.copyOf(warnings), analysis.rows(), firstRows, drift, error);
    }

    /** Why the column has its type, from the counts the analysis kept: "numeric: 999,998 values parse, 2 empty". */
    static String why(ColumnProfile profile, ColumnType type, long rows, boolean overridden) {
        long values = profile.nonEmptyCount();
        String counts = values < 0 ? "" : String.format(Locale.ROOT, "%,d value%s", values, values == 1 ? "" : "s");
        String empty = values < 0 ? "" : String.format(Locale.ROOT, ", %,d empty", Math.max(rows - values, 0));
        if (overridden) {
            return type.sqlName() + ": the Data Dictionary's type_override" + (values < 0 ? "" : "; " + counts + " fit it" + empty);
        }
        if (values == 0) {
            return "text: the column has no values, and nothing says it is anything else";
        }
        if (type != ColumnType.TEXT) {
            return type.sqlName() + ": " + (values < 0 ? "every value parses" : counts + " parse as " + type.sqlName() + empty);
        }
        List<String> not = new ArrayList<>();
        notA(profile, ColumnType.NUMERIC, "a number", not);
        notA(profile, ColumnType.TIMESTAMP, "a date or time", not);
        return "text: " + (values < 0 ? "" : counts + empty + "; ") + (not.isEmpty() ? "not all numbers or dates"
                : String.join(", ", not));
    }

    private static void notA(ColumnProfile profile, ColumnType type, String what, List<String> not) {
        Misfit misfit = profile.firstMisfits() == null ? null : profile.firstMisfits().get(type);
        if (misfit != null) {
            not.add("line " + misfit.line() + ": " + PythonJson.string(abbreviate(misfit.value())) + " is not " + what);
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }

    /** The first rows as COPY would receive them, column id to value (null for NULL); the file is read no further. */
    static List<Map<String, String>> firstRows(Analysis analysis, List<LoadResult.Column> columns, Set<Integer> stripped)
            throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        StringWriter[] current = new StringWriter[1];
        try {
            analysis.rowStream().copyTo(new RowStream.RowSink() {
                @Override
                public Writer row(long number) {
                    current[0] = new StringWriter();
                    return current[0];
                }

                @Override
                public void rowDone() throws IOException {
                    rows.add(parse(current[0].toString(), columns));
                    if (rows.size() >= FIRST_ROWS) {
                        throw new Enough();
                    }
                }
            }, columns.stream().map(LoadResult.Column::type).toList(), stripped);
        } catch (Enough enough) {
            // the rest of the file is not needed
        }
        return rows;
    }

    private static Map<String, String> parse(String csv, List<LoadResult.Column> columns) throws IOException {
        try (CSVParser parser = CSVParser.parse(new StringReader(csv), LOADED_ROW)) {
            Map<String, String> row = new LinkedHashMap<>();
            List<CSVRecord> records = parser.getRecords();
            CSVRecord record = records.isEmpty() ? null : records.get(0);
            for (int i = 0; i < columns.size(); i++) {
                row.put(columns.get(i).id(), record == null || i >= record.size() ? null : record.get(i));
            }
            return row;
        }
    }

    /** Stops the row stream once the rows shown are read. */
    private static final class Enough extends IOException {
        Enough() {
            super("enough rows", null);
        }
    }
}
