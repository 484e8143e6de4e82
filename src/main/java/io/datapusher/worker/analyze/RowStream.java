package io.datapusher.worker.analyze;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Set;

/**
 * Re-reads the analysed file and writes its rows for {@code COPY ... FROM STDIN WITH (FORMAT csv)},
 * one CSV record per data row, with the columns in the order of {@code types}. Values are normalised
 * for their final type; an empty cell is written as an unquoted empty field (NULL), every other
 * value quoted. Streams in constant memory.
 */
@FunctionalInterface
public interface RowStream {

    /**
     * Where the rows go, one at a time: the CSV record of row {@code number} (1-based, in file
     * order, without that number in it) is written to the writer {@link #row} returns, and
     * {@link #rowDone} follows it. A sink may spread the rows over several COPY streams.
     */
    interface RowSink {
        Writer row(long number) throws IOException;

        void rowDone() throws IOException;
    }

    /**
     * @param types    the final type of each column, in {@link Analysis#columns()} order
     * @param stripped positions of the columns whose text cells lose their leading and trailing
     *                 whitespace ({@link #strip}), as xloader's {@code strip_extra_white} asks; the
     *                 text of every other column is written exactly as in the file
     * @return the number of rows written
     */
    long copyTo(RowSink sink, List<ColumnType> types, Set<Integer> stripped) throws IOException;

    /** Every row to one writer, in file order. */
    default long copyTo(Writer out, List<ColumnType> types, Set<Integer> stripped) throws IOException {
        Writer buffered = out instanceof java.io.BufferedWriter ? out : new java.io.BufferedWriter(out, 64 * 1024);
        long rows = copyTo(new RowSink() {
            @Override
            public Writer row(long number) {
                return buffered;
            }

            @Override
            public void rowDone() {
                // one stream: nothing to hand over
            }
        }, types, stripped);
        // Not closed: the caller owns the Writer (pgjdbc's CopyIn); flushing is enough.
        buffered.flush();
        return rows;
    }

    /** Every text cell exactly as in the file. */
    default long copyTo(Writer out, List<ColumnType> types) throws IOException {
        return copyTo(out, types, Set.of());
    }

    /** Leading and trailing whitespace removed as Python's {@code str.strip()} removes it, as xloader does. */
    static String strip(String cell) {
        return Cells.stripPythonWhitespace(cell);
    }
}
