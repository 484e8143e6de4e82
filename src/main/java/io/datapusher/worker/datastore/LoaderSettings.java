package io.datapusher.worker.datastore;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Tuning of the atomic load.
 *
 * @param ftsLang                 text-search config of the per-column FTS indexes (CKAN's {@code ckan.datastore.default_fts_lang})
 * @param ftsIndexMethod          index method of the FTS indexes ({@code ckan.datastore.default_fts_index_method})
 * @param ftsFieldTypes           column types, as {@code pg_type.typname}, that get an FTS index
 *                                ({@code ckan.datastore.default_fts_index_field_types}); empty means the
 *                                target CKAN release's default
 * @param swapLockTimeout         how long one swap attempt waits for readers of the live table
 * @param swapBudget              how long all swap attempts together may wait before the load gives up
 * @param connectionCheckInterval how often PostgreSQL checks that the worker is still there, so a dead worker's lock is freed
 * @param parallelism             how many connections fill and index a staged table at once; 1 loads in one transaction
 */
public record LoaderSettings(String ftsLang, String ftsIndexMethod, Optional<List<String>> ftsFieldTypes,
                             Duration swapLockTimeout, Duration swapBudget, Duration connectionCheckInterval,
                             int parallelism) {

    /** Connections of a staged load besides the coordinator's, when nothing says otherwise. */
    public static final int DEFAULT_PARALLELISM = 2;

    public LoaderSettings {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        if (!ftsIndexMethod.matches("[a-z_][a-z0-9_]*")) {
            // It goes into DDL as a keyword, so only an access-method name is acceptable.
            throw new IllegalArgumentException("not an index method: " + ftsIndexMethod);
        }
        ftsFieldTypes = ftsFieldTypes.map(List::copyOf);
    }

    public static LoaderSettings defaults() {
        return new LoaderSettings("english", "gist", Optional.empty(),
                Duration.ofMillis(100), Duration.ofSeconds(60), Duration.ofSeconds(5), DEFAULT_PARALLELISM);
    }

    /**
     * A setting in CKAN's spelling, types separated by spaces; {@code none} is the empty list, which
     * an empty environment variable cannot express (MicroProfile Config reads it as unset).
     */
    public static List<String> parseFtsFieldTypes(String setting) {
        String types = setting.trim();
        return types.isEmpty() || types.equalsIgnoreCase("none") ? List.of() : List.of(types.split("\\s+"));
    }

    /** The FTS field types CKAN would use: the configured ones, else the release's default. */
    public List<String> ftsFieldTypesFor(CkanVersion ckan) {
        return ftsFieldTypes.orElseGet(ckan::defaultFtsFieldTypes);
    }

    public LoaderSettings withSwapBudget(Duration budget) {
        return new LoaderSettings(ftsLang, ftsIndexMethod, ftsFieldTypes, swapLockTimeout, budget, connectionCheckInterval,
                parallelism);
    }

    public LoaderSettings withSwapLockTimeout(Duration timeout) {
        return new LoaderSettings(ftsLang, ftsIndexMethod, ftsFieldTypes, timeout, swapBudget, connectionCheckInterval,
                parallelism);
    }

    public LoaderSettings withParallelism(int connections) {
        return new LoaderSettings(ftsLang, ftsIndexMethod, ftsFieldTypes, swapLockTimeout, swapBudget,
                connectionCheckInterval, connections);
    }
}
