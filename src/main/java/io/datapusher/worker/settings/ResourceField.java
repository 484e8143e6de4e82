package io.datapusher.worker.settings;

import java.util.Arrays;
import java.util.Optional;

/**
 * The resource fields a curator may set, each written as the {@code INGEST_*} variable it overrides
 * takes it. The accepted values are said here once: every error about a field quotes them.
 */
public enum ResourceField {
    SHEET("datapusher_sheet", "INGEST_EXCEL_SHEET",
            "a sheet name (exact, then ignoring case) or a whole number, the 1-based position of the sheet's tab"),
    DELIMITER("datapusher_delimiter", null,
            "one character (e.g. \",\", \";\", \"|\") other than a quote, a letter, a digit or a line break, or \"tab\""),
    ENCODING("datapusher_encoding", null,
            "a character set name such as \"UTF-8\", \"windows-1252\", \"ISO-8859-1\", \"UTF-16LE\""),
    HEADER_ROW("datapusher_header_row", null,
            "a whole number from 1, the line (or sheet row) that holds the header"),
    SKIP_ROWS("datapusher_skip_rows", null,
            "a whole number from 0, the lines (or sheet rows) to skip before the header"),
    NULL_VALUES("datapusher_null_values", "INGEST_NULL_VALUES",
            "cell texts, comma separated (e.g. \"n/a,NULL\"), that load as NULL besides the empty cell"),
    DATE_ORDER("datapusher_date_order", "INGEST_DATE_ORDER", "\"mdy\" or \"dmy\""),
    SKIP("datapusher_skip", null, "\"true\" or \"false\" (also yes/no, on/off, 1/0)");

    /** Every field the worker reads starts with this; others under it are reported, not ignored silently. */
    public static final String PREFIX = "datapusher_";

    private final String field;
    private final String variable;
    private final String accepted;

    ResourceField(String field, String variable, String accepted) {
        this.field = field;
        this.variable = variable;
        this.accepted = accepted;
    }

    /** The resource field's name, e.g. {@code datapusher_sheet}. */
    public String field() {
        return field;
    }

    /** The {@code INGEST_*} variable this field overrides, when there is one. */
    public Optional<String> variable() {
        return Optional.ofNullable(variable);
    }

    public String accepted() {
        return accepted;
    }

    public static Optional<ResourceField> byField(String name) {
        return Arrays.stream(values()).filter(f -> f.field.equals(name)).findFirst();
    }
}
