package io.datapusher.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The DataStore database, given exactly as CKAN's {@code ckan.datastore.write_url}. */
@ConfigMapping(prefix = "datastore")
public interface DatastoreConfig {

    /** {@code postgresql://user:pass@host:port/db[?sslmode=...]}; the password is never logged. */
    @WithDefault("postgresql://ckan_default:pass@localhost:5432/datastore_default")
    String writeUrl();
}
