package io.datapusher.worker.testsupport;

import io.datapusher.worker.datastore.CkanVersion;

import java.nio.file.Path;

/**
 * The CKAN releases whose DataStore the worker must reproduce, each with the permissions script
 * that sets its DataStore database up (2.10 and 2.11 share one; 2.12 adds {@code _table_stats}).
 */
public enum CkanRelease {
    CKAN_2_10("2.10.10", "deploy/postgres/datastore-permissions.sql"),
    CKAN_2_11("2.11.5", "deploy/postgres/datastore-permissions.sql"),
    CKAN_2_12("2.12.0", "deploy/postgres/datastore-permissions-2.12.sql");

    private final String statusShowVersion;
    private final Path permissionsScript;

    CkanRelease(String statusShowVersion, String permissionsScript) {
        this.statusShowVersion = statusShowVersion;
        this.permissionsScript = Path.of(permissionsScript);
    }

    /** What {@code status_show} reports as {@code ckan_version}. */
    public String statusShowVersion() {
        return statusShowVersion;
    }

    public CkanVersion version() {
        return CkanVersion.parse(statusShowVersion);
    }

    public Path permissionsScript() {
        return permissionsScript;
    }
}
