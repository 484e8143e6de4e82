package io.datapusher.worker.realckan;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker as the DataPusher of a real CKAN 2.11.5, the release most portals run: the whole
 * drop-in suite, and 2.11's own Data Dictionary format ({@code _info} in each column's comment).
 */
class DropInRealCkan211IT extends DropInRealCkanSuite {

    DropInRealCkan211IT() {
        super(RealCkanVersion.CKAN_2_11);
    }

    @Test
    void v211_aReloadKeepsTheDataDictionaryAsTheFormSavedItAndDatastoreUpgradeFindsNothingToDo() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        ckan.saveDataDictionaryForm(dataset, rid, Map.of(
                "info__0__label", "Station", "info__0__notes", "Code of the station\nsee the \"map\"",
                "info__0__type_override", "",
                "info__1__label", "Temperature", "info__1__notes", "°C", "info__1__type_override", "numeric",
                "info__2__label", "", "info__2__notes", "", "info__2__type_override", ""));
        List<String> saved = comments(rid);
        assertTrue(saved.get(0).startsWith(" {\"_info\":"), "2.11 keeps the form's info under _info: " + saved);
        String oidBefore = oid(rid);

        ckan.replaceFile(rid, "temperatures.csv", NEW_CSV.getBytes(StandardCharsets.UTF_8));
        await().atMost(LOAD).until(() -> !oid(rid).equals(oidBefore) && "complete".equals(state(rid)));

        assertEquals("4", count(rid));
        assertEquals(saved, comments(rid), "the reload keeps each column's comment byte for byte");
        String tableBefore = table(rid);
        String output = ckan.ckanCommand(log, "datastore", "upgrade");
        assertTrue(output.contains("Upgraded 0 tables"), output);
        assertEquals(tableBefore, table(rid), "ckan datastore upgrade leaves the table the worker loaded as it was");
    }

    private List<String> comments(String rid) throws Exception {
        return sql("SELECT coalesce(col_description(attrelid, attnum), '<none>') FROM pg_attribute WHERE attrelid = "
                + "to_regclass('public.\"" + rid + "\"') AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_%' "
                + "ORDER BY attnum");
    }
}
