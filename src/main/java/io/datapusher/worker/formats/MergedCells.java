package io.datapusher.worker.formats;

import org.apache.poi.ss.util.CellRangeAddress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Spreads the value of a merged range over all its cells, row by row as they stream past: a
 * spreadsheet shows the value across the range, and a merged "Region" over three header cells
 * should name three columns, not one column and two blanks. Only the top-left value of each range
 * is remembered, and only while the stream is inside it.
 */
final class MergedCells {

    private final List<CellRangeAddress> ranges;
    private final Map<CellRangeAddress, String> values = new HashMap<>();

    MergedCells(List<CellRangeAddress> ranges) {
        this.ranges = ranges.stream().filter(r -> r.getNumberOfCells() > 1).toList();
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether a range spreads sideways across {@code row} (0-based): the mark of a grouped header. */
    boolean spansColumnsOn(int row) {
        return ranges.stream().anyMatch(r -> r.getFirstRow() <= row && row <= r.getLastRow()
                && r.getLastColumn() > r.getFirstColumn());
    }

    /** Whether the cell at ({@code row}, {@code column}), 0-based, lies in a range merged sideways. */
    boolean inSidewaysRange(int row, int column) {
        return ranges.stream().anyMatch(r -> r.getLastColumn() > r.getFirstColumn() && r.isInRange(row, column));
    }

    /** Whether the cell lies in a range that began on an earlier row: its value is copied from above. */
    boolean continuesFromAbove(int row, int column) {
        return ranges.stream().anyMatch(r -> r.getFirstRow() < row && r.isInRange(row, column));
    }

    /** Fills the cells of {@code row} (0-based) that lie inside a merged range. */
    List<String> fill(int row, List<String> cells) {
        if (ranges.isEmpty()) {
            return cells;
        }
        List<String> filled = null;
        for (CellRangeAddress range : ranges) {
            if (row < range.getFirstRow() || row > range.getLastRow()) {
                continue;
            }
            if (row == range.getFirstRow()) {
                int first = range.getFirstColumn();
                values.put(range, first < cells.size() ? cells.get(first) : "");
            }
            String value = values.getOrDefault(range, "");
            if (value.isEmpty()) {
                continue;
            }
            if (filled == null) {
                filled = new ArrayList<>(cells);
            }
            while (filled.size() <= range.getLastColumn()) {
                filled.add("");
            }
            for (int c = range.getFirstColumn(); c <= range.getLastColumn(); c++) {
                if (filled.get(c).isEmpty()) {
                    filled.set(c, value);
                }
            }
            if (row == range.getLastRow()) {
                values.remove(range);
            }
        }
        return filled == null ? cells : filled;
    }
}
