package io.datapusher.worker.formats;

import org.apache.poi.ss.usermodel.DateUtil;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Turns spreadsheet values into the text the type inference reads: numbers in plain notation
 * ({@code 42}, not {@code 42.0}), date-formatted serials as ISO {@code YYYY-MM-DD} or
 * {@code YYYY-MM-DD HH:MM:SS}, times of day as {@code HH:MM:SS}.
 */
final class CellText {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private CellText() {
    }

    /** A number as written in an XLSX {@code <v>}: kept exact, only a useless {@code .0} dropped. */
    static String number(String raw) {
        String text = raw.trim();
        try {
            BigDecimal value = new BigDecimal(text);
            BigDecimal stripped = value.stripTrailingZeros();
            if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 20) {
                return stripped.toBigInteger().toString();
            }
            return text;
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /** A number from XLS, which stores doubles: their shortest exact decimal text. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return String.valueOf(value);
        }
        return number(BigDecimal.valueOf(value).toString());
    }

    /** A serial in a date-formatted cell; the serial itself when it is not a valid Excel date. */
    static String date(double serial, boolean date1904) {
        if (!DateUtil.isValidExcelDate(serial)) {
            return number(serial);
        }
        LocalDateTime when = DateUtil.getLocalDateTime(serial, date1904, true);
        if (serial < 1 && serial >= 0) {
            return when.format(TIME);   // a time of day: Excel's day 0 is not a real date
        }
        if (when.toLocalTime().toSecondOfDay() == 0) {
            return when.format(DATE);
        }
        return when.format(DATE_TIME);
    }
}
