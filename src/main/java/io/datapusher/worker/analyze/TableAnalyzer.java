package io.datapusher.worker.analyze;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Everything that happens after "read the next record", the same for every file format: finds the
 * header, names the columns, infers a type per column over every value, counts the rows, and builds
 * the {@link RowStream} that re-reads the same {@link RecordSource} for COPY.
 *
 * <p>The rules ({@code docs/messy-csv.md} says them for operators):
 * <ul>
 *   <li>title rows before the header are skipped, or the first {@code skipRows} lines
 *       ({@link TableLayout});</li>
 *   <li>every later record with a non-empty cell is a row, footers included; records of empty cells
 *       are skipped and not counted;</li>
 *   <li>a short record is padded with NULLs; a header narrower than most records is widened; a
 *       record wider than the table is quarantined (not loaded, its line reported), and the analysis
 *       fails when more than {@code maxQuarantinePercent} of the records are;</li>
 *   <li>a column with a blank header and no values is left out; one with values gets a name;</li>
 *   <li>only empty cells (and configured sentinels) are NULL, and a type holds only if every other
 *       value of the column fits it ({@link TypeRules}) under the file's number style and the
 *       column's date order;</li>
 *   <li>a trailing footer note (one of the last {@value #FOOTER_ROWS} records, holding a single text
 *       cell) does not decide the type of the column it sits in; see {@link FooterNote}.</li>
 * </ul>
 */
public final class TableAnalyzer {

    /** How many records at the end of a table may be footer notes. */
    static final int FOOTER_ROWS = 5;
    static final int MAX_LINES_LISTED = 20;
    static final String FOOTNOTE_COLUMN = "footnote";

    private final AnalysisOptions options;
    private final LongConsumer rowsRead;

    public TableAnalyzer() {
        this(AnalysisOptions.DEFAULTS);
    }

    public TableAnalyzer(AnalysisOptions options) {
        this(options, rows -> { });
    }

    /** @param rowsRead told the data rows read so far, as the typing pass reads them (for the job's progress) */
    public TableAnalyzer(AnalysisOptions options, LongConsumer rowsRead) {
        this.options = options;
        this.rowsRead = rowsRead;
    }

    public Analysis analyze(RecordSource source) throws AnalysisException {
        try {
            TableLayout layout = TableLayout.scan(source, options);
            return new Typing(source, layout).run();
        } catch (IOException e) {
            throw new AnalysisException("the file could not be read: " + e.getMessage(), e);
        }
    }

    /** The next record with at least one non-empty cell: there is nothing to lose in the others. */
    static SourceRecord nextNonBlank(RecordReader reader) throws IOException, AnalysisException {
        for (SourceRecord record = reader.next(); record != null; record = reader.next()) {
            if (!Cells.allEmpty(record.cells())) {
                return record;
            }
        }
        return null;
    }

    /** Reads up to and including the header record; false when the file no longer has it. */
    static boolean skipToHeader(RecordReader reader, long headerLine) throws IOException, AnalysisException {
        for (SourceRecord record = nextNonBlank(reader); record != null; record = nextNonBlank(reader)) {
            if (record.line() == headerLine) {
                return true;
            }
        }
        return false;
    }

    static AnalysisException nulCharacter(long line) {
        return new AnalysisException("line " + line + " contains a NUL character (U+0000), "
                + "which PostgreSQL text cannot hold");
    }

    /** The second pass: types, row count, quarantine and footers, for one layout. */
    private final class Typing {
        private final RecordSource source;
        private final TableLayout layout;
        private final TypeInference[] columns;
        private final Deque<SourceRecord> lastRecords = new ArrayDeque<>();
        private final List<Long> quarantined = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private long rows;

        Typing(RecordSource source, TableLayout layout) throws AnalysisException {
            this.source = source;
            this.layout = layout;
            if (layout.width() > options.maxColumns() * 4L) {
                // Far beyond the cap even if many columns turn out empty: refuse before allocating.
                throw tooManyColumns(layout.width());
            }
            this.columns = new TypeInference[layout.width()];
            for (int i = 0; i < columns.length; i++) {
                columns[i] = new TypeInference();
            }
        }

        Analysis run() throws IOException, AnalysisException {
            List<String> headers = headers();
            try (RecordReader reader = source.open()) {
                if (!skipToHeader(reader, layout.header().line())) {
                    throw new AnalysisException("the file changed while it was being read");
                }
                for (SourceRecord record = nextNonBlank(reader); record != null; record = nextNonBlank(reader)) {
                    if (TableLayout.width(record) > layout.width()) {
                        quarantined.add(record.line());
                        continue;
                    }
                    rejectNul(record);
                    rows++;
                    rowsRead.accept(rows);
                    lastRecords.addLast(record);
                    if (lastRecords.size() > FOOTER_ROWS) {
                        accept(lastRecords.removeFirst());
                    }
                }
            }
            checkQuarantine();
            List<FooterNote> footers = footers();
            return describe(headers, footers);
        }

        private List<String> headers() throws AnalysisException {
            SourceRecord header = layout.header();
            rejectNul(header);
            List<String> headers = new ArrayList<>(header.cells());
            while (headers.size() < layout.width()) {
                headers.add("");
            }
            if (!layout.titleLines().isEmpty()) {
                warnings.add(lines(layout.titleLines()) + " look like a title and were not loaded; the header is line "
                        + header.line() + " (the resource extra datapusher_skip_rows overrides this)");
            }
            options.skipRows().ifPresent(n -> warnings.add("the first " + n
                    + " lines were skipped as the resource extra datapusher_skip_rows asks; the header is line "
                    + header.line()));
            if (layout.width() > layout.headerWidth()) {
                warnings.add("the header has " + layout.headerWidth() + " cells but most rows have "
                        + layout.width() + ", so the table has " + layout.width() + " columns");
            }
            return headers;
        }

        private void accept(SourceRecord record) {
            for (int i = 0; i < columns.length; i++) {
                String cell = record.cell(i);
                if (!options.isNull(cell)) {
                    columns[i].accept(cell, record.line());
                }
            }
        }

        private void rejectNul(SourceRecord record) throws AnalysisException {
            for (String cell : record.cells()) {
                if (cell.indexOf('\0') >= 0) {
                    throw nulCharacter(record.line());
                }
            }
        }

        private void checkQuarantine() throws AnalysisException {
            if (quarantined.isEmpty()) {
                return;
            }
            long records = rows + quarantined.size();
            double percent = quarantined.size() * 100.0 / records;
            String what = quarantined.size() + " of " + records + " records (" + String.format(Locale.ROOT, "%.1f", percent)
                    + "%) have more cells than the table's " + layout.width() + " columns (" + lines(quarantined) + ")";
            if (percent > options.maxQuarantinePercent()) {
                throw new AnalysisException(what + "; loading them would shift values into the wrong columns, "
                        + "and more than " + formatPercent(options.maxQuarantinePercent())
                        + "% may not be set aside (INGEST_MAX_QUARANTINE_PERCENT)");
            }
            warnings.add(what + "; they were quarantined (not loaded) so that no value lands in the wrong column");
        }

        /**
         * Decides which of the last records are footer notes, and types every other one. A footer
         * note is one of a trailing run of records with a single non-NULL cell, whose value is text
         * (has a letter, fits no other type) and sits in a column whose other values make it
         * non-text. A table of one column, or of nothing but lone cells, has no footer notes.
         */
        private List<FooterNote> footers() {
            List<SourceRecord> tail = new ArrayList<>(lastRecords);
            int firstLone = tail.size();
            while (firstLone > 0 && loneCell(tail.get(firstLone - 1)) >= 0) {
                firstLone--;
            }
            if (columns.length < 2 || tail.size() - firstLone >= rows) {
                // One column, or nothing but lone cells: these are the data, not notes about it.
                firstLone = tail.size();
            }
            tail.subList(0, firstLone).forEach(this::accept);
            TypeInference.Conventions[] before = conventions();
            List<FooterNote> footers = new ArrayList<>();
            for (SourceRecord record : tail.subList(firstLone, tail.size())) {
                int column = loneCell(record);
                String value = record.cell(column);
                TypeInference.Conventions c = before[column];
                ColumnType type = profile(columns[column], c).inferredType();
                if (type != ColumnType.TEXT && isText(value.strip(), c)) {
                    footers.add(new FooterNote(record.line(), column, value));
                } else {
                    accept(record);
                }
            }
            return footers;
        }

        private int loneCell(SourceRecord record) {
            int found = -1;
            for (int i = 0; i < Math.min(record.size(), columns.length); i++) {
                if (!options.isNull(record.cell(i))) {
                    if (found >= 0) {
                        return -1;
                    }
                    found = i;
                }
            }
            return found;
        }

        /** Words, not a code or a number: has a letter and fits no type but text. */
        private boolean isText(String value, TypeInference.Conventions c) {
            if (value.codePoints().noneMatch(Character::isLetter)) {
                return false;
            }
            for (ColumnType type : ColumnType.values()) {
                if (type != ColumnType.TEXT && TypeRules.fits(type, value, c.numbers(), c.dates())) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The file's number style by majority of the columns that can only be read one way, and
         * each column's date order: its own evidence, else the file's (when the columns that show
         * one agree), else the configured order.
         */
        private TypeInference.Conventions[] conventions() {
            int points = 0;
            int commas = 0;
            DateOrder fileOrder = null;
            boolean ordersConflict = false;
            for (TypeInference column : columns) {
                boolean point = column.allNumbers(NumberStyle.DECIMAL_POINT);
                boolean comma = column.allNumbers(NumberStyle.DECIMAL_COMMA);
                if (point && !comma) {
                    points++;
                } else if (comma && !point) {
                    commas++;
                }
                DateOrder proven = column.provenDateOrder();
                if (proven != null) {
                    ordersConflict |= fileOrder != null && fileOrder != proven;
                    fileOrder = proven;
                }
            }
            NumberStyle style = commas > points ? NumberStyle.DECIMAL_COMMA : NumberStyle.DECIMAL_POINT;
            DateOrder fallback = fileOrder != null && !ordersConflict ? fileOrder : options.dateOrder();
            TypeInference.Conventions[] result = new TypeInference.Conventions[columns.length];
            for (int i = 0; i < columns.length; i++) {
                DateOrder proven = columns[i].provenDateOrder();
                result[i] = new TypeInference.Conventions(style, proven != null ? proven : fallback);
            }
            return result;
        }

        private ColumnProfile profile(TypeInference column, TypeInference.Conventions c) {
            return new ColumnProfile("", "", 0, column.fits(c), column.firstMisfits(c), column.nonEmptyCount());
        }

        private Analysis describe(List<String> headers, List<FooterNote> footers) throws AnalysisException {
            TypeInference.Conventions[] conventions = conventions();
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < headers.size(); i++) {
                if (headers.get(i).isBlank() && columns[i].nonEmptyCount() == 0) {
                    // Nothing to lose: no name and no value. Typically trailing delimiters on every line.
                    warnings.add("column " + (i + 1) + " was left out: its header is blank and it has no values");
                } else {
                    kept.add(i);
                }
            }
            if (kept.isEmpty()) {
                throw new AnalysisException("the file has no columns: every header is blank and there are no values");
            }
            List<String> labels = new ArrayList<>(kept.stream().map(headers::get).toList());
            List<TypeInference.Conventions> keptConventions = new ArrayList<>(kept.stream().map(i -> conventions[i]).toList());
            int footnoteTarget = -1;
            if (!footers.isEmpty()) {
                for (int k = 0; k < kept.size() && footnoteTarget < 0; k++) {
                    if (profile(columns[kept.get(k)], conventions[kept.get(k)]).inferredType() == ColumnType.TEXT) {
                        footnoteTarget = k;
                    }
                }
                if (footnoteTarget < 0) {
                    labels.add(FOOTNOTE_COLUMN);
                    keptConventions.add(new TypeInference.Conventions(NumberStyle.DECIMAL_POINT, options.dateOrder()));
                    footnoteTarget = labels.size() - 1;
                }
            }
            if (labels.size() > options.maxColumns()) {
                throw tooManyColumns(labels.size());
            }
            List<String> ids = HeaderSanitizer.sanitize(labels);
            List<ColumnProfile> profiles = new ArrayList<>(labels.size());
            int[] sourceIndexes = new int[labels.size()];
            Map<Integer, Integer> outputOf = new HashMap<>();
            for (int k = 0; k < labels.size(); k++) {
                String label = labels.get(k);
                String id = ids.get(k);
                if (k >= kept.size()) {
                    // The footnote column: no source cells, only the footer notes' text.
                    profiles.add(new ColumnProfile(id, label, -1, Set.of(ColumnType.TEXT), Map.of(), footers.size()));
                    sourceIndexes[k] = -1;
                    continue;
                }
                int index = kept.get(k);
                if (!id.equals(label)) {
                    warnings.add("column " + (index + 1) + " \"" + label + "\" is named \"" + id + "\" in the DataStore");
                }
                TypeInference column = columns[index];
                profiles.add(new ColumnProfile(id, label, index, column.fits(conventions[index]),
                        column.firstMisfits(conventions[index]), column.nonEmptyCount()));
                sourceIndexes[k] = index;
                outputOf.put(index, k);
            }
            List<FooterNote> placed = new ArrayList<>();
            for (FooterNote footer : footers) {
                FooterNote note = footer.placed(outputOf.get(footer.sourceColumn()), footnoteTarget);
                placed.add(note);
                warnings.add("line " + footer.line() + " looks like a footer note (\"" + abbreviate(footer.value())
                        + "\"); it is loaded as a row, with its text in column \"" + ids.get(footnoteTarget)
                        + "\" because column \"" + ids.get(note.homeOutput()) + "\" holds "
                        + profiles.get(note.homeOutput()).inferredType().sqlName() + " values");
            }
            RowStream rowStream = new TableRowStream(source, layout.header().line(), layout.width(), sourceIndexes,
                    keptConventions.toArray(TypeInference.Conventions[]::new), options, placed);
            warnings.addAll(layout.warnings());
            return new Analysis(List.copyOf(profiles), rows, source.encoding(), source.format(),
                    List.copyOf(warnings), rowStream,
                    new Reading(source.delimiter(), source.sheet(), layout.header().line()));
        }

        private AnalysisException tooManyColumns(int count) {
            return new AnalysisException("the table has " + count + " columns; the DataStore (PostgreSQL) allows at most "
                    + options.maxColumns());
        }
    }

    static String lines(List<Long> lines) {
        StringBuilder s = new StringBuilder(lines.size() == 1 ? "line " : "lines ");
        for (int i = 0; i < Math.min(lines.size(), MAX_LINES_LISTED); i++) {
            s.append(i == 0 ? "" : ", ").append(lines.get(i));
        }
        if (lines.size() > MAX_LINES_LISTED) {
            s.append(" and ").append(lines.size() - MAX_LINES_LISTED).append(" more");
        }
        return s.toString();
    }

    private static String formatPercent(double percent) {
        return percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent);
    }

    static String abbreviate(String value) {
        String oneLine = value.strip().replaceAll("\\s+", " ");
        return oneLine.length() > 60 ? oneLine.substring(0, 57) + "..." : oneLine;
    }
}
