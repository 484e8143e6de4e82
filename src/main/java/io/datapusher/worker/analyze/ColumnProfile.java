package io.datapusher.worker.analyze;

import java.util.Map;
import java.util.Set;

/**
 * What the analysis learnt about one column over every row of the file.
 *
 * @param id            the column name in the DataStore (sanitised, unique, at most 63 bytes)
 * @param label         the original header text, kept for the Data Dictionary label
 * @param sourceIndex   position of the column's cells in each parsed record
 * @param fits          every type that all non-empty values of the column fit (TEXT always). A column
 *                      without values fits every type (nothing contradicts any of them), so a
 *                      {@code type_override} on it never fails
 * @param firstMisfits  for each type not in {@code fits}, the first value that did not fit it
 * @param nonEmptyCount how many non-empty cells the column has, or {@link #UNKNOWN_COUNT} when the
 *                      profile was built without counting
 */
public record ColumnProfile(String id, String label, int sourceIndex, Set<ColumnType> fits,
                            Map<ColumnType, Misfit> firstMisfits, long nonEmptyCount) {

    /** {@link #nonEmptyCount()} of a profile made with the five-argument constructor. */
    public static final long UNKNOWN_COUNT = -1;

    /** A profile whose non-empty cell count is unknown; kept so that existing callers still compile. */
    public ColumnProfile(String id, String label, int sourceIndex, Set<ColumnType> fits,
                         Map<ColumnType, Misfit> firstMisfits) {
        this(id, label, sourceIndex, fits, firstMisfits, UNKNOWN_COUNT);
    }

    /**
     * The narrowest type that holds for every value. A column with no values at all is TEXT: it
     * fits every type, and guessing integer from nothing would only get in the way of later loads.
     */
    public ColumnType inferredType() {
        if (nonEmptyCount == 0) {
            return ColumnType.TEXT;
        }
        for (ColumnType type : ColumnType.values()) {
            if (fits.contains(type)) {
                return type;
            }
        }
        return ColumnType.TEXT;
    }

    public boolean fits(ColumnType type) {
        return fits.contains(type);
    }
}
