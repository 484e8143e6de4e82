package io.datapusher.worker.datastore;

import java.util.Locale;

/**
 * What schema drift may do to a load ({@code INGEST_DRIFT_POLICY}): {@code report} loads and
 * reports it; {@code protect-dictionary} refuses a load that would lose Data Dictionary entries a
 * person wrote; {@code strict} refuses any removed column and any type change.
 */
public enum DriftPolicy {
    REPORT,
    PROTECT_DICTIONARY,
    STRICT;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return id();
    }

    /** Why this policy refuses the drift, or null when it lets the load through. */
    String refusal(SchemaDrift drift) {
        if (drift == null) {
            return null;
        }
        return switch (this) {
            case REPORT -> null;
            case PROTECT_DICTIONARY -> drift.dictionaryLost().isEmpty() ? null
                    : "it would lose the Data Dictionary entries a person wrote for " + drift.describeLostEntries();
            case STRICT -> drift.removed().isEmpty() && drift.typeChanged().isEmpty() ? null
                    : "it " + drift.describeStrictChanges();
        };
    }
}
