package io.datapusher.worker.analyze;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the table is in the records (docs/messy-csv.md): which record is the header,
 * and how many columns the table has. Found in a first pass that holds only a few records and a
 * histogram of record widths.
 *
 * <p><b>Title rows.</b> Without a {@code skipRows} override, the first {@value #LOOKAHEAD} non-blank
 * records are looked at. Their typical number of filled cells is the most common one (the larger on
 * a tie). Leading records with at most two filled cells, fewer than half the typical number, are
 * titles (a report name, a units line), at most {@value #MAX_TITLE_ROWS} of them; the first record
 * after them is the header. A table of one or two columns never has title rows by this rule.
 *
 * <p><b>Width.</b> A record's width is the position of its last non-empty cell (trailing delimiters
 * add nothing). The table is as wide as its header, unless more than half of the data records are
 * wider: then it is as wide as the most common of those wider widths, and the extra columns get
 * blank headers (named by the blank-header rule). Records wider than the table are quarantined by
 * {@link TableAnalyzer}: loading them would shift their cells into the wrong columns.
 *
 * @param header      the header record
 * @param titleLines  lines of the records skipped as title rows (empty when none, or when overridden)
 * @param width       number of columns in the table, at least the header's cell count
 * @param headerWidth number of cells in the header record
 * @param warnings    what the reader noticed on the way (e.g. a runaway quote)
 */
record TableLayout(SourceRecord header, List<Long> titleLines, int width, int headerWidth, List<String> warnings) {

    static final int LOOKAHEAD = 20;
    static final int MAX_TITLE_ROWS = 5;

    static TableLayout scan(RecordSource source, AnalysisOptions options) throws IOException, AnalysisException {
        try (RecordReader reader = source.open()) {
            List<SourceRecord> head = new ArrayList<>();
            while (head.size() < LOOKAHEAD) {
                SourceRecord record = next(reader, options);
                if (record == null) {
                    break;
                }
                if (options.skipRows().isEmpty() || record.line() > options.skipRows().get()) {
                    head.add(record);
                }
            }
            if (head.isEmpty()) {
                throw new AnalysisException(options.skipRows().isPresent()
                        ? "the file has no header row after the first " + options.skipRows().get()
                                + " lines (datapusher_skip_rows)"
                        : "the file has no header row: every record in it is empty");
            }
            int titles = options.skipRows().isPresent() ? 0 : titleRows(head);
            SourceRecord header = head.get(titles);
            Map<Integer, Long> widths = new TreeMap<>();
            for (SourceRecord record : head.subList(titles + 1, head.size())) {
                widths.merge(width(record), 1L, Long::sum);
            }
            for (SourceRecord record = next(reader, options); record != null; record = next(reader, options)) {
                widths.merge(width(record), 1L, Long::sum);
            }
            List<Long> titleLines = head.subList(0, titles).stream().map(SourceRecord::line).toList();
            return new TableLayout(header, titleLines, tableWidth(header.size(), widths), header.size(),
                    List.copyOf(reader.warnings()));
        }
    }

    /** The next non-blank record, after checking the cell-size cap on it. */
    private static SourceRecord next(RecordReader reader, AnalysisOptions options) throws IOException, AnalysisException {
        SourceRecord record = TableAnalyzer.nextNonBlank(reader);
        if (record != null) {
            for (int i = 0; i < record.size(); i++) {
                int length = record.cell(i).length();
                if (length > options.maxCellChars()) {
                    throw new AnalysisException("line " + record.line() + ", cell " + (i + 1) + " holds " + length
                            + " characters, more than the limit of " + options.maxCellChars()
                            + " (INGEST_MAX_CELL_CHARS)");
                }
            }
        }
        return record;
    }

    static int titleRows(List<SourceRecord> head) {
        Map<Integer, Integer> frequency = new TreeMap<>();
        int typical = 0;
        int typicalFrequency = 0;
        for (SourceRecord record : head) {
            int filled = filled(record);
            int f = frequency.merge(filled, 1, Integer::sum);
            if (f > typicalFrequency || (f == typicalFrequency && filled > typical)) {
                typical = filled;
                typicalFrequency = f;
            }
        }
        int titles = 0;
        while (titles < MAX_TITLE_ROWS && titles < head.size() - 1) {
            int filled = filled(head.get(titles));
            if (filled > 2 || filled * 2 >= typical) {
                break;
            }
            titles++;
        }
        return titles;
    }

    static int filled(SourceRecord record) {
        int filled = 0;
        for (String cell : record.cells()) {
            if (!Cells.isEmpty(cell)) {
                filled++;
            }
        }
        return filled;
    }

    /** Position of the last non-empty cell: trailing empty cells (delimiters) do not widen a record. */
    static int width(SourceRecord record) {
        for (int i = record.size() - 1; i >= 0; i--) {
            if (!Cells.isEmpty(record.cell(i))) {
                return i + 1;
            }
        }
        return 0;
    }

    static int tableWidth(int headerWidth, Map<Integer, Long> widths) {
        long total = 0;
        long wider = 0;
        int commonWider = headerWidth;
        long commonWiderCount = 0;
        for (Map.Entry<Integer, Long> entry : widths.entrySet()) {
            total += entry.getValue();
            if (entry.getKey() > headerWidth) {
                wider += entry.getValue();
                if (entry.getValue() > commonWiderCount) {
                    commonWider = entry.getKey();
                    commonWiderCount = entry.getValue();
                }
            }
        }
        return wider * 2 > total ? commonWider : headerWidth;
    }
}
