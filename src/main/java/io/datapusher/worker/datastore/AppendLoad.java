package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.analyze.RowStream;
import io.datapusher.worker.progress.JobProgress;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Inserts the rows a file gained at its end into the live table, in the caller's transaction: the
 * file streams once; its first rows are only fingerprinted, and only when their fingerprint is the
 * one the live table's last load recorded are the rows after them sent, by a COPY into the live
 * table with their {@code _id}s (their row numbers, as a full reload gives them). CKAN's trigger
 * fills {@code _full_text}, the indexes take the new rows, and the table takes only ROW EXCLUSIVE.
 */
final class AppendLoad {

    private final Connection connection;
    private final String resourceId;
    private final List<LoadResult.Column> columns;

    AppendLoad(Connection connection, String resourceId, List<LoadResult.Column> columns) {
        this.connection = connection;
        this.resourceId = resourceId;
        this.columns = columns;
    }

    /**
     * @param loaded the rows and fingerprint the live table's last load recorded
     * @param fingerprint takes every row of the new file, for the marker of this load
     * @param progress    counts every row read, the loaded ones checked and the new ones sent
     * @return rows inserted, or empty when the file does not start with the loaded rows (nothing was written)
     */
    OptionalLong run(RowStream rows, List<ColumnType> types, Set<Integer> stripped, IncrementalMarker loaded,
                     RowFingerprint fingerprint, JobProgress progress) throws SQLException, LoadException {
        Tail tail = new Tail(loaded, fingerprint);
        long total;
        try {
            total = rows.copyTo(fingerprint.around(CopyFill.counted(tail, progress)), types, stripped);
            tail.end();
        } catch (PrefixDiffers e) {
            tail.cancel();
            return OptionalLong.empty();
        } catch (IOException e) {
            tail.cancel();
            SQLException server = e.getCause() instanceof SQLException sql ? sql : null;
            if (server != null) {
                throw CopyFill.rejected(server, line -> loaded.rows() + line);
            }
            throw new LoadException("reading the file for COPY failed: " + e.getMessage() + "; nothing was changed", e);
        } catch (SQLException e) {
            tail.cancel();
            throw CopyFill.rejected(e, line -> loaded.rows() + line);
        }
        if (total < loaded.rows() || !tail.prefixChecked) {
            return OptionalLong.empty();
        }
        long inserted = total - loaded.rows();
        if (inserted > 0) {
            Jdbc.call(connection, "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(?, '_id'), ?, true)",
                    Sql.publicTable(resourceId), total);
        }
        return OptionalLong.of(inserted);
    }

    /** The file's first rows are not the loaded ones: the append stops before it writes anything. */
    private static final class PrefixDiffers extends IOException {
        PrefixDiffers() {
            super("the file does not start with the rows loaded last", null);
        }
    }

    /** Drops the loaded rows once they are proven unchanged, and sends the rest to the live table. */
    private final class Tail implements RowStream.RowSink {
        private final IncrementalMarker loaded;
        private final RowFingerprint fingerprint;
        private final Writer nowhere = Writer.nullWriter();
        private PGCopyOutputStream out;
        private Writer writer;
        boolean prefixChecked;

        Tail(IncrementalMarker loaded, RowFingerprint fingerprint) {
            this.loaded = loaded;
            this.fingerprint = fingerprint;
        }

        @Override
        public Writer row(long number) throws IOException {
            if (number <= loaded.rows()) {
                return nowhere;
            }
            if (!prefixChecked) {
                checkPrefix();
                try {
                    out = new PGCopyOutputStream(connection.unwrap(PGConnection.class), copySql(), 1 << 16);
                } catch (SQLException e) {
                    throw new IOException(e.getMessage(), e);
                }
                writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            }
            writer.write(Long.toString(number));
            writer.write(',');
            return writer;
        }

        @Override
        public void rowDone() {
            // one stream
        }

        /** Called once the first rows went by: their fingerprint must be the recorded one. */
        private void checkPrefix() throws PrefixDiffers {
            if (fingerprint.rows() != loaded.rows() || !fingerprint.hex().equals(loaded.digest())) {
                throw new PrefixDiffers();
            }
            prefixChecked = true;
        }

        void end() throws SQLException, IOException {
            if (writer == null) {
                // no row after the loaded ones: the file is exactly the loaded rows, or fewer
                if (fingerprint.rows() == loaded.rows()) {
                    checkPrefix();
                }
                return;
            }
            writer.flush();
            out.endCopy();
        }

        void cancel() {
            try {
                if (out != null && out.isActive()) {
                    out.cancelCopy();
                }
            } catch (SQLException ignored) {
                // the transaction is rolled back anyway
            }
        }
    }

    private String copySql() {
        StringBuilder sql = new StringBuilder("COPY ").append(Sql.publicTable(resourceId)).append(" (\"_id\"");
        for (LoadResult.Column column : columns) {
            sql.append(", ").append(Sql.quoteIdent(column.id()));
        }
        return sql.append(") FROM STDIN WITH (FORMAT csv)").toString();
    }
}
