package io.datapusher.worker.realckan;

import java.nio.file.Path;

/**
 * The CKAN releases ../shared/real-ckan starts, each with its own ports, databases and state, so that
 * a version's suite never meets another's. {@code CKAN_VERSION} selects one for up.sh and down.sh.
 */
enum RealCkanVersion {
    CKAN_2_10("2.10", "2.10.10", 8800, "/var/tmp/real-ckan"),
    CKAN_2_11("2.11", "2.11.5", 8811, "/var/tmp/real-ckan-2.11"),
    CKAN_2_12("2.12", "2.12.0b0", 8812, "/var/tmp/real-ckan-2.12");

    private final String selector;
    private final String statusShowVersion;
    private final int workerPort;
    private final Path home;

    RealCkanVersion(String selector, String statusShowVersion, int workerPort, String home) {
        this.selector = selector;
        this.statusShowVersion = statusShowVersion;
        this.workerPort = workerPort;
        this.home = Path.of(home);
    }

    /** What {@code CKAN_VERSION} takes, and the name of this version's folder under target/real-ckan. */
    String selector() {
        return selector;
    }

    /** What the started CKAN's {@code status_show} must report as {@code ckan_version}. */
    String statusShowVersion() {
        return statusShowVersion;
    }

    /** The port of this CKAN's {@code ckan.datapusher.url}, where the suite runs the worker. */
    int workerPort() {
        return workerPort;
    }

    /** up.sh's state directory (REAL_CKAN_HOME): ckan.ini, the {@code ckan} command, logs. */
    Path home() {
        return home;
    }
}
