package io.datapusher.worker.analyze;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Re-reads the analysed file and writes its rows for {@code COPY ... FROM STDIN WITH (FORMAT csv)},
 * one CSV record per data row, with the columns in the order of {@code types}. Values are normalised
 * for their final type; an empty cell is written as an unquoted empty field (NULL), every other
 * value quoted. Streams in constant memory.
 */
@FunctionalInterface
public interface RowStream {

    /**
     * @param types the final type of each column, in {@link Analysis#columns()} order
     * @return the number of rows written
     */
    long copyTo(Writer out, List<ColumnType> types) throws IOException;
}
