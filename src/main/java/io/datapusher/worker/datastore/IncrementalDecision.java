package io.datapusher.worker.datastore;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place that chooses how a file is loaded: {@link LoadPath#FULL}, {@link LoadPath#APPEND}
 * or {@link LoadPath#KEYED}. A pure function of what the worker knows, so that every case is a unit
 * test. Anything it cannot prove the same as a full reload is a full reload, with the reason.
 */
public final class IncrementalDecision {

    private IncrementalDecision() {
    }

    /** Whether the new file's first {@code recorded.rows()} rows are the rows the live table holds. */
    public enum Prefix {
        /** Not looked at yet: it is checked while the new rows stream, so an append can still fall back. */
        UNCHECKED,
        MATCHES,
        DIFFERS
    }

    /**
     * @param forceFull     {@code "full": true} on the job
     * @param maxFraction   INGEST_INCREMENTAL_MAX_FRACTION: the changed part above which a full reload is cheaper
     * @param recorded      what the last load wrote down; empty when the table predates it or is not the worker's
     * @param liveColumns   the live table's data columns as {@code id:typname}, in table order
     * @param liveRows      the live table's {@code count(*)} now
     * @param liveMaxId     the live table's {@code max(_id)} now (0 for none)
     * @param writtenSince  row versions written after the recorded load's transaction (-1: cannot tell)
     * @param pendingIndexes whether the last load left full-text indexes to build
     * @param fullTextTrigger whether CKAN's {@code zfulltext} trigger is there and enabled
     * @param otherTriggers whether the table has triggers of its own, which a full reload would not fire
     * @param keyColumns    the columns of CKAN's primary_key (its unique index), when the table has exactly one
     * @param newColumns    the new file's columns as a full reload would type them, as {@code id:typname}
     * @param newEncoding   the new file's encoding
     * @param newFormat     the new file's dialect
     * @param newRows       the new file's rows
     * @param prefix        what streaming the new file showed about its first rows
     */
    public record Facts(boolean forceFull, double maxFraction, Optional<IncrementalMarker> recorded,
                        List<String> liveColumns, long liveRows, long liveMaxId, long writtenSince, boolean pendingIndexes,
                        boolean fullTextTrigger, boolean otherTriggers, Optional<List<String>> keyColumns,
                        List<String> newColumns, String newEncoding, String newFormat, long newRows, Prefix prefix) {

        public Facts withPrefix(Prefix checked) {
            return new Facts(forceFull, maxFraction, recorded, liveColumns, liveRows, liveMaxId, writtenSince,
                    pendingIndexes, fullTextTrigger, otherTriggers, keyColumns, newColumns, newEncoding, newFormat, newRows,
                    checked);
        }
    }

    /** @param reason why a full reload, or what the incremental path rests on */
    public record Decision(LoadPath path, String reason) {

        static Decision full(String reason) {
            return new Decision(LoadPath.FULL, reason);
        }
    }

    public static Decision decide(Facts facts) {
        if (facts.forceFull()) {
            return Decision.full("the job asked for a full reload (\"full\": true)");
        }
        if (facts.recorded().isEmpty()) {
            return Decision.full("the live table has no record of the worker's last load to compare with");
        }
        IncrementalMarker recorded = facts.recorded().get();
        if (facts.pendingIndexes()) {
            return Decision.full("the last load left full-text indexes to build");
        }
        if (!facts.fullTextTrigger()) {
            return Decision.full("the live table has no enabled zfulltext trigger to fill _full_text");
        }
        if (facts.otherTriggers()) {
            return Decision.full("the live table has triggers of its own, which a full reload does not fire");
        }
        if (!facts.liveColumns().equals(recorded.columns())) {
            return Decision.full("the live table's columns changed since the worker's last load");
        }
        if (facts.writtenSince() != 0 || facts.liveRows() != recorded.rows() || facts.liveMaxId() != recorded.maxId()) {
            return Decision.full("the live table was written since the worker's last load (datastore_upsert or"
                    + " datastore_delete, or it cannot be told)");
        }
        Optional<String> fileChange = fileChange(facts, recorded);
        if (fileChange.isPresent()) {
            return Decision.full(fileChange.get());
        }
        if (!(facts.maxFraction() > 0)) {
            return Decision.full("incremental loads are off (INGEST_INCREMENTAL_MAX_FRACTION is 0)");
        }
        boolean keyed = facts.keyColumns().isPresent();
        // _ids 1..rows: the table's rows are the last file's rows in file order, so new rows can follow them
        boolean inFileOrder = recorded.maxId() == recorded.rows();
        if (facts.prefix() != Prefix.DIFFERS && inFileOrder && facts.newRows() > recorded.rows()) {
            long added = facts.newRows() - recorded.rows();
            if (exceeds(added, facts.newRows(), facts.maxFraction())) {
                return Decision.full(added + " of " + facts.newRows() + " rows are new, more than INGEST_INCREMENTAL_MAX_FRACTION ("
                        + facts.maxFraction() + ")");
            }
            return new Decision(LoadPath.APPEND, "the file starts with the " + recorded.rows() + " rows loaded last, if its"
                    + " rows show so as they stream");
        }
        if (keyed) {
            return new Decision(LoadPath.KEYED, "rows are matched by the primary_key " + String.join(", ", facts.keyColumns().get()));
        }
        if (facts.newRows() == recorded.rows() && facts.prefix() != Prefix.DIFFERS) {
            // the same rows again, or changed ones: either way a rebuild, which is what a resubmit asks for
            return Decision.full("the file has no new rows; it is reloaded in full");
        }
        return Decision.full(facts.newRows() < recorded.rows()
                ? "the file has fewer rows than the live table and the table has no primary_key"
                : "an earlier row changed and the table has no primary_key to match rows by");
    }

    /** After a keyed difference is known: whether it is small enough to apply rather than reload, and not nothing. */
    public static Optional<String> keyedTooLarge(long inserted, long updated, long deleted, long liveRows, long newRows,
                                                 double maxFraction) {
        long changed = inserted + updated + deleted;
        if (changed == 0) {
            return Optional.of("the file has the same rows as the live table; it is reloaded in full");
        }
        long base = Math.max(liveRows, newRows);
        return exceeds(changed, base, maxFraction)
                ? Optional.of(changed + " rows change of " + base + ", more than INGEST_INCREMENTAL_MAX_FRACTION (" + maxFraction + ")")
                : Optional.empty();
    }

    private static boolean exceeds(long changed, long base, double maxFraction) {
        return base == 0 ? changed > 0 : (double) changed / base > maxFraction;
    }

    /** What about the file itself rules out comparing its rows with the live ones. */
    private static Optional<String> fileChange(Facts facts, IncrementalMarker recorded) {
        List<String> before = ids(recorded.columns());
        List<String> after = ids(facts.newColumns());
        if (!before.equals(after)) {
            return Optional.of("the header changed");
        }
        if (!recorded.columns().equals(facts.newColumns())) {
            for (int i = 0; i < after.size(); i++) {
                if (!recorded.columns().get(i).equals(facts.newColumns().get(i))) {
                    return Optional.of("column " + after.get(i) + " changed type (" + type(recorded.columns().get(i)) + " to "
                            + type(facts.newColumns().get(i)) + "), or a new value does not fit its type");
                }
            }
        }
        if (!Objects.equals(recorded.encoding(), facts.newEncoding())) {
            return Optional.of("the encoding changed (" + recorded.encoding() + " to " + facts.newEncoding() + ")");
        }
        if (!Objects.equals(recorded.format(), facts.newFormat())) {
            return Optional.of("the dialect changed (" + recorded.format() + " to " + facts.newFormat() + ")");
        }
        return Optional.empty();
    }

    private static List<String> ids(List<String> columns) {
        return columns.stream().map(c -> c.substring(0, c.lastIndexOf(':'))).toList();
    }

    private static String type(String column) {
        return column.substring(column.lastIndexOf(':') + 1);
    }
}
