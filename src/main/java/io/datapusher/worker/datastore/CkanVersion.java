package io.datapusher.worker.datastore;

import java.util.List;

/**
 * The CKAN release whose DataStore the worker writes to, as {@code status_show} reports it
 * ({@code ckan_version}, e.g. {@code 2.11.5}). The worker writes what that release's own
 * {@code datastore_create} would have written, so several defaults follow from it.
 */
public record CkanVersion(int major, int minor) {

    /**
     * Reads {@code ckan_version}; only major and minor matter. Text that is not a version (a
     * development build's name, say) reads as 0.0, which means CKAN 2.10's behaviour.
     */
    public static CkanVersion parse(String ckanVersion) {
        String[] parts = ckanVersion.trim().split("\\.");
        return new CkanVersion(leadingNumber(parts[0]), parts.length > 1 ? leadingNumber(parts[1]) : 0);
    }

    public static CkanVersion of(int major, int minor) {
        return new CkanVersion(major, minor);
    }

    public boolean isAtLeast(int otherMajor, int otherMinor) {
        return major > otherMajor || (major == otherMajor && minor >= otherMinor);
    }

    /** 2.11 moved the Data Dictionary under {@code _info} behind a leading space. */
    public CommentFormat commentFormat() {
        return isAtLeast(2, 11) ? CommentFormat.CKAN_2_11 : CommentFormat.CKAN_2_10;
    }

    /**
     * {@code ckan.datastore.default_fts_index_field_types} when the site has not set it: 2.11 ships
     * {@code text tsvector} (2.10 hard-codes the same), 2.12 ships an empty list, so only the
     * {@code _full_text} index is built.
     */
    public List<String> defaultFtsFieldTypes() {
        return isAtLeast(2, 12) ? List.of() : List.of("text", "tsvector");
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }

    private static int leadingNumber(String part) {
        String digits = part.replaceAll("[^0-9].*$", "");
        return digits.isEmpty() || digits.length() > 9 ? 0 : Integer.parseInt(digits);
    }
}
