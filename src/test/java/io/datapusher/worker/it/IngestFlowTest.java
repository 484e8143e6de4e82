package io.datapusher.worker.it;

import io.datapusher.worker.datastore.Sql;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service end to end: a resubmit message on the real broker becomes a job, the job loads the
 * file from the CKAN fake into the real DataStore database, and CKAN's metadata is patched.
 */
@QuarkusTest
class IngestFlowTest extends EndToEndTest {

    private static final String CSV = "name,amount,when\nAda,12,2024-01-02\nGrace,7,2024-02-03\nLinus,,2024-03-04\n";

    @BeforeEach
    void reportCkan211() {
        ckan.version("2.11.5");
    }

    @Test
    void aFreshResourceIsLoadedIndexedCommentedAndMarkedActiveInCkan() throws Exception {
        String rid = newResource(CSV);

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("complete", job.getString("status"), job.prettify());
        assertEquals("update-metadata", job.getString("step"));
        assertEquals(3, job.getLong("rows"));
        assertEquals(List.of("fetch-resource", "download", "analyze", "load", "update-metadata"), job.getList("steps.step"));
        assertTrue(job.getList("steps.duration_ms", Integer.class).stream().allMatch(d -> d >= 0));

        assertEquals(List.of("_id:integer", "_full_text:tsvector", "name:text", "amount:integer", "when:date"),
                datastore().query("SELECT column_name || ':' || data_type FROM information_schema.columns "
                        + "WHERE table_name = '" + rid + "' ORDER BY ordinal_position"));
        assertEquals("3", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertEquals("0", datastore().queryOne(fullTextMismatches(rid)));

        List<String> indexes = datastore().query("SELECT indexname FROM pg_indexes WHERE tablename = '" + rid + "'");
        assertTrue(indexes.contains(sha1(rid + "\"_full_text\"")), indexes.toString());
        assertTrue(indexes.contains(sha1(rid + "to_tsvector('english', \"name\")")), indexes.toString());
        assertTrue(indexes.contains(rid + "_pkey"), indexes.toString());

        assertEquals(" {\"_info\":{\"label\":\"name\"}}", comment(rid, "name"));

        Map<String, Object> patch = ckan.patches().get(0);
        assertEquals(rid, patch.get("id"));
        assertEquals(true, patch.get("datastore_active"));
        assertEquals(md5(CSV), patch.get("hash"));

        try (Connection reader = datastore().asReader(); Statement st = reader.createStatement()) {
            assertTrue(st.executeQuery("SELECT name FROM \"" + rid + "\"").next());
        }
    }

    @Test
    void ckan210GetsPlainCommentsAndCkan211TheInfoFormat() throws Exception {
        ckan.version("2.10.10");
        String old = newResource(CSV);
        broker.publishToExchange("{\"resource_id\": \"" + old + "\"}");
        assertEquals("complete", Jobs.awaitEnded(old).getString("status"));
        assertEquals("{\"label\": \"amount\"}", comment(old, "amount"));

        ckan.version("2.11.0");
        String current = newResource(CSV);
        broker.publishToExchange("{\"resource_id\": \"" + current + "\"}");
        assertEquals("complete", Jobs.awaitEnded(current).getString("status"));
        assertEquals(" {\"_info\":{\"label\":\"amount\"}}", comment(current, "amount"));
    }

    @Test
    void aResubmitKeepsTheHandEditedDataDictionaryAppliesTheOverrideAndRefreshesTheAlias() throws Exception {
        String rid = loadedResource(CSV);
        String labelled = " {\"_info\":{\"label\":\"Amount (EUR)\",\"notes\":\"Paid\",\"type_override\":\"numeric\"}}";
        String named = " {\"_info\":{\"label\":\"Full name\",\"notes\":\"as written\"}}";
        datastore().writerExecute(
                "COMMENT ON COLUMN \"" + rid + "\".\"amount\" IS '" + labelled + "'",
                "COMMENT ON COLUMN \"" + rid + "\".\"name\" IS '" + named + "'",
                "CREATE VIEW \"my-alias\" AS SELECT * FROM \"" + rid + "\"");

        ckan.replaceFile(rid, (CSV + "Barbara,3,2024-04-05\n").getBytes(StandardCharsets.UTF_8));
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = awaitNewest(rid, 2);

        assertEquals("complete", job.getString("status"), job.prettify());
        assertEquals(labelled, comment(rid, "amount"));
        assertEquals(named, comment(rid, "name"));
        assertEquals("numeric", datastore().queryOne("SELECT data_type FROM information_schema.columns "
                + "WHERE table_name = '" + rid + "' AND column_name = 'amount'"));
        assertEquals("4", datastore().queryOne("SELECT count(*) FROM \"my-alias\""));
        datastore().writerExecute("DROP VIEW \"my-alias\"");
    }

    @Test
    void dataThatContradictsATypeOverrideFailsTheJobAndLeavesTheOldTableExactlyAsItWas() throws Exception {
        String rid = loadedResource(CSV);
        datastore().writerExecute(
                "COMMENT ON COLUMN \"" + rid + "\".\"amount\" IS ' {\"_info\":{\"label\":\"Amount\",\"type_override\":\"numeric\"}}'",
                "CREATE VIEW \"" + rid + "-alias\" AS SELECT * FROM \"" + rid + "\"");
        String before = snapshot(rid);

        ckan.replaceFile(rid, "name,amount,when\nAda,12,2024-01-02\nGrace,n/a,2024-02-03\n".getBytes(StandardCharsets.UTF_8));
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = awaitNewest(rid, 2);

        assertEquals("failed", job.getString("status"), job.prettify());
        assertEquals("load", job.getString("step"));
        assertTrue(job.getString("error").contains("amount") && job.getString("error").contains("n/a"), job.getString("error"));
        assertEquals(before, snapshot(rid));
        assertEquals(1, ckan.patches().size(), "only the first load patched CKAN");
        datastore().writerExecute("DROP VIEW \"" + rid + "-alias\"");
    }

    @Test
    void aReaderHoldingTheLiveTableDelaysTheSwapUntilItEnds() throws Exception {
        String rid = loadedResource(CSV);
        ckan.replaceFile(rid, (CSV + "Barbara,3,2024-04-05\n").getBytes(StandardCharsets.UTF_8));

        try (Connection reader = datastore().asReader(); Statement st = reader.createStatement()) {
            reader.setAutoCommit(false);
            st.executeQuery("SELECT count(*) FROM \"" + rid + "\"").close();
            broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> Jobs.of(rid).size() == 2 && "load".equals(Jobs.of(rid).get(0).get("step")));
            // the swap has asked for the live table's lock at least once and been refused
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !"0".equals(datastore().queryOne("SELECT count(*) FROM pg_catalog.pg_locks"
                            + " WHERE NOT granted AND relation = 'public.\"" + rid + "\"'::regclass")));
            assertEquals("running", Jobs.of(rid).get(0).get("status"), "the swap waits for the reader");
            assertEquals("3", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
            reader.commit();
        }
        JsonPath job = awaitNewest(rid, 2);
        assertEquals("complete", job.getString("status"), job.prettify());
        assertTrue(job.getString("steps.find { it.step == 'load' }.detail").contains("tries, waiting for readers"), job.prettify());
        assertEquals("4", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
    }

    @Test
    void solrDownLeavesTheJobMetadataPendingWithTheNewTableLive() throws Exception {
        String rid = newResource(CSV);
        ckan.solrDown(true);

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("metadata_pending", job.getString("status"), job.prettify());
        assertEquals("update-metadata", job.getString("step"));
        assertTrue(job.getString("error").contains("Search Index Error"), job.getString("error"));
        assertNull(job.get("finished_at"));
        assertEquals("3", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertEquals(false, ckan.resource(rid).get("datastore_active"));
    }

    @Test
    void anUnchangedFileIsSkippedWithoutDdlOrCkanWrites() throws Exception {
        String rid = loadedResource(CSV);
        String oid = datastore().queryOne("SELECT '\"" + rid + "\"'::regclass::oid");
        int patches = ckan.patches().size();

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = awaitNewest(rid, 2);

        assertEquals("skipped", job.getString("status"), job.prettify());
        assertEquals("download", job.getString("step"));
        assertEquals(oid, datastore().queryOne("SELECT '\"" + rid + "\"'::regclass::oid"));
        assertEquals(patches, ckan.patches().size());

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\", \"ignore_hash\": true}");
        assertEquals("complete", awaitNewest(rid, 3).getString("status"));
    }

    @Test
    void aFileWhoseHashCkanHasButTheLiveTableWasNotLoadedFromIsLoaded() throws Exception {
        String rid = loadedResource(CSV);
        // Another loader (or a load whose end CKAN never heard of) filled the live table from another
        // file; CKAN's hash still names this one.
        datastore().writerExecute("COMMENT ON TABLE \"" + rid + "\" IS NULL", "DELETE FROM \"" + rid + "\"");

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = awaitNewest(rid, 2);

        assertEquals("complete", job.getString("status"), job.prettify());
        assertEquals("3", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
    }

    @Test
    void aFileWhoseHashCkanHasButAnotherFileIsLiveIsLoaded() throws Exception {
        String rid = loadedResource(CSV);
        String marker = datastore().queryOne("SELECT obj_description('\"" + rid + "\"'::regclass, 'pg_class')");
        datastore().writerExecute("COMMENT ON TABLE \"" + rid + "\" IS "
                + Sql.quoteLiteral(marker.replace(md5(CSV), md5("another file"))));

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");

        assertEquals("complete", awaitNewest(rid, 2).getString("status"));
    }

    @Test
    void aMalformedMessageIsDeadLetteredWithItsReasonAndTheNextOneIsProcessed() throws Exception {
        broker.purge("datapusher.dead-letter");
        broker.publishToQueue("this is not json");
        broker.publishToQueue("{\"ignore_hash\": true}");
        String rid = newResource(CSV);
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");

        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        var first = broker.take("datapusher.dead-letter", Duration.ofSeconds(10)).orElseThrow();
        assertEquals("this is not json", new String(first.getBody(), StandardCharsets.UTF_8));
        assertTrue(first.getProps().getHeaders().get("x-datapusher-error").toString().startsWith("body is not JSON"));
        var second = broker.take("datapusher.dead-letter", Duration.ofSeconds(10)).orElseThrow();
        assertEquals("body has no resource_id string", second.getProps().getHeaders().get("x-datapusher-error").toString());
    }

    @Test
    void hostileHeadersBecomeValidUniqueColumnsAndLabelsKeepTheOriginals() throws Exception {
        String longHeader = "é".repeat(40);
        String csv = "a,a,,_x,say \"hi\",ctid,\"a\"\"; DROP TABLE x; --\"," + longHeader + "\n1,2,3,4,5,6,7,8\n";
        String tablesBefore = datastore().queryOne("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace");
        String rid = newResource(csv);

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("complete", job.getString("status"), job.prettify());
        List<String> columns = datastore().query("SELECT attname FROM pg_attribute WHERE attrelid = '\"" + rid
                + "\"'::regclass AND attnum > 2 AND NOT attisdropped ORDER BY attnum");
        assertEquals(8, columns.size(), columns.toString());
        assertEquals(8, columns.stream().distinct().count());
        assertTrue(columns.stream().allMatch(c -> !c.isEmpty() && !c.startsWith("_") && !c.contains("\"")
                && c.getBytes(StandardCharsets.UTF_8).length <= 63 && !c.equals("ctid")), columns.toString());
        assertTrue(comment(rid, columns.get(6)).contains("a\\\"; DROP TABLE x; --"), comment(rid, columns.get(6)));
        assertEquals(Integer.parseInt(tablesBefore) + tableObjectsPerLoad(),
                Integer.parseInt(datastore().queryOne("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")),
                "only the new table, its sequence and indexes appeared");
    }

    // ---------------------------------------------------------------- helpers

    private String newResource(String csv) {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, csv.getBytes(StandardCharsets.UTF_8), "CSV");
        return rid;
    }

    private String loadedResource(String csv) throws Exception {
        String rid = newResource(csv);
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        return rid;
    }

    /** Waits for the {@code count}-th job of a resource to end. */
    private static JsonPath awaitNewest(String rid, int count) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Jobs.of(rid).size() >= count);
        return Jobs.awaitEnded(rid);
    }

    private String comment(String rid, String column) throws Exception {
        return datastore().queryOne("SELECT col_description('\"" + rid + "\"'::regclass, attnum) FROM pg_attribute "
                + "WHERE attrelid = '\"" + rid + "\"'::regclass AND attname = '" + column.replace("'", "''") + "'");
    }

    /** Rows, comments, indexes, views and ACL of a table, as one comparable text. */
    private String snapshot(String rid) throws Exception {
        String table = "'\"" + rid + "\"'::regclass";
        return String.join("\n",
                datastore().queryOne("SELECT md5(string_agg(t::text, ',' ORDER BY _id)) FROM \"" + rid + "\" t"),
                String.join("|", datastore().query("SELECT attname || '=' || format_type(atttypid, atttypmod) || '=' || "
                        + "coalesce(col_description(attrelid, attnum), '') FROM pg_attribute WHERE attrelid = " + table
                        + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum")),
                String.join("|", datastore().query("SELECT indexname || '=' || indexdef FROM pg_indexes WHERE tablename = '"
                        + rid + "' ORDER BY indexname")),
                String.join("|", datastore().query("SELECT DISTINCT v.relname FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
                        + "JOIN pg_class v ON v.oid = r.ev_class WHERE d.refobjid = " + table + " AND v.oid <> " + table
                        + " ORDER BY 1")),
                datastore().queryOne("SELECT coalesce(relacl::text, '') FROM pg_class WHERE oid = " + table));
    }

    private static String fullTextMismatches(String rid) {
        return "SELECT count(*) FROM \"" + rid + "\" t WHERE t._full_text IS DISTINCT FROM "
                + "(SELECT to_tsvector(string_agg(value, ' ')) FROM json_each_text(row_to_json(t.*)) WHERE key NOT LIKE '\\_%')";
    }

    /** Table, sequence, primary key index and full-text index; the columns are all integers, so no FTS index. */
    private static int tableObjectsPerLoad() {
        return 4;
    }

    private static String sha1(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String md5(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

}
