package io.datapusher.worker.datastore;

/**
 * How CKAN stores a column's Data Dictionary in its comment (contract 3.4): 2.10 writes plain JSON,
 * 2.11 a leading space and the info under {@code _info}.
 */
public enum CommentFormat {
    CKAN_2_10,
    CKAN_2_11;

    /** ckan_version as reported by status_show, e.g. "2.11.5"; 2.11 and later use the new format. */
    public static CommentFormat forCkanVersion(String ckanVersion) {
        String[] parts = ckanVersion.trim().split("\\.");
        int major = parts.length > 0 ? parseOrZero(parts[0]) : 0;
        int minor = parts.length > 1 ? parseOrZero(parts[1]) : 0;
        return (major > 2 || (major == 2 && minor >= 11)) ? CKAN_2_11 : CKAN_2_10;
    }

    private static int parseOrZero(String s) {
        String digits = s.replaceAll("[^0-9].*$", "");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }
}
