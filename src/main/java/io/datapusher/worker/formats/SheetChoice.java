package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.AnalysisException;

import java.util.List;
import java.util.Optional;

/**
 * {@code INGEST_EXCEL_SHEET}, or a resource's {@code datapusher_sheet}: which sheet of a workbook to
 * load. A sheet name wins (exact, then ignoring case); otherwise a whole number is the 1-based
 * position of the sheet's tab. Empty means the first sheet.
 *
 * @param settingName where the choice came from, named in the error when the workbook has no such sheet
 */
public record SheetChoice(Optional<String> wanted, String settingName) {

    public static final SheetChoice FIRST = new SheetChoice(Optional.empty(), "INGEST_EXCEL_SHEET");

    public static SheetChoice of(Optional<String> setting) {
        return of(setting, "INGEST_EXCEL_SHEET");
    }

    public static SheetChoice of(Optional<String> setting, String settingName) {
        return new SheetChoice(setting.map(String::trim).filter(s -> !s.isEmpty()), settingName);
    }

    /** The 0-based index of the chosen sheet among {@code names}, in workbook order. */
    int pick(List<String> names) throws AnalysisException {
        if (names.isEmpty()) {
            throw new AnalysisException("the workbook has no sheets");
        }
        if (wanted.isEmpty()) {
            return 0;
        }
        String want = wanted.get();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(want)) {
                return i;
            }
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(want)) {
                return i;
            }
        }
        if (want.chars().allMatch(Character::isDigit) && want.length() < 6) {
            int position = Integer.parseInt(want);
            if (position >= 1 && position <= names.size()) {
                return position - 1;
            }
        }
        throw new AnalysisException(settingName + " is \"" + want + "\" but the workbook's sheets are "
                + names + " (give a name or a 1-based position)");
    }

    String describe(List<String> names, int index) {
        return "sheet \"" + names.get(index) + "\" (" + (index + 1) + " of " + names.size() + ")";
    }
}
