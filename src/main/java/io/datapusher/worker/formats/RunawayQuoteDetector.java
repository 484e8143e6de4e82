package io.datapusher.worker.formats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Notices a quote that was opened and not closed where it should have been, so that the lines after
 * it were read as part of one cell instead of as records. The parser cannot tell (the file is valid
 * CSV either way), so the evidence is the cell's content: it spans at least
 * {@value #MIN_SWALLOWED_LINES} line breaks, and at least half of its lines hold as many delimiters
 * as a typical record of the file, i.e. they look like records. A long cell with a few real
 * newlines, or paragraphs of prose, does not look like that and loads without a warning.
 */
final class RunawayQuoteDetector {

    static final int MIN_SWALLOWED_LINES = 5;

    private final char delimiter;
    private final Map<Integer, Integer> sizes = new HashMap<>();
    private int typicalSize;
    private int typicalSizeCount;
    private final List<String> warnings = new ArrayList<>();

    RunawayQuoteDetector(char delimiter) {
        this.delimiter = delimiter;
    }

    /** @param line the record's first line */
    void check(List<String> cells, long line) {
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            int breaks = lineBreaks(cell);
            if (breaks >= MIN_SWALLOWED_LINES && typicalSize > 2 && looksLikeRecords(cell, breaks + 1)) {
                warnings.add("line " + line + ": a quote opened in cell " + (i + 1) + " is not closed until line "
                        + (line + breaks) + ", so " + breaks + " line breaks and what follows them were read as one"
                        + " cell, not as rows; if that is wrong, fix the quote in the file and load it again");
            }
        }
        int count = sizes.merge(cells.size(), 1, Integer::sum);
        if (count > typicalSizeCount) {
            typicalSize = cells.size();
            typicalSizeCount = count;
        }
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    private boolean looksLikeRecords(String cell, int lines) {
        int recordLike = 0;
        int delimiters = 0;
        for (int i = 0; i <= cell.length(); i++) {
            char c = i < cell.length() ? cell.charAt(i) : '\n';
            if (c == delimiter) {
                delimiters++;
            } else if (c == '\n' || c == '\r') {
                if (c == '\n' && i > 0 && cell.charAt(i - 1) == '\r') {
                    continue;
                }
                if (delimiters >= typicalSize - 1) {
                    recordLike++;
                }
                delimiters = 0;
            }
        }
        return recordLike * 2 >= lines;
    }

    static int lineBreaks(String cell) {
        int breaks = 0;
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == cell.length() || cell.charAt(i + 1) != '\n'))) {
                breaks++;
            }
        }
        return breaks;
    }
}
