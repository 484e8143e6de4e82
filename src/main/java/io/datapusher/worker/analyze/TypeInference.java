package io.datapusher.worker.analyze;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Tracks, for one column, the types that every non-empty value seen so far fits, and the first
 * value that knocked each other type out. Constant memory however many rows: the whole file is
 * checked, never a sample, because one late value that does not fit would fail the load.
 */
final class TypeInference {

    private final EnumSet<ColumnType> fits = EnumSet.allOf(ColumnType.class);
    private final Map<ColumnType, Misfit> firstMisfits = new EnumMap<>(ColumnType.class);
    private long nonEmptyCount;

    /** @param value a cell as written in the file; empty and whitespace-only cells are NULL */
    void accept(String value, long line) {
        if (Cells.isEmpty(value)) {
            return;
        }
        nonEmptyCount++;
        if (fits.size() == 1) {
            return;
        }
        String stripped = value.strip();
        for (Iterator<ColumnType> it = fits.iterator(); it.hasNext(); ) {
            ColumnType type = it.next();
            if (!TypeRules.fits(type, stripped)) {
                it.remove();
                firstMisfits.put(type, new Misfit(value, line));
            }
        }
    }

    long nonEmptyCount() {
        return nonEmptyCount;
    }

    Set<ColumnType> fits() {
        return Collections.unmodifiableSet(EnumSet.copyOf(fits));
    }

    Map<ColumnType, Misfit> firstMisfits() {
        return Collections.unmodifiableMap(new EnumMap<>(firstMisfits));
    }
}
