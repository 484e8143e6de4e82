package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.RowStream;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A running SHA-256 over the CSV records a load sends to COPY, row by row, in file order. It is
 * taken on the worker's own output (the values as normalised for their column types), never on
 * what PostgreSQL prints back, so two loads compare exactly: the same digest after N rows means the
 * same N records, hence the same N table rows.
 *
 * <p>It also keeps a checkpoint after rows 1, 2, 4, 8 and every power of two: the first 16 hex
 * digits of the digest so far. A file whose rows part from the loaded ones at row r shows it by
 * row 2r, instead of after the last loaded row. A checkpoint only ever proves a difference; the
 * full digest proves sameness.
 */
final class RowFingerprint {

    private static final int CHECKPOINT_DIGITS = 16;

    private final MessageDigest digest = sha256();
    private final StringBuilder row = new StringBuilder(256);
    private final List<String> checkpoints = new ArrayList<>();
    private List<String> expected = List.of();
    private boolean parted;
    private long rows;

    /** Rows fingerprinted so far. */
    long rows() {
        return rows;
    }

    /** The digest of the rows so far, without ending the fingerprint. */
    String hex() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 cannot be cloned in this JVM", e);
        }
    }

    /** The checkpoints so far: the one after row 2^k at position k. */
    List<String> checkpoints() {
        return List.copyOf(checkpoints);
    }

    /**
     * Compares each checkpoint, as it is taken, with the one at its place in {@code loaded}: the
     * first that differs proves these rows are not those ({@link #parted}).
     */
    void expect(List<String> loaded) {
        expected = List.copyOf(loaded);
    }

    /** Whether a checkpoint differed from the expected one. */
    boolean parted() {
        return parted;
    }

    /** A sink that fingerprints every row on its way to {@code target}. */
    RowStream.RowSink around(RowStream.RowSink target) {
        return new RowStream.RowSink() {
            private final Tee tee = new Tee();

            @Override
            public Writer row(long number) throws IOException {
                tee.target = target.row(number);
                return tee;
            }

            @Override
            public void rowDone() throws IOException {
                add();
                target.rowDone();
            }
        };
    }

    /** Records the text captured since the last row as one more row. */
    private void add() {
        digest.update(row.toString().getBytes(StandardCharsets.UTF_8));
        row.setLength(0);
        rows++;
        if ((rows & (rows - 1)) == 0) {
            String checkpoint = hex().substring(0, CHECKPOINT_DIGITS);
            int at = checkpoints.size();
            parted |= at < expected.size() && !expected.get(at).equals(checkpoint);
            checkpoints.add(checkpoint);
        }
    }

    /** Writes through to the row's writer and keeps a copy of the row's text for the digest. */
    private final class Tee extends Writer {
        Writer target;

        @Override
        public void write(char[] chars, int off, int len) throws IOException {
            row.append(chars, off, len);
            target.write(chars, off, len);
        }

        @Override
        public void write(int c) throws IOException {
            row.append((char) c);
            target.write(c);
        }

        @Override
        public void write(String text, int off, int len) throws IOException {
            row.append(text, off, off + len);
            target.write(text, off, len);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() {
            // the caller owns the target
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
