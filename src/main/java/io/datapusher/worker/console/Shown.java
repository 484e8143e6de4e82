package io.datapusher.worker.console;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the console writes times, durations and counts: for a person, in UTC, never null. */
final class Shown {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);

    private Shown() {
    }

    static String time(OffsetDateTime at) {
        return at == null ? "" : at.withOffsetSameInstant(ZoneOffset.UTC).format(TIME);
    }

    static String time(java.time.Instant at) {
        return at == null ? "" : time(at.atOffset(ZoneOffset.UTC));
    }

    /** {@code 850 ms}, {@code 12 s}, {@code 3 min 05 s}, {@code 1 h 02 min}. */
    static String duration(Duration d) {
        if (d == null || d.isNegative()) {
            return "";
        }
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return d.toMillis() + " ms";
        }
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 1.4 MB} */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
