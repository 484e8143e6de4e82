package io.datapusher.worker.analyze;

import java.util.Locale;

/** How to read a slash date such as {@code 03/04/2021}: month first (US) or day first. */
public enum DateOrder {
    MDY,
    DMY;

    /** Reads {@code mdy} or {@code dmy} (any case), the values of {@code INGEST_DATE_ORDER}. */
    public static DateOrder parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "mdy" -> MDY;
            case "dmy" -> DMY;
            default -> throw new IllegalArgumentException("date order must be mdy or dmy, not " + value);
        };
    }
}
