package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * CKAN names an index {@code sha1(resource_id + fields_string)} (contract 3.3); using the same
 * names lets CKAN's {@code create_indexes} recognise ours and not build them twice.
 */
public final class IndexNames {

    private IndexNames() {
    }

    public static String ckanName(String resourceId, String fieldsString) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest((resourceId + fieldsString).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /** The fields string of the index CKAN always creates on {@code _full_text}. */
    public static String fullTextFields() {
        return Sql.quoteIdent("_full_text");
    }

    /** The fields string of a per-column FTS index: {@code to_tsvector('english', "c")}, non-text types cast like CKAN does. */
    public static String ftsFields(String lang, String column, ColumnType type) {
        String value = type == ColumnType.TEXT
                ? Sql.quoteIdent(column)
                : "cast(" + Sql.quoteIdent(column) + " AS text)";
        return "to_tsvector(" + Sql.quoteLiteral(lang) + ", " + value + ")";
    }

    /** Both spellings CKAN may have used for a column's FTS index, to recognise it on the live table. */
    public static String[] possibleFtsNames(String resourceId, String lang, String column) {
        return new String[] {
            ckanName(resourceId, "to_tsvector(" + Sql.quoteLiteral(lang) + ", " + Sql.quoteIdent(column) + ")"),
            ckanName(resourceId, "to_tsvector(" + Sql.quoteLiteral(lang) + ", cast(" + Sql.quoteIdent(column) + " AS text))"),
        };
    }
}
