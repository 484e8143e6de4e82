package io.datapusher.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** How to reach CKAN. Read from {@code CKAN_URL}, {@code CKAN_API_TOKEN} and {@code CKAN_VERSION}. */
@ConfigMapping(prefix = "ckan")
public interface CkanConfig {

    /** CKAN's site URL; its origin is the one download origin exempt from the SSRF guard. */
    @WithDefault("http://localhost:5000")
    String url();

    /** A sysadmin API token, sent raw in {@code Authorization}. Never logged. */
    Optional<String> apiToken();

    /** Forces the CKAN version the worker writes for ("2.10", "2.11", "2.12") instead of asking status_show. */
    Optional<String> version();

    /** How long status_show's answer is trusted: the version only changes with an upgrade. */
    @WithDefault("10m")
    Duration versionCacheTtl();
}
