package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.RecordReader;
import io.datapusher.worker.analyze.SourceRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Joins a two-row spreadsheet header into one: when the first row with values has a range merged
 * sideways (a group such as "Population" over "2010" and "2011"), and the row under it has values
 * only beneath such groups or in cells merged down from the first row, it completes the names:
 * "Population 2010", "Population 2011". A row under the header with a value anywhere else is data,
 * so a merged header over plain data is left alone. A row with a single value is a title, not a
 * group, and is left to the table logic. Everything else passes through untouched.
 */
final class HeaderBand implements RecordReader {

    private final RecordReader rows;
    private final MergedCells merges;
    private boolean headerSeen;
    private SourceRecord pushedBack;

    HeaderBand(RecordReader rows, MergedCells merges) {
        this.rows = rows;
        this.merges = merges;
    }

    @Override
    public SourceRecord next() throws IOException, AnalysisException {
        if (pushedBack != null) {
            SourceRecord record = pushedBack;
            pushedBack = null;
            return record;
        }
        SourceRecord record = rows.next();
        if (headerSeen || record == null || nonEmpty(record.cells()) == 0) {
            return record;
        }
        headerSeen = true;
        if (nonEmpty(record.cells()) < 2 || !merges.spansColumnsOn((int) record.line() - 1)) {
            return record;
        }
        SourceRecord second = rows.next();
        while (second != null && nonEmpty(second.cells()) == 0) {
            second = rows.next();
        }
        if (second == null) {
            return record;
        }
        if (!completesGroups(record, second)) {
            pushedBack = second;
            return record;
        }
        return new SourceRecord(join(record.cells(), second.cells()), record.line());
    }

    private boolean completesGroups(SourceRecord top, SourceRecord second) {
        int topRow = (int) top.line() - 1;
        int secondRow = (int) second.line() - 1;
        for (int column = 0; column < second.size(); column++) {
            if (!second.cell(column).isBlank() && !merges.inSidewaysRange(topRow, column)
                    && !merges.continuesFromAbove(secondRow, column)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> join(List<String> top, List<String> bottom) {
        int width = Math.max(top.size(), bottom.size());
        List<String> names = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            Set<String> parts = new LinkedHashSet<>();
            for (String part : new String[] {i < top.size() ? top.get(i) : "", i < bottom.size() ? bottom.get(i) : ""}) {
                if (!part.isBlank()) {
                    parts.add(part.strip());
                }
            }
            names.add(String.join(" ", parts));
        }
        return names;
    }

    private static int nonEmpty(List<String> cells) {
        int n = 0;
        for (String cell : cells) {
            if (!cell.isBlank()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public List<String> warnings() {
        return rows.warnings();
    }

    @Override
    public void close() throws IOException {
        rows.close();
    }
}
