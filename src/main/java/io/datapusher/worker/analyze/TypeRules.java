package io.datapusher.worker.analyze;

import java.time.YearMonth;

/**
 * Whether one value (already stripped of surrounding whitespace, never empty) fits a column type.
 *
 * <p>The rules accept only what PostgreSQL will certainly parse the same way and what a person
 * reads the same way: leading zeros ({@code 007}, a code) are not numbers, dates are ISO
 * {@code YYYY-MM-DD} only (no day/month guessing), and timestamps with a zone are refused for now
 * because {@code timestamp} would silently drop the zone. Hand-written checks instead of regular
 * expressions or exceptions: they run on every cell of every file.
 */
final class TypeRules {

    /** PostgreSQL refuses a numeric exponent beyond ±1000 (NUMERIC_MAX_PRECISION). */
    private static final int MAX_EXPONENT = 1000;
    /** PostgreSQL numeric holds up to 131072 digits before the point and 16383 after it. */
    private static final long MAX_INTEGER_DIGITS = 131_072;
    private static final long MAX_FRACTION_DIGITS = 16_383;
    private static final int MAX_FRACTION_OF_SECOND = 9;

    private TypeRules() {
    }

    static boolean fits(ColumnType type, String value) {
        return switch (type) {
            case INTEGER -> isInteger(value);
            case BIGINT -> isBigint(value);
            case NUMERIC -> isNumeric(value);
            case DATE -> isDate(value);
            case TIMESTAMP -> isTimestamp(value);
            case TEXT -> true;
        };
    }

    static boolean isInteger(String v) {
        int digits = plainIntegerDigits(v);
        if (digits < 0 || digits > 10) {
            return false;
        }
        long n = Long.parseLong(v);
        return n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE;
    }

    static boolean isBigint(String v) {
        int digits = plainIntegerDigits(v);
        if (digits < 0 || digits > 19) {
            return false;
        }
        try {
            Long.parseLong(v);
            return true;
        } catch (NumberFormatException outOfRange) {
            return false;
        }
    }

    /**
     * Number of digits of an optionally signed integer without leading zeros (exactly {@code 0} is
     * fine), or -1 when {@code v} is not one.
     */
    private static int plainIntegerDigits(String v) {
        int start = hasSign(v) ? 1 : 0;
        int digits = v.length() - start;
        if (digits == 0 || (v.charAt(start) == '0' && digits > 1)) {
            return -1;
        }
        for (int i = start; i < v.length(); i++) {
            if (!isDigit(v.charAt(i))) {
                return -1;
            }
        }
        return digits;
    }

    /**
     * Optionally signed decimal: {@code 12}, {@code -12.5}, {@code .5}, {@code 5.}, {@code 1e5},
     * {@code 1.2E-3}. The integer part has no leading zero unless it is exactly {@code 0}.
     */
    static boolean isNumeric(String v) {
        int i = hasSign(v) ? 1 : 0;
        int n = v.length();
        int intStart = i;
        while (i < n && isDigit(v.charAt(i))) {
            i++;
        }
        int integerDigits = i - intStart;
        if (integerDigits > 1 && v.charAt(intStart) == '0') {
            return false;
        }
        int fractionDigits = 0;
        if (i < n && v.charAt(i) == '.') {
            i++;
            int fracStart = i;
            while (i < n && isDigit(v.charAt(i))) {
                i++;
            }
            fractionDigits = i - fracStart;
        }
        if (integerDigits + fractionDigits == 0) {
            return false;
        }
        long exponent = 0;
        if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            i++;
            boolean negative = i < n && v.charAt(i) == '-';
            if (i < n && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
                i++;
            }
            int expStart = i;
            while (i < n && isDigit(v.charAt(i))) {
                exponent = Math.min(exponent * 10 + (v.charAt(i) - '0'), MAX_EXPONENT + 1);
                i++;
            }
            if (i == expStart || exponent > MAX_EXPONENT) {
                return false;
            }
            exponent = negative ? -exponent : exponent;
        }
        return i == n
                && integerDigits + exponent <= MAX_INTEGER_DIGITS
                && fractionDigits - exponent <= MAX_FRACTION_DIGITS;
    }

    /** ISO {@code YYYY-MM-DD} naming a real calendar day (no 2021-02-30, no year 0). */
    static boolean isDate(String v) {
        return v.length() == 10 && isDatePrefix(v);
    }

    /**
     * ISO date, or ISO date, {@code ' '} or {@code 'T'}, {@code HH:MM}, optional {@code :SS},
     * optional fraction of a second. No zone suffix.
     */
    static boolean isTimestamp(String v) {
        int n = v.length();
        if (n == 10) {
            return isDatePrefix(v);
        }
        if (n < 16 || !isDatePrefix(v) || (v.charAt(10) != ' ' && v.charAt(10) != 'T')) {
            return false;
        }
        if (!isTwoDigits(v, 11, 23) || v.charAt(13) != ':' || !isTwoDigits(v, 14, 59)) {
            return false;
        }
        if (n == 16) {
            return true;
        }
        if (v.charAt(16) != ':' || n < 19 || !isTwoDigits(v, 17, 59)) {
            return false;
        }
        if (n == 19) {
            return true;
        }
        if (v.charAt(19) != '.') {
            return false;
        }
        int fraction = n - 20;
        if (fraction < 1 || fraction > MAX_FRACTION_OF_SECOND) {
            return false;
        }
        for (int i = 20; i < n; i++) {
            if (!isDigit(v.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDatePrefix(String v) {
        if (v.length() < 10 || v.charAt(4) != '-' || v.charAt(7) != '-') {
            return false;
        }
        for (int i : new int[] {0, 1, 2, 3, 5, 6, 8, 9}) {
            if (!isDigit(v.charAt(i))) {
                return false;
            }
        }
        int year = Integer.parseInt(v, 0, 4, 10);
        int month = Integer.parseInt(v, 5, 7, 10);
        int day = Integer.parseInt(v, 8, 10, 10);
        // PostgreSQL has no year 0 in ISO input (1 BC is written with a BC suffix).
        return year >= 1 && month >= 1 && month <= 12
                && day >= 1 && day <= YearMonth.of(year, month).lengthOfMonth();
    }

    private static boolean isTwoDigits(String v, int at, int max) {
        char a = v.charAt(at);
        char b = v.charAt(at + 1);
        return isDigit(a) && isDigit(b) && (a - '0') * 10 + (b - '0') <= max;
    }

    private static boolean hasSign(String v) {
        return !v.isEmpty() && (v.charAt(0) == '-' || v.charAt(0) == '+');
    }

    /** ASCII only: {@link Character#isDigit} would also accept Arabic-Indic digits PostgreSQL refuses. */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
