package io.datapusher.worker.datastore;

import io.datapusher.worker.datastore.LiveTableReader.LiveIndex;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes the new table's indexes match the live table's as they are at the swap, not as the load
 * found them: a {@code primary_key} or {@code indexes} that {@code datastore_create} added while
 * the file was loading is built on the new table, inside the swap, and one dropped meanwhile is
 * dropped again. Full-text indexes are never copied: the load makes its own from the settings.
 *
 * <p>An index built here holds the swap's lock while it builds, so readers wait for it; that
 * happens only when an index was added during the load.
 */
final class IndexesAddedDuringLoad {

    private static final String UNIQUE_VIOLATION = "23505";

    private final Connection connection;
    private final String resourceId;
    private final LoadStart start;
    private final List<IndexSpec> built;
    private final Set<String> columns = new HashSet<>(List.of("_id", "_full_text"));
    private final List<String> warnings;

    IndexesAddedDuringLoad(Connection connection, String resourceId, LoadStart start, List<IndexSpec> built,
                           List<LoadResult.Column> newColumns, List<String> warnings) {
        this.connection = connection;
        this.resourceId = resourceId;
        this.start = start;
        this.built = built;
        newColumns.forEach(c -> columns.add(c.id()));
        this.warnings = warnings;
    }

    /**
     * Run once the new table has the live table's name.
     *
     * @param atSwap the live table's indexes read under the swap's lock, before it was dropped
     */
    void apply(List<LiveIndex> atSwap) throws SQLException, LoadException {
        if (!start.liveTable()) {
            return;
        }
        Set<String> now = new HashSet<>();
        atSwap.forEach(index -> now.add(index.name()));
        for (IndexSpec spec : built) {
            if (spec.carried().isPresent() && !now.contains(spec.ckanName())) {
                Jdbc.execute(connection, "DROP INDEX IF EXISTS " + Sql.publicTable(spec.ckanName()));
            }
        }
        for (LiveIndex index : atSwap) {
            if (!index.primary() && !start.indexNames().contains(index.name()) && !isFullText(index)) {
                add(index);
            }
        }
    }

    private void add(LiveIndex index) throws SQLException, LoadException {
        String missing = index.columns().stream().filter(c -> !columns.contains(c)).findFirst().orElse(null);
        if (missing != null || index.definitionAfterTable() == null) {
            String why = missing != null ? "the new file has no column " + missing : "its definition could not be read";
            if (index.isCkanPrimaryKey(resourceId)) {
                throw new LoadException("the primary_key index " + index.name() + " was added while the file was loading, and "
                        + why + "; nothing was changed");
            }
            warnings.add("index " + index.name() + ", added while the file was loading, was not recreated: " + why);
            return;
        }
        Jdbc.execute(connection, "SAVEPOINT dpw_late_index");
        try {
            Jdbc.execute(connection, "CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX " + Sql.quoteIdent(index.name())
                    + " ON " + Sql.publicTable(resourceId) + " " + index.definitionAfterTable());
            Jdbc.execute(connection, "RELEASE SAVEPOINT dpw_late_index");
        } catch (SQLException e) {
            Jdbc.execute(connection, "ROLLBACK TO SAVEPOINT dpw_late_index");
            Jdbc.execute(connection, "RELEASE SAVEPOINT dpw_late_index");
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            if (index.isCkanPrimaryKey(resourceId)) {
                throw new LoadException("the primary_key " + index.name() + ", added while the file was loading, does not hold"
                        + " on the new file's data (" + Sql.serverMessage(e) + "); nothing was changed", e);
            }
            warnings.add("the unique index " + index.name() + ", added while the file was loading, was not recreated: the new"
                    + " file has duplicate values (" + Sql.serverMessage(e) + ")");
        }
    }

    /** CKAN's own full-text indexes, on {@code _full_text} or a column's {@code to_tsvector}. */
    private static boolean isFullText(LiveIndex index) {
        return index.definition().contains("to_tsvector(") || index.columns().contains("_full_text");
    }
}
