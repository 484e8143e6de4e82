package io.datapusher.worker.settings;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datapusher.worker.analyze.Reading;
import io.datapusher.worker.testsupport.AnalysisConfigs;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("An unchanged file is loaded again when the resource's own settings changed since its load")
class SettingsChangeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ResourceSettings resolve(String json) throws Exception {
        return SettingsResolver.resolve(JSON.readTree(json.replace('\'', '"')), AnalysisConfigs.defaults());
    }

    /** The settings a finished job recorded: resolved, then completed by the analysis. */
    private static Optional<Map<String, Object>> loadedWith(String json) throws Exception {
        return Optional.of(resolve(json).withDetected(new Reading(Optional.empty(), Optional.of("Notes"), 1), "UTF-8").toJson());
    }

    @Test
    void aNewSheetIsAChange() throws Exception {
        assertEquals(Optional.of("datapusher_sheet is now \"2\", was not set"),
                SettingsChange.between(loadedWith("{}"), resolve("{'datapusher_sheet': '2'}")));
    }

    @Test
    void aSettingTakenAwayIsAChange() throws Exception {
        assertEquals(Optional.of("datapusher_date_order is now not set, was \"dmy\""),
                SettingsChange.between(loadedWith("{'datapusher_date_order': 'dmy'}"), resolve("{}")));
    }

    @Test
    void theSameSettingsOrOnlyDetectedValuesAreNoChange() throws Exception {
        assertEquals(Optional.empty(), SettingsChange.between(loadedWith("{'datapusher_sheet': '2'}"),
                resolve("{'datapusher_sheet': 2}")));
        assertEquals(Optional.empty(), SettingsChange.between(loadedWith("{}"), resolve("{}")),
                "the sheet the analysis detected last time is not a choice the resource made");
    }

    @Test
    void aTableLoadedBeforeSettingsWereRecordedCountsAsLoadedWithoutResourceFields() throws Exception {
        assertEquals(Optional.empty(), SettingsChange.between(Optional.empty(), resolve("{}")));
        assertEquals(Optional.of("datapusher_delimiter is now \";\", was not set"),
                SettingsChange.between(Optional.empty(), resolve("{'datapusher_delimiter': ';'}")));
    }
}
