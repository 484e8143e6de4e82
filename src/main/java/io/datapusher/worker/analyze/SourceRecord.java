package io.datapusher.worker.analyze;

import java.util.List;

/**
 * One record as a reader found it: its cells exactly as written (no trimming, no null handling)
 * and the 1-based line (CSV: physical line of its first character; sheet: row number) it starts on.
 * Everything after "read the next record" works on this shape, whatever the file format.
 */
public record SourceRecord(List<String> cells, long line) {

    public SourceRecord {
        cells = List.copyOf(cells);
    }

    public int size() {
        return cells.size();
    }

    /** The cell at {@code index}; a record shorter than that reads as an empty cell (NULL). */
    public String cell(int index) {
        return index < cells.size() ? cells.get(index) : "";
    }
}
