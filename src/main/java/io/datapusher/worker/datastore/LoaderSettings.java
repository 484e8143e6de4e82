package io.datapusher.worker.datastore;

import java.time.Duration;
import java.util.List;

/**
 * Tuning of the atomic load.
 *
 * @param ftsLang                 text-search config of the per-column FTS indexes (CKAN's {@code ckan.datastore.default_fts_lang})
 * @param ftsIndexMethod          index method of the FTS indexes ({@code ckan.datastore.default_fts_index_method})
 * @param ftsFieldTypes           column types that get an FTS index ({@code ckan.datastore.default_fts_index_field_types})
 * @param swapLockTimeout         how long one swap attempt waits for readers of the live table
 * @param swapBudget              how long all swap attempts together may wait before the load gives up
 * @param connectionCheckInterval how often PostgreSQL checks that the worker is still there, so a dead worker's lock is freed
 */
public record LoaderSettings(String ftsLang, String ftsIndexMethod, List<String> ftsFieldTypes,
                             Duration swapLockTimeout, Duration swapBudget, Duration connectionCheckInterval) {

    public LoaderSettings {
        if (!ftsIndexMethod.matches("[a-z_][a-z0-9_]*")) {
            // It goes into DDL as a keyword, so only an access-method name is acceptable.
            throw new IllegalArgumentException("not an index method: " + ftsIndexMethod);
        }
        ftsFieldTypes = List.copyOf(ftsFieldTypes);
    }

    public static LoaderSettings defaults() {
        return new LoaderSettings("english", "gist", List.of("text", "tsvector"),
                Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(5));
    }

    public LoaderSettings withSwapBudget(Duration budget) {
        return new LoaderSettings(ftsLang, ftsIndexMethod, ftsFieldTypes, swapLockTimeout, budget, connectionCheckInterval);
    }

    public LoaderSettings withSwapLockTimeout(Duration timeout) {
        return new LoaderSettings(ftsLang, ftsIndexMethod, ftsFieldTypes, timeout, swapBudget, connectionCheckInterval);
    }
}
