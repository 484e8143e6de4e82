package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.analyze.RowStream;
import io.datapusher.worker.progress.JobProgress;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.io.BufferedWriter;
import java.io.CharArrayWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the new table with {@code COPY ... FROM STDIN}, CKAN's {@code zfulltext} trigger on, so that
 * {@code _full_text} is CKAN's own function's output by construction.
 *
 * <p>{@link #serial} streams every row over the load's one connection, with {@code FREEZE}
 * (allowed because the table was created in the same transaction). {@link #parallel} reads the file
 * once and hands chunks of rows, each row numbered with its {@code _id} in file order, to several
 * connections whose COPY streams run side by side; memory stays flat because only a few chunks
 * wait at any time.
 */
final class CopyFill {

    /** Rows per chunk: big enough that a chunk is cheap to hand over, small enough to keep connections busy evenly. */
    static final int CHUNK_ROWS = 4096;
    private static final int CHUNK_CHARS = 1 << 20;
    private static final Pattern COPY_LINE = Pattern.compile("line (\\d+)");
    private static final Pattern COPY_COLUMN = Pattern.compile("column (.+?)(?::|$)");
    private static final String QUERY_CANCELED = "57014";
    /** How often a waiting producer or stream looks whether the load stopped. */
    private static final long POLL_MILLIS = 100;

    private CopyFill() {
    }

    /** @param progress counts the rows as they are sent */
    static long serial(Connection connection, NewTable table, Analysis analysis, List<ColumnType> types,
                       Set<Integer> stripped, RowFingerprint fingerprint, JobProgress progress)
            throws SQLException, LoadException {
        PGCopyOutputStream out = new PGCopyOutputStream(connection.unwrap(PGConnection.class),
                table.copySql(false, true), 1 << 16);
        try {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            analysis.rowStream().copyTo(fingerprint.around(counted(into(writer), progress)), types, stripped);
            writer.flush();
            return out.endCopy();
        } catch (IOException e) {
            SQLException server = serverError(e);
            cancelQuietly(out);
            if (server != null) {
                // COPY counts CSV records from 1 and the stream has no header, so a line is a data record.
                throw rejected(server, LongUnaryOperator.identity());
            }
            throw new LoadException("reading the file for COPY failed: " + e.getMessage() + "; nothing was changed", e);
        } catch (SQLException e) {
            cancelQuietly(out);
            throw rejected(e, LongUnaryOperator.identity());
        } catch (RuntimeException e) {
            cancelQuietly(out);
            throw e;
        }
    }

    /**
     * @param cancelled whether the load was cancelled: the file's reading and every stream stop, and
     *                  streams that do not stop are cut off (see {@link Parallel#join})
     * @param progress  counts the rows as they are handed to the streams
     */
    static long parallel(List<Connection> connections, NewTable table, Analysis analysis, List<ColumnType> types,
                         Set<Integer> stripped, RowFingerprint fingerprint, JobProgress progress, BooleanSupplier cancelled)
            throws SQLException, LoadException {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(2 * connections.size());
        AtomicReference<Exception> failure = new AtomicReference<>();
        BooleanSupplier stopped = () -> failure.get() != null || cancelled.getAsBoolean();
        // Set once the last chunk is in the queue: a stream ends when it is set and the queue is empty.
        // Not an end marker per stream, which a full queue could refuse and leave a stream waiting forever.
        AtomicBoolean fileRead = new AtomicBoolean();
        List<Thread> streams = new ArrayList<>();
        for (Connection connection : connections) {
            streams.add(Parallel.start("dpw-copy", () -> {
                try {
                    new Stream(connection, table.copySql(true, false)).drain(queue, fileRead, stopped);
                } catch (Exception e) {
                    if (failure.compareAndSet(null, e)) {
                        Parallel.cancelAll(connections);
                    }
                }
            }));
        }
        ChunkingSink sink = new ChunkingSink(queue, stopped);
        long rows;
        try {
            rows = analysis.rowStream().copyTo(fingerprint.around(counted(sink, progress)), types, stripped);
            sink.flush();
            fileRead.set(true);
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e instanceof StoppedByStream ? null : e);
            Parallel.cancelAll(connections);
            rows = -1;
        } finally {
            if (stopped.getAsBoolean()) {
                queue.clear();
            }
        }
        Parallel.join(streams, connections, stopped);
        Exception first = failure.get();
        if (first instanceof IOException io) {
            throw new LoadException("reading the file for COPY failed: " + io.getMessage() + "; nothing was changed", io);
        }
        Parallel.rethrow(first);
        if (cancelled.getAsBoolean()) {
            throw new LoadException("the load was cancelled during COPY; nothing was changed");
        }
        return rows;
    }

    /** Every row to one writer, in file order. */
    static RowStream.RowSink into(Writer writer) {
        return new RowStream.RowSink() {
            @Override
            public Writer row(long number) {
                return writer;
            }

            @Override
            public void rowDone() {
                // one stream: nothing to hand over
            }
        };
    }

    /** Counts each row that {@code target} is done with into {@code progress}: one ordered store a row, nothing more. */
    static RowStream.RowSink counted(RowStream.RowSink target, JobProgress progress) {
        return new RowStream.RowSink() {
            private long rows;

            @Override
            public Writer row(long number) throws IOException {
                return target.row(number);
            }

            @Override
            public void rowDone() throws IOException {
                target.rowDone();
                progress.rows(++rows);
            }
        };
    }

    /** Rows {@code firstRow}.. in file order, as CSV records that start with their {@code _id}. */
    private record Chunk(long firstRow, int rows, byte[] bytes) {
    }

    /** The producer's side: numbers each row with its {@code _id} and cuts the rows into chunks. */
    private static final class ChunkingSink implements RowStream.RowSink {
        private final BlockingQueue<Chunk> queue;
        private final BooleanSupplier stopped;
        private final CharArrayWriter buffer = new CharArrayWriter(CHUNK_CHARS + 4096);
        private long firstRow = 1;
        private int rows;

        ChunkingSink(BlockingQueue<Chunk> queue, BooleanSupplier stopped) {
            this.queue = queue;
            this.stopped = stopped;
        }

        @Override
        public Writer row(long number) {
            if (rows == 0) {
                firstRow = number;
            }
            buffer.write(Long.toString(number), 0, Long.toString(number).length());
            buffer.write(',');
            return buffer;
        }

        @Override
        public void rowDone() throws IOException {
            rows++;
            if (rows >= CHUNK_ROWS || buffer.size() >= CHUNK_CHARS) {
                flush();
            }
        }

        void flush() throws IOException {
            if (rows == 0) {
                return;
            }
            byte[] bytes = new String(buffer.toCharArray()).getBytes(StandardCharsets.UTF_8);
            put(new Chunk(firstRow, rows, bytes));
            buffer.reset();
            rows = 0;
        }

        /** Waits for room as long as the streams take chunks, however slowly; never once the load stops. */
        private void put(Chunk chunk) throws IOException {
            try {
                while (!queue.offer(chunk, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    if (stopped.getAsBoolean()) {
                        throw new StoppedByStream();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** A COPY stream stopped the file's reading by failing; its own error is the one to report. */
    private static final class StoppedByStream extends IOException {
        StoppedByStream() {
            super("a COPY stream failed", null);
        }
    }

    /** One connection's COPY: it remembers which rows it got, so an error on its line N names the file's record. */
    private static final class Stream {
        private final PGCopyOutputStream out;
        private final List<long[]> received = new ArrayList<>();
        private long lines;

        Stream(Connection connection, String sql) throws SQLException {
            this.out = new PGCopyOutputStream(connection.unwrap(PGConnection.class), sql, 1 << 16);
        }

        void drain(BlockingQueue<Chunk> queue, AtomicBoolean fileRead, BooleanSupplier stopped)
                throws SQLException, LoadException {
            try {
                while (true) {
                    Chunk chunk = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (stopped.getAsBoolean()) {
                        cancelQuietly(out);
                        return;
                    }
                    if (chunk == null) {
                        // fileRead is set after the last chunk went in, so once it is, an empty queue stays empty
                        if (fileRead.get() && queue.isEmpty()) {
                            break;
                        }
                        continue;
                    }
                    received.add(new long[] {lines + 1, chunk.firstRow(), chunk.rows()});
                    lines += chunk.rows();
                    out.write(chunk.bytes());
                }
                out.endCopy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelQuietly(out);
                throw new LoadException("the load was interrupted during COPY; nothing was changed", e);
            } catch (IOException e) {
                SQLException server = serverError(e);
                cancelQuietly(out);
                throw server != null ? rejected(server, this::record)
                        : new LoadException("COPY failed: " + e.getMessage() + "; nothing was changed", e);
            } catch (SQLException e) {
                cancelQuietly(out);
                throw rejected(e, this::record);
            }
        }

        /** The file's record for a line of this stream. */
        private long record(long line) {
            for (long[] chunk : received) {
                if (line >= chunk[0] && line < chunk[0] + chunk[2]) {
                    return chunk[1] + (line - chunk[0]);
                }
            }
            return line;
        }
    }

    /** PostgreSQL's refusal of a value, naming the file's record and the column. */
    static LoadException rejected(SQLException e, LongUnaryOperator lineToRecord) {
        if (QUERY_CANCELED.equals(e.getSQLState())) {
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
                text.append(" at record ").append(lineToRecord.applyAsLong(Long.parseLong(line.group(1))));
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
    private static SQLException serverError(Throwable t) {
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
            // The copy is being abandoned anyway.
        }
    }
}
