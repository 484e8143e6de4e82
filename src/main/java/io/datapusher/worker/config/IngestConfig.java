package io.datapusher.worker.config;

import io.datapusher.worker.Backoff;
import io.datapusher.worker.datastore.DriftPolicy;
import io.datapusher.worker.datastore.LoaderSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything that tunes an ingest, in groups. Each key maps to an {@code INGEST_*} environment
 * variable, the group's name included: {@code ingest.download.max-bytes} is
 * {@code INGEST_DOWNLOAD_MAX_BYTES}, {@code ingest.swap.lock-timeout} is
 * {@code INGEST_SWAP_LOCK_TIMEOUT}. The analysis settings sit at the top ({@code INGEST_DATE_ORDER}).
 */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** Longest a job may run; must stay below the broker's consumer_timeout. */
    @WithDefault("25m")
    Duration jobTimeout();

    /**
     * {@code url_type} values of resources whose table is edited through the DataStore API (CKAN's
     * {@code datastore_rw_resource_url_types}): their URL is CKAN's own dump of the table, so they
     * are never loaded from it.
     */
    @WithDefault("datastore,tabledesigner")
    List<String> datastoreUrlTypes();

    /** On SIGTERM, how long in-flight jobs may run on before they are stopped and handed back. */
    @WithDefault("50s")
    Duration shutdownGrace();

    /** How often a replica says which jobs it is running; a job silent for 4 beats goes back to queued. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /**
     * The bearer token every {@code /api/*} request must carry. Without one the jobs API answers
     * 403 to everyone: it can reload any resource and shows errors that quote private files.
     */
    Optional<String> apiToken();

    /**
     * {@code INGEST_DRIFT_POLICY}: what a load whose table differs from the live one may do.
     * {@code report} loads and reports the drift; {@code protect-dictionary} refuses a load that would
     * lose Data Dictionary entries a person wrote; {@code strict} refuses any removed column and any
     * type change. {@code "accept_drift": true} on POST /api/jobs lets one load through.
     */
    @WithDefault("report")
    DriftPolicy driftPolicy();

    Download download();

    Temp temp();

    @WithParentName
    Analysis analysis();

    Fts fts();

    Load load();

    Swap swap();

    HistoryRetention history();
    Incremental incremental();

    Redelivery redelivery();

    MetadataRetry metadataRetry();

    Console console();

    /** {@code INGEST_DOWNLOAD_*}: the hard limits of a download. */
    interface Download {

        /** Download cap in bytes (10 GiB). */
        @WithDefault("10737418240")
        long maxBytes();

        /** Total time a download may take. */
        @WithDefault("20m")
        Duration timeout();

        /**
         * Longest a download may go without receiving a byte (connect included); a stalled server
         * fails here long before {@link #timeout()}.
         */
        @WithDefault("60s")
        Duration idleTimeout();

        /** Allow downloads from loopback, private and link-local addresses besides CKAN's origin. */
        @WithDefault("false")
        boolean allowPrivateNetworks();
    }

    /** {@code INGEST_TEMP_*}: where downloads are streamed, and how often leftovers are swept. */
    interface Temp {

        /** Where downloads are streamed to; the system temp dir when unset. */
        Optional<String> dir();

        /** How often temp files and staging tables left by killed processes are looked for. */
        @WithDefault("5m")
        Duration sweepInterval();
    }

    /** How a file is read into a table: {@code INGEST_EXCEL_SHEET}, {@code INGEST_DATE_ORDER}, ... */
    interface Analysis {

        /**
         * Which sheet of an XLSX or XLS workbook to load: a sheet name (exact, then ignoring case), or
         * else a whole number, the sheet's 1-based position as its tab is counted ("2" is the second
         * tab). The first sheet when unset.
         */
        Optional<String> excelSheet();

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
    }

    /** {@code INGEST_FTS_*}: CKAN's own full-text settings, which the worker follows. */
    interface Fts {

        /** CKAN's ckan.datastore.default_fts_lang. */
        @WithDefault("english")
        String lang();

        /** CKAN's ckan.datastore.default_fts_index_method. */
        @WithDefault("gist")
        String indexMethod();

        /**
         * CKAN's ckan.datastore.default_fts_index_field_types: type names as pg_type spells them
         * (text, int4, int8, numeric), space separated, or {@code none}. Unset, it is the target
         * CKAN's own default: {@code text tsvector} up to 2.11, none from 2.12 on.
         */
        Optional<String> fieldTypes();

        default Optional<List<String>> fieldTypeList() {
            return fieldTypes().map(LoaderSettings::parseFtsFieldTypes);
        }
    }

    /** {@code INGEST_LOAD_*}: how a new table is built. */
    interface Load {

        /** Each one is a DataStore connection, on a server whose max_connections CKAN shares. */
        int MAX_PARALLELISM = 16;

        /**
         * How many connections fill and index a new table at once, besides the one that holds the
         * resource's lock and runs the swap; 1 loads in one transaction. Size it to the DataStore
         * server's cores, not the worker's: the work runs in PostgreSQL. 1 to {@link #MAX_PARALLELISM}.
         */
        @WithDefault("2")
        int parallelism();

        /** {@link #parallelism()}, or a startup failure that says what is wrong. */
        default int checkedParallelism() {
            int parallelism = parallelism();
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException("INGEST_LOAD_PARALLELISM must be between 1 and " + MAX_PARALLELISM
                        + ", not " + parallelism + ": each one is a DataStore connection per running load");
            }
            return parallelism;
        }
    }

    /** {@code INGEST_INCREMENTAL_*}: when a file is loaded into the live table instead of a new one. */
    interface Incremental {

        /**
         * The part of the file that may change (rows appended, or inserted, updated and deleted by
         * key) for an incremental load; above it a full reload is cheaper. 0 turns incremental loads off.
         */
        @WithDefault("0.2")
        double maxFraction();
    }

    /** {@code INGEST_SWAP_*}: the short transaction that puts the new table live. */
    interface Swap {

        /**
         * How long one try to take the live table's lock may wait. Readers that arrive while the
         * swap waits queue behind it, so this bounds their wait too.
         */
        @WithDefault("100ms")
        Duration lockTimeout();

        /** How long the swap keeps trying before the job fails with the old table untouched. */
        @WithDefault("60s")
        Duration budget();
    }

    /**
     * {@code INGEST_HISTORY_*}: the replaced tables the swap keeps in {@code datapusher_history} so
     * that a load can be undone; the sweep ({@code INGEST_TEMP_SWEEP_INTERVAL}) applies the limits.
     */
    interface HistoryRetention {

        /** Versions kept per resource, newest first; 0 turns history off and the swap drops the old table. */
        @WithDefault("1")
        int versions();

        /** A version replaced longer ago than this is dropped. */
        @WithDefault("7d")
        Duration maxAge();

        /** A cap in bytes over all kept versions of all resources, the oldest dropped first; unset: no cap. */
        Optional<Long> maxBytes();

        /** The limits, or a startup failure that says which is wrong. */
        default io.datapusher.worker.datastore.HistoryPolicy policy() {
            return new io.datapusher.worker.datastore.HistoryPolicy(versions(), maxAge(),
                    maxBytes().map(java.util.OptionalLong::of).orElseGet(java.util.OptionalLong::empty));
        }
    }

    /** {@code INGEST_REDELIVERY_*}: when a message whose job hit an outage comes back. */
    interface Redelivery {

        /** First wait before a message whose job hit a transient outage is redelivered. */
        @WithDefault("5s")
        Duration initialDelay();

        /** Longest wait before such a redelivery. */
        @WithDefault("5m")
        Duration maxDelay();

        default Backoff backoff() {
            return new Backoff(initialDelay(), maxDelay());
        }
    }

    /** {@code INGEST_METADATA_RETRY_*}: the durable retry of what a job owes CKAN after the pivot. */
    interface MetadataRetry {

        @WithDefault("30s")
        Duration initialDelay();

        @WithDefault("1h")
        Duration maxDelay();

        /** Attempts before the follow-up is parked in datapusher.metadata-parked. */
        @WithDefault("50")
        int maxAttempts();

        default Backoff backoff() {
            return new Backoff(initialDelay(), maxDelay());
        }
    }

    /** {@code INGEST_CONSOLE_*}: the sign-in of the console at {@code /}, which takes INGEST_API_TOKEN. */
    interface Console {

        /** How long a console sign-in lasts; the session cookie carries its own expiry, signed. */
        @WithDefault("8h")
        Duration sessionTtl();

        /**
         * Marks the session cookie {@code Secure} on every answer, for a worker behind a proxy that
         * ends TLS; without it the cookie is {@code Secure} only when the request itself came over HTTPS.
         */
        @WithDefault("false")
        boolean secureCookie();
    }
}
