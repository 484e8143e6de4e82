package io.datapusher.worker.analyze;

import java.util.Map;
import java.util.Set;

/**
 * What the analysis learnt about one column over every row of the file.
 *
 * @param id           the column name in the DataStore (sanitised, unique, at most 63 bytes)
 * @param label        the original header text, kept for the Data Dictionary label
 * @param sourceIndex  position of the column's cells in each parsed record
 * @param fits         every type that all non-empty values of the column fit (TEXT always)
 * @param firstMisfits for each type not in {@code fits}, the first value that did not fit it
 */
public record ColumnProfile(String id, String label, int sourceIndex, Set<ColumnType> fits,
                            Map<ColumnType, Misfit> firstMisfits) {

    /** The narrowest type that holds for every value. */
    public ColumnType inferredType() {
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
