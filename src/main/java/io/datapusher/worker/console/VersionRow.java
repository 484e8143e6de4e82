package io.datapusher.worker.console;

import io.datapusher.worker.datastore.HistoryVersion;

import java.util.stream.Collectors;

/**
 * A kept version of a resource's table, with what its Restore button sends.
 *
 * @param columns its columns as {@code name (type)}, as the file named them: shown escaped
 */
public record VersionRow(String version, String loadedByJob, String replacedByJob, String replacedAt, String rows,
                         String columns, String size) {

    static VersionRow of(HistoryVersion v) {
        return new VersionRow(v.version(), Shown.text(v.loadedByJob()), Shown.text(v.replacedByJob()), Shown.time(v.replacedAt()),
                Shown.count(v.rows()), v.columns().stream().map(c -> c.id() + " (" + c.type() + ")")
                        .collect(Collectors.joining(", ")), Shown.bytes(v.bytes()));
    }
}
