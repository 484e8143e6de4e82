package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.analyze.RowStream;
import io.datapusher.worker.progress.JobProgress;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Inserts the rows a file gained at its end into the live table. The file is read once, on a
 * thread of its own that starts before the caller has read the live table, so that the two
 * overlap: its first rows are only fingerprinted, and only when their fingerprint is the one the
 * live table's last load recorded are the rows after them kept, in a spool file. Then, in the
 * caller's transaction, one COPY sends them to the live table with their {@code _id}s (their row
 * numbers, as a full reload gives them). CKAN's trigger fills {@code _full_text}, the indexes take
 * the new rows, and the table takes only ROW EXCLUSIVE.
 */
final class AppendLoad implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AppendLoad.class);

    private final String resourceId;
    private final List<LoadResult.Column> columns;
    private final IncrementalMarker loaded;
    private final RowFingerprint fingerprint = new RowFingerprint();
    private final FutureTask<Optional<Long>> read;
    private final Path spool;
    private volatile boolean stopped;

    private AppendLoad(String resourceId, List<LoadResult.Column> columns, IncrementalMarker loaded, RowStream rows,
                       List<ColumnType> types, Set<Integer> stripped, JobProgress progress) throws IOException {
        this.resourceId = resourceId;
        this.columns = columns;
        this.loaded = loaded;
        this.spool = Files.createTempFile("dpw-append-", ".csv");
        this.read = new FutureTask<>(() -> readFile(rows, types, stripped, progress));
        fingerprint.expect(loaded.checkpoints());
    }

    /**
     * Starts reading the file against the loaded rows.
     *
     * @param loaded   the rows, fingerprint and checkpoints the live table's last load recorded
     * @param progress counts every row read, the loaded ones checked and the new ones kept
     */
    static AppendLoad start(String resourceId, List<LoadResult.Column> columns, IncrementalMarker loaded, RowStream rows,
                            List<ColumnType> types, Set<Integer> stripped, JobProgress progress) throws LoadException {
        AppendLoad append;
        try {
            append = new AppendLoad(resourceId, columns, loaded, rows, types, stripped, progress);
        } catch (IOException e) {
            throw new LoadException("cannot create a spool file for the appended rows: " + e.getMessage(), e);
        }
        Thread thread = new Thread(append.read, "dpw-append-read");
        thread.setDaemon(true);
        thread.start();
        return append;
    }

    /** Every row of the new file, once {@link #insert} has run: for the marker of this load. */
    RowFingerprint fingerprint() {
        return fingerprint;
    }

    /**
     * Waits for the read, then inserts the new rows into the live table.
     *
     * @return rows inserted, or empty when the file does not start with the loaded rows (nothing was written)
     */
    Optional<Long> insert(Connection connection) throws SQLException, LoadException {
        Optional<Long> total = awaitRead();
        if (total.isEmpty()) {
            return Optional.empty();
        }
        long inserted = total.get() - loaded.rows();
        if (inserted == 0) {
            return Optional.of(0L);
        }
        try (InputStream in = Files.newInputStream(spool)) {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql(), in, 1 << 16);
        } catch (IOException e) {
            throw new LoadException("reading the spooled rows for COPY failed: " + e.getMessage() + "; nothing was changed", e);
        } catch (SQLException e) {
            throw CopyFill.rejected(e, line -> loaded.rows() + line);
        }
        Jdbc.call(connection, "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(?, '_id'), ?, true)",
                Sql.publicTable(resourceId), total.get());
        return Optional.of(inserted);
    }

    /** Stops the read if it still runs, waits for its thread, and removes the spool. */
    @Override
    public void close() {
        stopped = true;
        try {
            read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException e) {
            // a stopped or failed read leaves nothing to keep
        }
        try {
            Files.deleteIfExists(spool);
        } catch (IOException e) {
            LOG.warnf("Resource %s: the spool file %s could not be removed: %s", resourceId, spool, e.getMessage());
        }
    }

    private Optional<Long> awaitRead() throws LoadException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadException("the incremental load was interrupted; nothing was changed", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new LoadException("reading the file for COPY failed: " + cause.getMessage() + "; nothing was changed", cause);
        }
    }

    /** @return every row of the file, or empty when it does not start with the loaded rows */
    private Optional<Long> readFile(RowStream rows, List<ColumnType> types, Set<Integer> stripped, JobProgress progress)
            throws IOException {
        try (Writer out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(spool), StandardCharsets.UTF_8), 1 << 16)) {
            Tail tail = new Tail(out);
            long total = rows.copyTo(fingerprint.around(CopyFill.counted(tail, progress)), types, stripped);
            if (total < loaded.rows() || (!tail.prefixChecked && !tail.prefixMatches())) {
                return Optional.empty();
            }
            return Optional.of(total);
        } catch (PrefixDiffers e) {
            return Optional.empty();
        }
    }

    /** The file's first rows are not the loaded ones, or the read was stopped: nothing is kept. */
    private static final class PrefixDiffers extends IOException {
        PrefixDiffers(String why) {
            super(why, null);
        }
    }

    /** Drops the loaded rows once they are proven unchanged, and spools the rest. */
    private final class Tail implements RowStream.RowSink {
        private final Writer out;
        private final Writer nowhere = new Discard();
        boolean prefixChecked;

        Tail(Writer out) {
            this.out = out;
        }

        @Override
        public Writer row(long number) throws IOException {
            if (stopped) {
                throw new PrefixDiffers("the read was stopped");
            }
            if (number <= loaded.rows()) {
                if (fingerprint.parted()) {
                    // a checkpoint differed: the file parts from the loaded rows before their end
                    throw new PrefixDiffers("the file parts from the rows loaded last by row " + fingerprint.rows());
                }
                return nowhere;
            }
            if (!prefixChecked) {
                if (!prefixMatches()) {
                    throw new PrefixDiffers("the file does not start with the rows loaded last");
                }
                prefixChecked = true;
            }
            out.write(Long.toString(number));
            out.write(',');
            return out;
        }

        @Override
        public void rowDone() {
            // one stream
        }

        /** Once the first rows went by: their fingerprint must be the recorded one. */
        boolean prefixMatches() {
            return fingerprint.rows() == loaded.rows() && fingerprint.hex().equals(loaded.digest());
        }
    }

    /** Takes the loaded rows' text and keeps nothing; unlike {@link Writer#nullWriter()} it checks nothing per call either. */
    private static final class Discard extends Writer {
        @Override
        public void write(char[] chars, int off, int len) {
            // the fingerprint has its copy
        }

        @Override
        public void write(int c) {
            // the fingerprint has its copy
        }

        @Override
        public void write(String text, int off, int len) {
            // the fingerprint has its copy
        }

        @Override
        public void flush() {
            // nothing kept
        }

        @Override
        public void close() {
            // nothing kept
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
