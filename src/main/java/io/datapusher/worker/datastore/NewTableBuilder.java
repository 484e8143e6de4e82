package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.datastore.LiveTableReader.LiveIndex;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the new table under its temporary name: create, COPY, indexes, ANALYZE. It stays
 * invisible to everyone else until the swap commits.
 */
final class NewTableBuilder {

    private static final Pattern COPY_LINE = Pattern.compile("line (\\d+)");
    private static final Pattern COPY_COLUMN = Pattern.compile("column (.+?)(?::|$)");
    private static final String UNIQUE_VIOLATION = "23505";

    private final Connection connection;
    private final String resourceId;
    private final String tempName;
    private final LoaderSettings settings;
    private final List<LoadResult.Column> columns;
    private final List<String> ftsFieldTypes;

    /** @param ftsFieldTypes the column types, as typnames, that get a full-text index of their own */
    NewTableBuilder(Connection connection, String resourceId, String tempName, LoaderSettings settings,
                    List<LoadResult.Column> columns, List<String> ftsFieldTypes) {
        this.connection = connection;
        this.resourceId = resourceId;
        this.tempName = tempName;
        this.settings = settings;
        this.columns = columns;
        this.ftsFieldTypes = List.copyOf(ftsFieldTypes);
    }

    String qualifiedTemp() {
        return Sql.publicTable(tempName);
    }

    void create() throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(qualifiedTemp())
                .append(" (\"_id\" serial primary key, \"_full_text\" tsvector");
        for (LoadResult.Column column : columns) {
            ddl.append(", ").append(Sql.quoteIdent(column.id())).append(' ').append(column.type().sqlName());
        }
        ddl.append(')');
        try (Statement st = connection.createStatement()) {
            st.execute(ddl.toString());
            // CKAN's own trigger fills _full_text during COPY, so it matches CKAN by construction.
            st.execute("CREATE TRIGGER zfulltext BEFORE INSERT OR UPDATE ON " + qualifiedTemp()
                    + " FOR EACH ROW EXECUTE PROCEDURE populate_full_text_trigger()");
        }
    }

    /**
     * Streams the rows in; FREEZE is allowed because the table was created in this transaction with
     * no savepoint since. {@code stripped} names the columns whose text cells are stripped.
     */
    long copy(Analysis analysis, Set<Integer> stripped) throws SQLException, LoadException {
        StringBuilder sql = new StringBuilder("COPY ").append(qualifiedTemp()).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(Sql.quoteIdent(columns.get(i).id()));
        }
        sql.append(") FROM STDIN WITH (FORMAT csv, FREEZE true)");
        List<ColumnType> types = columns.stream().map(LoadResult.Column::type).toList();

        PGCopyOutputStream out = new PGCopyOutputStream(connection.unwrap(PGConnection.class), sql.toString(), 1 << 16);
        try {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            analysis.rowStream().copyTo(writer, types, stripped);
            writer.flush();
            return out.endCopy();
        } catch (IOException e) {
            SQLException server = findSqlException(e);
            cancelQuietly(out);
            if (server != null) {
                throw copyRejected(server);
            }
            throw new LoadException("reading the file for COPY failed: " + e.getMessage() + "; nothing was changed", e);
        } catch (SQLException e) {
            cancelQuietly(out);
            throw copyRejected(e);
        } catch (RuntimeException e) {
            cancelQuietly(out);
            throw e;
        }
    }

    /** The index to CKAN name pairs to apply at the swap. */
    record BuiltIndex(String tempName, String finalName) {
    }

    List<BuiltIndex> buildIndexes(List<LiveIndex> liveIndexes, List<String> liveColumnIds, List<String> warnings)
            throws SQLException, LoadException {
        List<BuiltIndex> built = new ArrayList<>();
        Set<String> generated = new HashSet<>();
        try (Statement st = connection.createStatement()) {
            String fullTextName = IndexNames.ckanName(resourceId, IndexNames.fullTextFields());
            built.add(createIndex(st, false, "USING " + settings.ftsIndexMethod() + "(" + IndexNames.fullTextFields() + ")",
                    fullTextName, built.size()));
            generated.add(fullTextName);
            for (LoadResult.Column column : columns) {
                if (ftsFieldTypes.contains(column.type().typname())) {
                    String fields = IndexNames.ftsFields(settings.ftsLang(), column.id(), column.type());
                    String name = IndexNames.ckanName(resourceId, fields);
                    built.add(createIndex(st, false, "USING " + settings.ftsIndexMethod() + "(" + fields + ")", name, built.size()));
                    generated.add(name);
                }
            }
        }
        // Old FTS indexes are regenerated from the settings, never copied (their column may no longer be text).
        Set<String> skip = new HashSet<>(generated);
        skip.add(IndexNames.ckanName(resourceId, IndexNames.fullTextFields()));
        for (String column : liveColumnIds) {
            skip.addAll(List.of(IndexNames.possibleFtsNames(resourceId, settings.ftsLang(), column)));
        }
        Set<String> newColumns = new HashSet<>();
        newColumns.add("_id");
        newColumns.add("_full_text");
        columns.forEach(c -> newColumns.add(c.id()));
        for (LiveIndex index : liveIndexes) {
            if (index.primary() || skip.contains(index.name())) {
                continue;
            }
            if (!newColumns.containsAll(index.columns())) {
                warnings.add("index " + index.name() + " was not recreated: the new file has no column "
                        + index.columns().stream().filter(c -> !newColumns.contains(c)).findFirst().orElse("?"));
                continue;
            }
            if (index.definitionAfterTable() == null) {
                warnings.add("index " + index.name() + " was not recreated: its definition could not be read");
                continue;
            }
            built.add(recreate(index, built.size(), warnings));
        }
        built.removeIf(b -> b == null);
        try (Statement st = connection.createStatement()) {
            st.execute("ANALYZE " + qualifiedTemp());
        }
        return built;
    }

    private BuiltIndex recreate(LiveIndex index, int ordinal, List<String> warnings) throws SQLException, LoadException {
        String temp = tempIndexName(ordinal);
        String ddl = "CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX " + Sql.quoteIdent(temp) + " ON "
                + qualifiedTemp() + " " + index.definitionAfterTable();
        try (Statement st = connection.createStatement()) {
            st.execute("SAVEPOINT dpw_index");
            try {
                st.execute(ddl);
                st.execute("RELEASE SAVEPOINT dpw_index");
                return new BuiltIndex(temp, index.name());
            } catch (SQLException e) {
                st.execute("ROLLBACK TO SAVEPOINT dpw_index");
                st.execute("RELEASE SAVEPOINT dpw_index");
                String detail = e instanceof PSQLException p && p.getServerErrorMessage() != null
                        && p.getServerErrorMessage().getDetail() != null ? " (" + p.getServerErrorMessage().getDetail() + ")" : "";
                if (index.isCkanPrimaryKey(resourceId)) {
                    // The Data Dictionary's primary_key: datastore_upsert relies on it, so it is never lost silently.
                    if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw new LoadException("the new data violates the unique index " + index.name() + " on "
                                + index.columns() + " that the live table has" + detail + "; nothing was changed", e);
                    }
                    throw new LoadException("the unique index " + index.name() + " on " + index.columns()
                            + " cannot be built on the new data: " + Sql.serverMessage(e) + "; nothing was changed", e);
                }
                if ("57014".equals(e.getSQLState()) || "55P03".equals(e.getSQLState())) {
                    throw e;
                }
                if (index.unique() && UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    warnings.add("the unique index " + index.name() + " on " + index.columns() + " was dropped: the new data"
                            + " has duplicates" + detail + ", and it is not a CKAN primary_key (DataPusher+ makes such"
                            + " indexes on columns whose values happened to be distinct)");
                } else {
                    warnings.add("index " + index.name() + " was not recreated: " + Sql.serverMessage(e));
                }
                return null;
            }
        }
    }

    private BuiltIndex createIndex(Statement st, boolean unique, String definitionAfterTable, String finalName, int ordinal)
            throws SQLException {
        String temp = tempIndexName(ordinal);
        st.execute("CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + Sql.quoteIdent(temp) + " ON " + qualifiedTemp()
                + " " + definitionAfterTable);
        return new BuiltIndex(temp, finalName);
    }

    private String tempIndexName(int ordinal) {
        return tempName + "_i" + ordinal;
    }

    private LoadException copyRejected(SQLException e) {
        if ("57014".equals(e.getSQLState())) {
            return new LoadException("the load was cancelled during COPY; nothing was changed", e);
        }
        String message = e.getMessage();
        String where = null;
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage server = p.getServerErrorMessage();
            message = server.getMessage();
            where = server.getWhere();
        }
        StringBuilder text = new StringBuilder("PostgreSQL rejected the data");
        if (where != null) {
            Matcher line = COPY_LINE.matcher(where);
            if (line.find()) {
                // COPY counts CSV records from 1 and the stream has no header, so this is the data record number.
                text.append(" at record ").append(line.group(1));
            }
            Matcher column = COPY_COLUMN.matcher(where);
            if (column.find()) {
                text.append(", column \"").append(column.group(1)).append('"');
            }
        }
        text.append(": ").append(message).append("; nothing was changed");
        return new LoadException(text.toString(), e);
    }

    /** The server's own error if the chain has one, as it names the record; else the first SQL error. */
    private static SQLException findSqlException(Throwable t) {
        SQLException first = null;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PSQLException p && p.getServerErrorMessage() != null) {
                return p;
            }
            if (first == null && c instanceof SQLException sql) {
                first = sql;
            }
        }
        return first;
    }

    private static void cancelQuietly(PGCopyOutputStream out) {
        try {
            if (out.isActive()) {
                out.cancelCopy();
            }
        } catch (SQLException ignored) {
            // The copy is being abandoned anyway; the transaction is rolled back next.
        }
    }
}
