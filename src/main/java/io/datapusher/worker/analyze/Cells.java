package io.datapusher.worker.analyze;

import java.util.List;

/** What counts as an empty cell, in one place for every reader and rule. */
final class Cells {

    private Cells() {
    }

    /** Only empty cells are NULL; a cell of spaces counts as empty, "NA" or "-" do not. */
    static boolean isEmpty(String cell) {
        return cell == null || cell.isBlank();
    }

    static boolean allEmpty(List<String> cells) {
        for (String cell : cells) {
            if (!isEmpty(cell)) {
                return false;
            }
        }
        return true;
    }
}
