package io.datapusher.worker.analyze;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether one value (already stripped of surrounding whitespace, never empty) fits a column type,
 * and the canonical form PostgreSQL is given for it. Inference and the COPY normaliser both use
 * these functions, so a value is loaded exactly as it was judged.
 *
 * <p>The rules accept only what a person reads one way: leading zeros ({@code 007}, a code) are
 * not numbers; thousands separators need exact groups of three ({@code 1,234}, not {@code 1,2});
 * a slash date is read in the {@link DateOrder} the caller chose from the data or configuration.
 * Hand-written checks first, regular expressions only behind a cheap first-character test: these
 * run on every cell of every file.
 */
final class TypeRules {

    /** A timestamp in PostgreSQL's input form, and whether the text carried a zone (now UTC). */
    record Timestamp(String canonical, boolean zoned) {
    }

    /** PostgreSQL refuses a numeric exponent beyond ±1000 (NUMERIC_MAX_PRECISION). */
    private static final int MAX_EXPONENT = 1000;
    /** PostgreSQL numeric holds up to 131072 digits before the point and 16383 after it. */
    private static final long MAX_INTEGER_DIGITS = 131_072;
    private static final long MAX_FRACTION_DIGITS = 16_383;

    private static final Pattern GROUPED_POINT = Pattern.compile("[+-]?[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\\.[0-9]*)?");
    private static final Pattern GROUPED_COMMA = Pattern.compile("[+-]?[1-9][0-9]{0,2}(?:\\.[0-9]{3})+(?:,[0-9]*)?");
    private static final Pattern PLAIN_COMMA = Pattern.compile("[+-]?(?:0|[1-9][0-9]*)?(?:,[0-9]+)?");
    private static final Pattern SLASH_DATE = Pattern.compile("([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})");
    private static final Pattern NAMED_MONTH_DATE = Pattern.compile("([0-9]{1,2})[ -]([A-Za-z]{3,9})\\.?,?[ -]([0-9]{4})");
    private static final Pattern YEAR_MONTH = Pattern.compile("([0-9]{4})-([0-9]{2})");
    private static final Pattern ISO_DATE = Pattern.compile("([0-9]{4})-([0-9]{2})-([0-9]{2})");
    /** Date, then {@code T} (ISO only) or spaces, time, optional AM/PM, optional zone. */
    private static final Pattern TIMESTAMP = Pattern.compile(
            "([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})(?:T| +)"
                    + "([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]{1,9}))?)?"
                    + "(?: *([AaPp][Mm]))?"
                    + "(?: *(Z|[+-][0-9]{2}(?::?[0-9]{2})?))?");
    private static final List<String> MONTHS = List.of("january", "february", "march", "april", "may", "june",
            "july", "august", "september", "october", "november", "december");

    private TypeRules() {
    }

    /** With the defaults: decimal point, month-first slash dates. */
    static boolean fits(ColumnType type, String value) {
        return fits(type, value, NumberStyle.DECIMAL_POINT, DateOrder.MDY);
    }

    static boolean fits(ColumnType type, String value, NumberStyle numbers, DateOrder dates) {
        return switch (type) {
            case INTEGER -> isInteger(number(value, numbers));
            case BIGINT -> isBigint(number(value, numbers));
            case NUMERIC -> number(value, numbers) != null;
            case DATE -> date(value, dates) != null;
            case TIMESTAMP -> timestamp(value, dates) != null;
            case TEXT -> true;
        };
    }

    /**
     * The value as a plain PostgreSQL number ({@code 1,234.5} → {@code 1234.5} with decimal points,
     * {@code 1.234,5} → {@code 1234.5} with decimal commas), or null when it is not a number in
     * that style. Grouped numbers and decimal commas take no exponent.
     */
    static String number(String v, NumberStyle style) {
        if (v.isEmpty() || !startsLikeNumber(v.charAt(0))) {
            return null;
        }
        if (style == NumberStyle.DECIMAL_POINT) {
            if (v.indexOf(',') < 0) {
                return isNumeric(v) ? v : null;
            }
            return GROUPED_POINT.matcher(v).matches() ? checked(v.replace(",", "")) : null;
        }
        if (v.indexOf('.') >= 0) {
            return GROUPED_COMMA.matcher(v).matches() ? checked(v.replace(".", "").replace(',', '.')) : null;
        }
        if (v.indexOf(',') < 0) {
            return isNumeric(v) && v.indexOf('e') < 0 && v.indexOf('E') < 0 ? v : null;
        }
        return PLAIN_COMMA.matcher(v).matches() ? checked(v.replace(',', '.')) : null;
    }

    private static String checked(String canonical) {
        return isNumeric(canonical) ? canonical : null;
    }

    private static boolean startsLikeNumber(char c) {
        return isDigit(c) || c == '-' || c == '+' || c == '.' || c == ',';
    }

    /**
     * The value as an ISO date, or null. Accepted: {@code YYYY-MM-DD}; {@code YYYY-MM} (the first
     * of that month); {@code D/M/YYYY} or {@code M/D/YYYY} as {@code order} says; {@code D Month YYYY}
     * with an English month name or its three-letter abbreviation.
     */
    static String date(String v, DateOrder order) {
        int n = v.length();
        if (n < 6 || !isDigit(v.charAt(0))) {
            return null;
        }
        if (n == 10 && isDatePrefix(v)) {
            return v;
        }
        Matcher m;
        if (n == 7 && (m = YEAR_MONTH.matcher(v)).matches()) {
            return iso(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), 1);
        }
        if ((m = SLASH_DATE.matcher(v)).matches()) {
            int first = Integer.parseInt(m.group(1));
            int second = Integer.parseInt(m.group(2));
            int year = Integer.parseInt(m.group(3));
            return order == DateOrder.MDY ? iso(year, first, second) : iso(year, second, first);
        }
        if ((m = NAMED_MONTH_DATE.matcher(v)).matches()) {
            int month = month(m.group(2));
            return month < 0 ? null : iso(Integer.parseInt(m.group(3)), month, Integer.parseInt(m.group(1)));
        }
        return null;
    }

    /**
     * Which order a slash date proves: {@link DateOrder#DMY} when its first part exceeds 12,
     * {@link DateOrder#MDY} when its second part does, null when it could be either (or is not one).
     */
    static DateOrder slashDateEvidence(String v) {
        if (v.length() < 8 || !isDigit(v.charAt(0))) {
            return null;
        }
        int space = v.indexOf(' ');
        Matcher m = SLASH_DATE.matcher(space < 0 ? v : v.substring(0, space));
        if (!m.matches()) {
            return null;
        }
        int first = Integer.parseInt(m.group(1));
        int second = Integer.parseInt(m.group(2));
        if (first > 12 && second <= 12) {
            return DateOrder.DMY;
        }
        if (second > 12 && first <= 12) {
            return DateOrder.MDY;
        }
        return null;
    }

    /**
     * The value as a PostgreSQL timestamp, or null: any {@link #date} (midnight), or an ISO or
     * slash date followed by {@code T} (ISO only) or a space, {@code H:MM}, optional {@code :SS},
     * optional fraction, optional AM/PM, optional zone ({@code Z}, {@code +HH}, {@code +HHMM},
     * {@code +HH:MM}). A zoned value is converted to UTC, because a {@code timestamp} column has no
     * zone and would otherwise drop it silently.
     */
    static Timestamp timestamp(String v, DateOrder order) {
        String date = date(v, order);
        if (date != null) {
            return new Timestamp(date, false);
        }
        if (v.length() < 12 || !isDigit(v.charAt(0))) {
            return null;
        }
        Matcher m = TIMESTAMP.matcher(v);
        if (!m.matches()) {
            return null;
        }
        boolean iso = m.group(1).indexOf('-') > 0;
        if (!iso && v.indexOf('T') >= 0) {
            return null;
        }
        String day = date(m.group(1), order);
        if (day == null) {
            return null;
        }
        int hour = Integer.parseInt(m.group(2));
        int minute = Integer.parseInt(m.group(3));
        int second = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        String meridiem = m.group(6);
        if (meridiem != null) {
            if (hour < 1 || hour > 12) {
                return null;
            }
            boolean pm = Character.toLowerCase(meridiem.charAt(0)) == 'p';
            hour = hour % 12 + (pm ? 12 : 0);
        }
        if (hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        String fraction = m.group(5);
        String zone = m.group(7);
        if (zone == null) {
            return new Timestamp(format(day, hour, minute, m.group(4) == null ? null : second, fraction), false);
        }
        ZoneOffset offset;
        try {
            offset = zone.equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(zone.length() == 5 && zone.indexOf(':') < 0
                    ? zone.substring(0, 3) + ":" + zone.substring(3) : zone);
        } catch (DateTimeException e) {
            return null;
        }
        LocalDateTime local = LocalDate.parse(day).atTime(hour, minute, second);
        LocalDateTime utc = local.atOffset(offset).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        if (utc.getYear() < 1) {
            return null;
        }
        return new Timestamp(format(utc.toLocalDate().toString(), utc.getHour(), utc.getMinute(),
                m.group(4) == null ? null : utc.getSecond(), fraction), true);
    }

    private static String format(String day, int hour, int minute, Integer second, String fraction) {
        StringBuilder s = new StringBuilder(day).append(' ').append(twoDigits(hour)).append(':').append(twoDigits(minute));
        if (second != null) {
            s.append(':').append(twoDigits(second));
            if (fraction != null) {
                s.append('.').append(fraction);
            }
        }
        return s.toString();
    }

    private static String twoDigits(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }

    private static int month(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < MONTHS.size(); i++) {
            String full = MONTHS.get(i);
            if (lower.equals(full) || (lower.length() == 3 && full.startsWith(lower))
                    || (lower.equals("sept") && i == 8)) {
                return i + 1;
            }
        }
        return -1;
    }

    /** {@code YYYY-MM-DD} for a real calendar day from year 1 to 9999, or null. */
    private static String iso(int year, int month, int day) {
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        return String.format(Locale.ROOT, "%04d-%02d-%02d", year, month, day);
    }

    static boolean isInteger(String v) {
        if (v == null) {
            return false;
        }
        int digits = plainIntegerDigits(v);
        if (digits < 0 || digits > 10) {
            return false;
        }
        long n = Long.parseLong(v);
        return n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE;
    }

    static boolean isBigint(String v) {
        if (v == null) {
            return false;
        }
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

    private static boolean hasSign(String v) {
        return !v.isEmpty() && (v.charAt(0) == '-' || v.charAt(0) == '+');
    }

    /** ASCII only: {@link Character#isDigit} would also accept Arabic-Indic digits PostgreSQL refuses. */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
