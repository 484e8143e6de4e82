package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnProfile;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.analyze.Misfit;
import org.postgresql.PGConnection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads an analysed file into the DataStore in one transaction (design.md section 4): the new
 * table is built beside the live one and swapped in at the end, so readers see the old table or
 * the new one, whole, and a failure anywhere leaves the live table as it was.
 */
public class DatastoreLoader {

    private static final String QUERY_CANCELED = "57014";

    private final DatastoreConnections connections;
    private final LoaderSettings settings;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();

    public DatastoreLoader(DatastoreConnections connections, LoaderSettings settings) {
        this.connections = connections;
        this.settings = settings;
    }

    private static final class InFlight {
        final Connection connection;
        volatile boolean cancelled;

        InFlight(Connection connection) {
            this.connection = connection;
        }
    }

    public LoadResult load(LoadRequest request) throws LoadException {
        if (request.resourceId() == null || request.resourceId().isEmpty() || request.jobId() == null) {
            throw new LoadException("a load needs a resource id and a job id");
        }
        Connection connection;
        try {
            connection = connections.open();
        } catch (SQLException e) {
            throw new LoadException("cannot connect to the DataStore database: " + e.getMessage(), e);
        }
        InFlight self = new InFlight(connection);
        if (inFlight.putIfAbsent(request.jobId(), self) != null) {
            closeQuietly(connection);
            throw new LoadException("job " + request.jobId() + " is already loading");
        }
        boolean committed = false;
        try {
            connection.setAutoCommit(false);
            LoadResult result = loadInTransaction(connection, request, self);
            checkNotCancelled(self);
            connection.commit();
            committed = true;
            return result;
        } catch (SQLException e) {
            if (self.cancelled || QUERY_CANCELED.equals(e.getSQLState())) {
                throw new LoadException("the load was cancelled; nothing was changed", e);
            }
            throw new LoadException("the DataStore refused the load: " + Sql.serverMessage(e) + "; nothing was changed", e);
        } catch (LoadException e) {
            if (self.cancelled) {
                throw new LoadException("the load was cancelled; nothing was changed", e);
            }
            throw e;
        } catch (RuntimeException e) {
            throw new LoadException("the load failed unexpectedly: " + e + "; nothing was changed", e);
        } finally {
            inFlight.remove(request.jobId(), self);
            if (!committed) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // Closing the connection rolls back as well.
                }
            }
            closeQuietly(connection);
        }
    }

    /**
     * Aborts an in-flight load from another thread; the load then ends in a {@link LoadException}
     * and nothing changes. Returns false when no load of that job is running.
     */
    public boolean cancel(String jobId) {
        InFlight running = inFlight.get(jobId);
        if (running == null) {
            return false;
        }
        running.cancelled = true;
        try {
            running.connection.unwrap(PGConnection.class).cancelQuery();
        } catch (SQLException e) {
            // The flag alone stops the load at its next step.
        }
        return true;
    }

    public Optional<LiveTable> describe(String resourceId) throws SQLException {
        try (Connection connection = connections.open()) {
            return new LiveTableReader(connection).describe(resourceId);
        }
    }

    public boolean tableExists(String resourceId) throws SQLException {
        try (Connection connection = connections.open()) {
            return new LiveTableReader(connection).tableOid(resourceId).isPresent();
        }
    }

    private LoadResult loadInTransaction(Connection connection, LoadRequest request, InFlight self)
            throws SQLException, LoadException {
        prepareSession(connection);
        lockResource(connection, request.resourceId());
        checkNotCancelled(self);

        LiveTableReader reader = new LiveTableReader(connection);
        Optional<LiveTable> live = reader.describe(request.resourceId());
        rejectIfSuperseded(request, live);
        List<String> warnings = new ArrayList<>();
        List<LoadResult.Column> columns = finalColumns(request.analysis(), live, warnings);
        List<LiveTableReader.LiveIndex> liveIndexes = live.isPresent()
                ? reader.indexes(reader.tableOid(request.resourceId()).orElseThrow())
                : List.of();

        String tempName = tempName(request);
        NewTableBuilder builder = new NewTableBuilder(connection, request.resourceId(), tempName, settings, columns,
                settings.ftsFieldTypesFor(request.ckan()));
        builder.create();

        long copyStart = System.nanoTime();
        long rows = builder.copy(request.analysis(), strippedColumns(columns, live));
        long copyMillis = (System.nanoTime() - copyStart) / 1_000_000;
        checkNotCancelled(self);

        long indexStart = System.nanoTime();
        List<String> liveColumnIds = live.map(t -> t.columns().stream().map(LiveTable.Column::id).toList()).orElse(List.of());
        List<NewTableBuilder.BuiltIndex> indexes = builder.buildIndexes(liveIndexes, liveColumnIds, warnings);
        long indexMillis = (System.nanoTime() - indexStart) / 1_000_000;
        checkNotCancelled(self);

        long swapStart = System.nanoTime();
        TableSwap.Outcome outcome = new TableSwap(connection, settings, request, tempName, columns, indexes, rows,
                TableSwap.Clock.SYSTEM).run();
        long swapMillis = (System.nanoTime() - swapStart) / 1_000_000;
        return new LoadResult(rows, columns, outcome.replaced(), copyMillis, indexMillis, swapMillis,
                outcome.attempts(), List.copyOf(warnings));
    }

    /**
     * Under the advisory lock, the live table's marker tells which job loaded it last: a job created
     * after this one has already committed newer data, which an older file must never overwrite.
     */
    private static void rejectIfSuperseded(LoadRequest request, Optional<LiveTable> live) throws SupersededException {
        if (request.jobCreatedAt() == null || live.isEmpty() || live.get().marker().isEmpty()) {
            return;
        }
        LiveTable.Marker marker = live.get().marker().get();
        if (marker.jobCreatedAt() != null && !request.jobId().equals(marker.jobId())
                && marker.jobCreatedAt().isAfter(request.jobCreatedAt())) {
            throw new SupersededException("job " + marker.jobId() + ", created after this one, has already loaded newer data; "
                    + "nothing was changed");
        }
    }

    private void prepareSession(Connection connection) throws SQLException {
        // Unqualified names in trigger and view definitions must resolve exactly as CKAN's do.
        setLocal(connection, "search_path", Sql.SCHEMA);
        if (!"on".equals(show(connection, "standard_conforming_strings"))) {
            // Sql.quoteLiteral relies on it: with it off a backslash in a label would change the literal.
            setLocal(connection, "standard_conforming_strings", "on");
        }
        if (connection.getMetaData().getDatabaseMajorVersion() >= 14) {
            setLocal(connection, "client_connection_check_interval", settings.connectionCheckInterval().toMillis() + "ms");
        }
    }

    /** One load per resource across all replicas; released by COMMIT or ROLLBACK, or when the backend dies. */
    private static void lockResource(Connection connection, String resourceId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.pg_advisory_xact_lock(?)")) {
            ps.setLong(1, advisoryKey(resourceId));
            ps.execute();
        }
    }

    static long advisoryKey(String resourceId) {
        return ByteBuffer.wrap(digest("SHA-256", "datapusher-worker:" + resourceId)).getLong();
    }

    /**
     * Each column's type: the Data Dictionary's type_override when it has one, else the inferred
     * type. An override naming a type the worker does not create is reported in {@code warnings}.
     */
    static List<LoadResult.Column> finalColumns(Analysis analysis, Optional<LiveTable> live, List<String> warnings)
            throws LoadException {
        List<LoadResult.Column> columns = new ArrayList<>();
        for (ColumnProfile profile : analysis.columns()) {
            Optional<String> rawOverride = live.flatMap(t -> t.column(profile.id()))
                    .flatMap(c -> ColumnComments.rawTypeOverride(c.comment()));
            Optional<ColumnType> override = rawOverride.flatMap(ColumnType::fromOverride);
            ColumnType type = profile.inferredType();
            if (override.isEmpty() && rawOverride.filter(o -> !o.isBlank()).isPresent()) {
                warnings.add("column " + PythonJson.string(profile.id()) + ": its type_override "
                        + PythonJson.string(rawOverride.get()) + " is not a type the worker creates (text, numeric, timestamp,"
                        + " integer, bigint, date), so the column is " + type.sqlName() + " as inferred from the data");
            }
            if (override.isPresent()) {
                type = override.get();
                if (!profile.fits(type)) {
                    Misfit misfit = profile.firstMisfits() == null ? null : profile.firstMisfits().get(type);
                    String where = misfit == null ? "a value"
                            : "value " + PythonJson.string(misfit.value()) + " on line " + misfit.line();
                    throw new LoadException("column " + PythonJson.string(profile.id()) + ": " + where
                            + " does not fit its type_override " + rawOverride.get().trim() + "; nothing was changed");
                }
            }
            columns.add(new LoadResult.Column(profile.id(), type));
        }
        return List.copyOf(columns);
    }

    /**
     * Positions of the columns whose Data Dictionary has xloader's {@code strip_extra_white} on, so
     * that a table xloader loaded keeps matching the same filters after a reload.
     */
    static Set<Integer> strippedColumns(List<LoadResult.Column> columns, Optional<LiveTable> live) {
        Set<Integer> stripped = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            String id = columns.get(i).id();
            if (live.flatMap(t -> t.column(id)).filter(c -> ColumnComments.stripsExtraWhite(c.comment())).isPresent()) {
                stripped.add(i);
            }
        }
        return stripped;
    }

    /** Unique per job and resource, at most 63 bytes, and never starting with '_' (CKAN hides those). */
    static String tempName(LoadRequest request) {
        return "dpw_" + HexFormat.of().formatHex(digest("MD5", request.resourceId() + "/" + request.jobId()));
    }

    private static byte[] digest(String algorithm, String text) {
        try {
            return MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }

    private static void checkNotCancelled(InFlight self) throws LoadException {
        if (self.cancelled) {
            throw new LoadException("the load was cancelled; nothing was changed");
        }
    }

    private static String show(Connection connection, String parameter) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.current_setting(?)")) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void setLocal(Connection connection, String parameter, String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.set_config(?, ?, true)")) {
            ps.setString(1, parameter);
            ps.setString(2, value);
            ps.execute();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing left to save on a connection we are discarding.
        }
    }
}
