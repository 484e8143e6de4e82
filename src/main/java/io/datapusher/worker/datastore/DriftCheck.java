package io.datapusher.worker.datastore;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The swap's drift check: under the live table's lock, before anything changes, the new table is
 * compared with the live one ({@link SchemaDrift}) and the load's {@link DriftPolicy} may refuse
 * it; the refusal rolls the swap back with the live table untouched.
 */
final class DriftCheck {

    private DriftCheck() {
    }

    /** The drift against the live table, null when there is none (a first load). */
    static SchemaDrift underLock(LiveTableReader reader, LoadRequest request, List<LoadResult.Column> columns,
                                 LoadStart start, long rows) throws SQLException, DriftRefusedException {
        Optional<LiveTable> live = reader.describe(request.resourceId());
        if (live.isEmpty()) {
            return null;
        }
        Long rowsBefore = start.writes() == null ? null : start.writes().rows();
        SchemaDrift drift = compare(live.get(), columns, rowsBefore, rows);
        String refusal = request.driftPolicy().refusal(drift);
        if (refusal != null) {
            throw new DriftRefusedException(refusalMessage(request.resourceId(), request.driftPolicy(), refusal), drift);
        }
        return drift;
    }

    static SchemaDrift compare(LiveTable live, List<LoadResult.Column> columns, Long rowsBefore, long rows) {
        List<SchemaDrift.Column> before = live.columns().stream()
                .map(c -> new SchemaDrift.Column(c.id(), SchemaDrift.typeName(c.type()), c.comment())).toList();
        List<SchemaDrift.Column> after = columns.stream()
                .map(c -> new SchemaDrift.Column(c.id(), c.type().sqlName(), null)).toList();
        return SchemaDrift.between(before, after, rowsBefore, rows);
    }

    /** Names the columns and says how to let the change through. */
    static String refusalMessage(String resourceId, DriftPolicy policy, String refusal) {
        return "the new file's table differs from the live one and INGEST_DRIFT_POLICY is " + policy.id() + ": " + refusal
                + ". Nothing was changed. To load it anyway, POST /api/jobs with {\"resource_id\": \"" + resourceId
                + "\", \"accept_drift\": true}, or set INGEST_DRIFT_POLICY=report";
    }
}
