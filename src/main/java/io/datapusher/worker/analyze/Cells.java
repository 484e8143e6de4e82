package io.datapusher.worker.analyze;

import java.util.List;

/** What counts as an empty cell, in one place for every reader and rule. */
public final class Cells {

    private Cells() {
    }

    /** Only empty cells are NULL; a cell of spaces counts as empty, "NA" or "-" do not. */
    static boolean isEmpty(String cell) {
        return cell == null || cell.isBlank();
    }

    /** Whether Python's {@code str.isspace()} holds for the code point: Java's whitespace plus no-break spaces and NEL. */
    static boolean isPythonWhitespace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /** {@code cell.strip()} in Python, which strips more than Java's {@code strip()} (no-break spaces too). */
    static String stripPythonWhitespace(String cell) {
        int start = 0;
        int end = cell.length();
        while (start < end && isPythonWhitespace(cell.codePointAt(start))) {
            start += Character.charCount(cell.codePointAt(start));
        }
        while (end > start && isPythonWhitespace(cell.codePointBefore(end))) {
            end -= Character.charCount(cell.codePointBefore(end));
        }
        return cell.substring(start, end);
    }

    public static boolean allEmpty(List<String> cells) {
        for (String cell : cells) {
            if (!isEmpty(cell)) {
                return false;
            }
        }
        return true;
    }
}
