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
     * @param types    the final type of each column, in {@link Analysis#columns()} order
     * @param stripped positions of the columns whose text cells lose their leading and trailing
     *                 whitespace ({@link #strip}), as xloader's {@code strip_extra_white} asks; the
     *                 text of every other column is written exactly as in the file
     * @return the number of rows written
     */
    long copyTo(Writer out, List<ColumnType> types, Set<Integer> stripped) throws IOException;

    /** Every text cell exactly as in the file. */
    default long copyTo(Writer out, List<ColumnType> types) throws IOException {
        return copyTo(out, types, Set.of());
    }

    /** Leading and trailing whitespace removed as Python's {@code str.strip()} removes it, as xloader does. */
    static String strip(String cell) {
        return Cells.stripPythonWhitespace(cell);
    }
}
