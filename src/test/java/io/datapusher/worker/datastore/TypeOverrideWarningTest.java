package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.CkanRelease;
import io.datapusher.worker.testsupport.ReleaseDatastore;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CKAN's API takes any type name as a Data Dictionary {@code type_override} (xloader would create a
 * {@code bool} or {@code float8} column from it); the worker creates only its six types, and says
 * so on the job instead of ignoring the curator's choice in silence.
 */
class TypeOverrideWarningTest {

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void anOverrideTheWorkerCannotHonourIsNamedInAWarningAndInferenceDecides(CkanRelease release) throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(release)) {
            ds.load("job-1", TestAnalysis.builder()
                    .column("flag", "Flag", ColumnType.INTEGER)
                    .column("ratio", "Ratio", ColumnType.NUMERIC)
                    .column("amount", "Amount", ColumnType.INTEGER)
                    .column("note", "Note", ColumnType.TEXT)
                    .row("1", "0.5", "7", "x")
                    .build());
            ds.db.writerExecute(
                    "COMMENT ON COLUMN " + ds.table + ".\"flag\" IS " + Sql.quoteLiteral(withOverride(release, "Flag", "bool")),
                    "COMMENT ON COLUMN " + ds.table + ".\"ratio\" IS " + Sql.quoteLiteral(withOverride(release, "Ratio", "float8")),
                    "COMMENT ON COLUMN " + ds.table + ".\"amount\" IS " + Sql.quoteLiteral(withOverride(release, "Amount", "numeric")),
                    "COMMENT ON COLUMN " + ds.table + ".\"note\" IS " + Sql.quoteLiteral(withOverride(release, "Note", "")));

            LoadResult result = ds.load("job-2", TestAnalysis.builder()
                    .column("flag", "Flag", ColumnType.INTEGER)
                    .column("ratio", "Ratio", ColumnType.NUMERIC)
                    .column("amount", "Amount", ColumnType.INTEGER)
                    .column("note", "Note", ColumnType.TEXT)
                    .row("0", "0.25", "8", "y")
                    .build());

            assertEquals(2, result.warnings().size(), result.warnings().toString());
            assertTrue(result.warnings().get(0).startsWith("column \"flag\": its type_override \"bool\""), result.warnings().get(0));
            assertTrue(result.warnings().get(0).contains("integer"), result.warnings().get(0));
            assertTrue(result.warnings().get(1).startsWith("column \"ratio\": its type_override \"float8\""), result.warnings().get(1));
            assertEquals(List.of(ColumnType.INTEGER, ColumnType.NUMERIC, ColumnType.NUMERIC, ColumnType.TEXT),
                    result.columns().stream().map(LoadResult.Column::type).toList());
        }
    }

    private static String withOverride(CkanRelease release, String label, String override) {
        return release == CkanRelease.CKAN_2_10
                ? "{\"label\": \"" + label + "\", \"notes\": \"\", \"type_override\": \"" + override + "\"}"
                : " {\"_info\":{\"label\":\"" + label + "\",\"notes\":\"\",\"type_override\":\"" + override + "\"}}";
    }
}
