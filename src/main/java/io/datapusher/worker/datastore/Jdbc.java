package io.datapusher.worker.datastore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The package's one query-and-map loop. Values are always bound; the names and literals that must
 * be in the text come quoted from {@link Sql}.
 */
final class Jdbc {

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private Jdbc() {
    }

    /** Every row, in the order the query returns them. */
    static <T> List<T> list(Connection connection, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(connection, sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        }
    }

    /** The row of a query that finds at most one; the mapper must not return null. */
    static <T> Optional<T> one(Connection connection, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(connection, sql, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
        }
    }

    /** The row of a query that always returns exactly one, such as a SELECT of functions; its value may be null. */
    static <T> T single(Connection connection, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(connection, sql, params); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("no row from " + sql);
            }
            return mapper.map(rs);
        }
    }

    /**
     * Runs a statement with bound values for its effect: DML, or a SELECT of a function such as
     * {@code set_config} whose result nobody needs.
     */
    static void call(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(connection, sql, params)) {
            ps.execute();
        }
    }

    /**
     * Runs a statement that binds nothing: DDL, savepoints, and view and trigger definitions read
     * back from the catalogs. Those may use the {@code ?} operator, which a prepared statement
     * would take for a parameter.
     */
    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }
}
