package io.datapusher.worker.config;

import io.datapusher.worker.datastore.LoaderSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything that tunes an ingest. Each key maps to an {@code INGEST_*} environment variable, e.g.
 * {@code ingest.download-max-bytes} is {@code INGEST_DOWNLOAD_MAX_BYTES}.
 */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** Longest a job may run; must stay below the broker's consumer_timeout. */
    @WithDefault("25m")
    Duration jobTimeout();

    /** Download cap in bytes (10 GiB). */
    @WithDefault("10737418240")
    long downloadMaxBytes();

    /** Total time a download may take. */
    @WithDefault("20m")
    Duration downloadTimeout();

    /**
     * Longest a download may go without receiving a byte (connect included); a stalled server
     * fails here long before {@link #downloadTimeout()}.
     */
    @WithDefault("60s")
    Duration downloadIdleTimeout();

    /** Allow downloads from loopback, private and link-local addresses besides CKAN's origin. */
    @WithDefault("false")
    boolean downloadAllowPrivateNetworks();

    /**
     * Which sheet of an XLSX or XLS workbook to load: a sheet name (exact, then ignoring case), or
     * else a whole number, the sheet's 1-based position as its tab is counted ("2" is the second
     * tab). The first sheet when unset.
     */
    Optional<String> excelSheet();

    /**
     * {@code url_type} values of resources whose table is edited through the DataStore API (CKAN's
     * {@code datastore_rw_resource_url_types}): their URL is CKAN's own dump of the table, so they
     * are never loaded from it.
     */
    @WithDefault("datastore,tabledesigner")
    List<String> datastoreUrlTypes();

    /** Where downloads are streamed to; the system temp dir when unset. */
    Optional<String> tempDir();

    /** CKAN's ckan.datastore.default_fts_lang. */
    @WithDefault("english")
    String ftsLang();

    /** CKAN's ckan.datastore.default_fts_index_method. */
    @WithDefault("gist")
    String ftsIndexMethod();

    /**
     * CKAN's ckan.datastore.default_fts_index_field_types: type names as pg_type spells them
     * (text, int4, int8, numeric), space separated, or {@code none}. Unset, it is the target
     * CKAN's own default: {@code text tsvector} up to 2.11, none from 2.12 on.
     */
    Optional<String> ftsFieldTypes();

    /**
     * How long one try to take the live table's lock for the swap may wait. Readers that arrive
     * while the swap waits queue behind it, so this bounds their wait too.
     */
    @WithDefault("100ms")
    Duration swapLockTimeout();

    /**
     * How many connections fill and index a new table at once, besides the one that holds the
     * resource's lock and runs the swap; 1 loads in one transaction. Size it to the DataStore
     * server's cores, not the worker's: the work runs in PostgreSQL.
     */
    @WithDefault("2")
    int loadParallelism();

    /** How long the swap keeps trying before the job fails with the old table untouched. */
    @WithDefault("60s")
    Duration swapBudget();

    /** First wait before a message whose job hit a transient outage is redelivered. */
    @WithDefault("5s")
    Duration redeliveryInitialDelay();

    /** Longest wait before such a redelivery. */
    @WithDefault("5m")
    Duration redeliveryMaxDelay();

    /** Metadata retry backoff, used by the metadata-pending retry queue. */
    @WithDefault("30s")
    Duration metadataRetryInitialDelay();

    @WithDefault("1h")
    Duration metadataRetryMaxDelay();

    @WithDefault("50")
    int metadataRetryMaxAttempts();

    /** On SIGTERM, how long in-flight jobs may run on before they are stopped and handed back. */
    @WithDefault("50s")
    Duration shutdownGrace();

    /** How often a replica says which jobs it is running; a job silent for 4 beats goes back to queued. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** How often temp files left by killed processes are looked for. */
    @WithDefault("5m")
    Duration tempSweepInterval();

    /**
     * How to read a slash date such as 03/04/2021 when the data does not decide it (no first or
     * second part above 12 anywhere in the column or file): {@code mdy} or {@code dmy}.
     */
    @WithDefault("mdy")
    String dateOrder();

    /**
     * Cell texts, comma separated, that load as NULL besides the empty cell (e.g. {@code NULL,n/a}).
     * None by default: "NA" is Namibia and Napoli in real files.
     */
    Optional<List<String>> nullValues();

    /** The analysis fails when more than this percentage of records are too wide to load unshifted. */
    @WithDefault("5")
    double maxQuarantinePercent();

    /** Most columns a table may have; PostgreSQL's own limit is 1600. */
    @WithDefault("1600")
    int maxColumns();

    /** Longest cell in characters (10 Mi); a longer one fails the job with the line and cell. */
    @WithDefault("10485760")
    int maxCellChars();

    default Optional<List<String>> ftsFieldTypeList() {
        return ftsFieldTypes().map(LoaderSettings::parseFtsFieldTypes);
    }
}
