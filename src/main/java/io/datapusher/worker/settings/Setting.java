package io.datapusher.worker.settings;

/**
 * One value a job used.
 *
 * @param value as the resource field or the {@code INGEST_*} variable writes it ({@code dmy}, {@code n/a,NULL})
 */
public record Setting(ResourceField field, String value, SettingSource source) {
}
