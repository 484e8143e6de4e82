package io.datapusher.worker.analyze;

/**
 * A footer note ("Source: ...", "Note: ...") at the end of a table, sitting alone in a column whose
 * other values are numbers or dates. It is loaded as a row like any other, so nothing is dropped;
 * but its text cannot go into a numeric or date column, and letting it turn that column into text
 * would lose the column's type for one remark. So its text goes, unchanged, into the first text
 * column of the table (a new {@code footnote} column when there is none), and the rest of its row
 * is NULL.
 *
 * @param line         the record's line
 * @param sourceColumn the cell's position in the record
 * @param value        the cell as written
 * @param homeOutput   the output column of {@code sourceColumn} (-1 until placed)
 * @param targetOutput the output column the text is written to (-1 until placed)
 */
record FooterNote(long line, int sourceColumn, String value, int homeOutput, int targetOutput) {

    FooterNote(long line, int sourceColumn, String value) {
        this(line, sourceColumn, value, -1, -1);
    }

    FooterNote placed(int home, int target) {
        return new FooterNote(line, sourceColumn, value, home, target);
    }
}
