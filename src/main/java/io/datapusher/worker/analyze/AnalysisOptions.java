package io.datapusher.worker.analyze;

import java.util.Optional;
import java.util.Set;

/**
 * What an operator (configuration) or a curator (resource extras) can tell the analysis.
 *
 * @param skipRows             when present, the header is the first non-blank record after this many
 *                             lines (CSV) or rows (sheets); when empty, title rows are detected
 * @param dateOrder            how to read an ambiguous slash date when the data does not decide
 * @param nullValues           cell texts (compared after trimming) that mean NULL besides the empty cell
 * @param maxQuarantinePercent the analysis fails when more than this percentage of data records are
 *                             too wide to load without shifting
 * @param maxColumns           most columns a table may have (PostgreSQL allows 1,600)
 * @param maxCellChars         longest cell, in characters
 */
public record AnalysisOptions(Optional<Integer> skipRows, DateOrder dateOrder, Set<String> nullValues,
                              double maxQuarantinePercent, int maxColumns, int maxCellChars) {

    public static final int POSTGRESQL_MAX_COLUMNS = 1600;
    public static final int DEFAULT_MAX_CELL_CHARS = 10 * 1024 * 1024;

    public static final AnalysisOptions DEFAULTS = new AnalysisOptions(Optional.empty(), DateOrder.MDY, Set.of(),
            5.0, POSTGRESQL_MAX_COLUMNS, DEFAULT_MAX_CELL_CHARS);

    public AnalysisOptions {
        skipRows.ifPresent(n -> {
            if (n < 0) {
                throw new IllegalArgumentException("skipRows must not be negative");
            }
        });
        if (maxQuarantinePercent < 0 || maxColumns < 1 || maxCellChars < 1) {
            throw new IllegalArgumentException("quarantine percent must not be negative, caps must be positive");
        }
        nullValues = Set.copyOf(nullValues.stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
    }

    public AnalysisOptions withSkipRows(Optional<Integer> rows) {
        return new AnalysisOptions(rows, dateOrder, nullValues, maxQuarantinePercent, maxColumns, maxCellChars);
    }

    public AnalysisOptions withDateOrder(DateOrder order) {
        return new AnalysisOptions(skipRows, order, nullValues, maxQuarantinePercent, maxColumns, maxCellChars);
    }

    public AnalysisOptions withNullValues(Set<String> values) {
        return new AnalysisOptions(skipRows, dateOrder, values, maxQuarantinePercent, maxColumns, maxCellChars);
    }

    public AnalysisOptions withMaxQuarantinePercent(double percent) {
        return new AnalysisOptions(skipRows, dateOrder, nullValues, percent, maxColumns, maxCellChars);
    }

    public AnalysisOptions withCaps(int columns, int cellChars) {
        return new AnalysisOptions(skipRows, dateOrder, nullValues, maxQuarantinePercent, columns, cellChars);
    }

    /** Whether a cell is NULL: empty, whitespace only, or one of the configured sentinels. */
    boolean isNull(String cell) {
        return Cells.isEmpty(cell) || (!nullValues.isEmpty() && nullValues.contains(cell.strip()));
    }
}
