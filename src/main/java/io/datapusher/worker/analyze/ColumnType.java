package io.datapusher.worker.analyze;

import java.util.Locale;
import java.util.Optional;

/**
 * The column types the worker creates, narrowest first. Inference picks the first type that every
 * value of a column fits; a Data Dictionary {@code type_override} may pick any of them.
 */
public enum ColumnType {
    INTEGER("integer", "int4"),
    BIGINT("bigint", "int8"),
    NUMERIC("numeric", "numeric"),
    DATE("date", "date"),
    TIMESTAMP("timestamp", "timestamp"),
    TEXT("text", "text");

    private final String sqlName;
    private final String typname;

    ColumnType(String sqlName, String typname) {
        this.sqlName = sqlName;
        this.typname = typname;
    }

    /** The PostgreSQL type name used in DDL. */
    public String sqlName() {
        return sqlName;
    }

    /**
     * The type's name in {@code pg_type.typname}, which is how CKAN names a column's type (its
     * {@code _get_fields}) and so how {@code default_fts_index_field_types} lists types.
     */
    public String typname() {
        return typname;
    }

    /**
     * Reads a Data Dictionary {@code type_override}. CKAN's UI offers text, numeric and timestamp;
     * DataPusher+ adds integer, bigint and date. Anything else (including the empty string the UI
     * stores for "no override") is not an override.
     */
    public static Optional<ColumnType> fromOverride(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> Optional.of(TEXT);
            case "numeric" -> Optional.of(NUMERIC);
            case "timestamp" -> Optional.of(TIMESTAMP);
            case "integer", "int", "int4" -> Optional.of(INTEGER);
            case "bigint", "int8" -> Optional.of(BIGINT);
            case "date" -> Optional.of(DATE);
            default -> Optional.empty();
        };
    }
}
