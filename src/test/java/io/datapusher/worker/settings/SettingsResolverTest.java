package io.datapusher.worker.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datapusher.worker.analyze.DateOrder;
import io.datapusher.worker.analyze.Reading;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.testsupport.AnalysisConfigs;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("A resource's datapusher_* fields win over INGEST_*, which stay the default; the rest is detected")
class SettingsResolverTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode resource(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    private static ResourceSettings resolve(String json, IngestConfig.Analysis env) throws Exception {
        return SettingsResolver.resolve(resource(json), env);
    }

    private static ResourceSettings resolve(String json) throws Exception {
        return resolve(json, AnalysisConfigs.defaults());
    }

    /** field | resource value | INGEST_* key | INGEST_* value | the value used | its source */
    @ParameterizedTest(name = "{0}: resource \"{1}\", {2}=\"{3}\" -> \"{4}\" from {5}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "datapusher_sheet       | 2        | excelSheet | Data   | 2        | resource",
            "datapusher_sheet       | -        | excelSheet | Data   | Data     | environment",
            "datapusher_sheet       | ''       | excelSheet | Data   | Data     | environment",
            "datapusher_date_order  | dmy      | dateOrder  | mdy    | dmy      | resource",
            "datapusher_date_order  | DMY      | dateOrder  | mdy    | dmy      | resource",
            "datapusher_date_order  | -        | dateOrder  | dmy    | dmy      | environment",
            "datapusher_date_order  | -        | dateOrder  | MDY    | mdy      | environment",
            "datapusher_null_values | n/a,NULL | nullValues | NA     | n/a,NULL | resource",
            "datapusher_null_values | -        | nullValues | NA     | NA       | environment",
            "datapusher_delimiter   | ;        | -          | -      | ;        | resource",
            "datapusher_delimiter   | tab      | -          | -      | tab      | resource",
            "datapusher_delimiter   | \\t      | -          | -      | tab      | resource",
            "datapusher_encoding    | latin1   | -          | -      | latin1   | resource",
            "datapusher_header_row  | 03       | -          | -      | 3        | resource",
            "datapusher_skip_rows   | 0        | -          | -      | 0        | resource",
            "datapusher_skip        | yes      | -          | -      | true     | resource",
            "datapusher_skip        | 0        | -          | -      | false    | resource",
    })
    void theResourceWinsAndTheEnvironmentIsTheDefault(String field, String resourceValue, String envKey, String envValue,
                                                       String used, String source) throws Exception {
        IngestConfig.Analysis env = envKey == null ? AnalysisConfigs.defaults()
                : AnalysisConfigs.with(envKey, envKey.equals("dateOrder") ? envValue
                : envKey.equals("nullValues") ? Optional.of(List.of(envValue)) : Optional.of(envValue));
        String json = resourceValue == null ? "{}" : JSON.writeValueAsString(Map.of(field, resourceValue));
        ResourceSettings settings = SettingsResolver.resolve(JSON.readTree(json), env);
        Setting setting = settings.get(ResourceField.byField(field).orElseThrow()).orElseThrow();
        assertEquals(used, setting.value());
        assertEquals(source, setting.source().id());
    }

    @Test
    void numbersAndBooleansCountAsCkanStoresThemAsText() throws Exception {
        ResourceSettings settings = resolve("{'datapusher_sheet': 2, 'datapusher_skip': true, 'datapusher_header_row': 4}");
        assertEquals(Optional.of("2"), settings.sheet());
        assertTrue(settings.skip());
        assertEquals(Optional.of(3), settings.skipRows());
    }

    @Test
    void theTypedValuesAreWhatTheAnalysisGets() throws Exception {
        ResourceSettings settings = resolve("{'datapusher_delimiter': 'tab', 'datapusher_encoding': 'windows-1252',"
                + " 'datapusher_date_order': 'dmy', 'datapusher_null_values': ' n/a , NULL ,'}");
        assertEquals(Optional.of('\t'), settings.delimiter());
        assertEquals(Optional.of(java.nio.charset.Charset.forName("windows-1252")), settings.encoding());
        assertEquals(DateOrder.DMY, settings.dateOrder());
        assertEquals(List.of("n/a", "NULL"), settings.nullValues());
        assertFalse(settings.skip());
        assertEquals(Optional.empty(), settings.skipRows(), "nothing set: title rows are detected");
    }

    @Test
    void withoutAnythingSetTheJobListsTheEnvironmentsDefaults() throws Exception {
        assertEquals(Map.of(
                "datapusher_null_values", Map.of("value", "", "source", "environment"),
                "datapusher_date_order", Map.of("value", "mdy", "source", "environment")), resolve("{'id': 'r'}").toJson());
    }

    @Test
    void whatTheAnalysisDetectsFillsTheRestAndTheResourcesValuesStay() throws Exception {
        ResourceSettings csv = resolve("{'datapusher_delimiter': ';', 'datapusher_date_order': 'dmy'}")
                .withDetected(new Reading(Optional.of(";"), Optional.empty(), 1), "UTF-8");
        assertEquals(Map.of("value", ";", "source", "resource"), csv.toJson().get("datapusher_delimiter"));
        assertEquals(Map.of("value", "UTF-8", "source", "detected"), csv.toJson().get("datapusher_encoding"));
        assertEquals(Map.of("value", "1", "source", "detected"), csv.toJson().get("datapusher_header_row"));
        assertEquals(Map.of("value", "dmy", "source", "resource"), csv.toJson().get("datapusher_date_order"));
        assertFalse(csv.toJson().containsKey("datapusher_sheet"));

        ResourceSettings workbook = resolve("{}", AnalysisConfigs.with("excelSheet", Optional.of("2")))
                .withDetected(new Reading(Optional.empty(), Optional.of("Second"), 4), "UTF-8");
        assertEquals(Map.of("value", "2", "source", "environment"), workbook.toJson().get("datapusher_sheet"));
        assertEquals(Map.of("value", "4", "source", "detected"), workbook.toJson().get("datapusher_header_row"));
        assertFalse(workbook.toJson().containsKey("datapusher_encoding"), "a workbook has no text encoding to set");

        ResourceSettings firstSheet = resolve("{}").withDetected(new Reading(Optional.empty(), Optional.of("Report"), 1), "UTF-8");
        assertEquals(Map.of("value", "Report", "source", "detected"), firstSheet.toJson().get("datapusher_sheet"));
    }

    @Test
    void theEnvironmentsSheetIsLeftOutForTextButAResourcesSettingThatCannotApplyIsWarnedAbout() throws Exception {
        ResourceSettings text = resolve("{}", AnalysisConfigs.with("excelSheet", Optional.of("2")))
                .withDetected(new Reading(Optional.of(","), Optional.empty(), 1), "UTF-8");
        assertFalse(text.toJson().containsKey("datapusher_sheet"));
        assertEquals(List.of(), text.warnings());

        ResourceSettings workbook = resolve("{'datapusher_delimiter': ';'}")
                .withDetected(new Reading(Optional.empty(), Optional.of("Data"), 1), "UTF-8");
        assertEquals(List.of("the resource field datapusher_delimiter was ignored: it applies to delimited text only"),
                workbook.warnings());
    }

    /** field | bad value | what the error must say it accepts */
    @ParameterizedTest(name = "{0} = \"{1}\" fails")
    @CsvSource(delimiter = '|', value = {
            "datapusher_date_order | ymd      | \"mdy\" or \"dmy\"",
            "datapusher_delimiter  | ;;       | one character",
            "datapusher_delimiter  | x        | one character",
            "datapusher_delimiter  | '\"'     | one character",
            "datapusher_encoding   | klingon  | a character set name",
            "datapusher_encoding   | ut f8    | a character set name",
            "datapusher_header_row | 0        | a whole number from 1",
            "datapusher_header_row | two      | a whole number from 1",
            "datapusher_skip_rows  | -1       | a whole number from 0",
            "datapusher_skip       | maybe    | \"true\" or \"false\"",
    })
    void aBadValueNamesTheFieldAndTheAcceptedValues(String field, String value, String accepted) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> SettingsResolver.resolve(JSON.readTree(JSON.writeValueAsString(Map.of(field, value))),
                        AnalysisConfigs.defaults()));
        assertTrue(e.getMessage().startsWith("the resource field " + field + " is \"" + value + "\", which the worker"
                + " cannot use; accepted: " + accepted), e.getMessage());
    }

    @Test
    void aBadDateOrderInTheEnvironmentNamesTheVariable() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> resolve("{}", AnalysisConfigs.with("dateOrder", "ymd")));
        assertEquals("INGEST_DATE_ORDER is \"ymd\", which the worker cannot use; accepted: \"mdy\" or \"dmy\"", e.getMessage());
    }

    @Test
    void theHeaderRowAndTheRowsToSkipCannotBothBeSet() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> resolve("{'datapusher_header_row': '3', 'datapusher_skip_rows': '2'}"));
        assertTrue(e.getMessage().startsWith("the resource fields datapusher_header_row and datapusher_skip_rows are both set"),
                e.getMessage());
    }

    @Test
    void anUnknownDatapusherFieldIsAWarningAndOtherFieldsAreNone() throws Exception {
        ResourceSettings settings = resolve("{'datapusher_shet': '2', 'datastore_active': true, 'name': 'x'}");
        assertEquals(1, settings.warnings().size(), settings.warnings().toString());
        assertTrue(settings.warnings().get(0).startsWith(
                "the resource field datapusher_shet is not a setting the worker knows, so it was ignored (known: datapusher_sheet,"),
                settings.warnings().get(0));
        assertEquals(Optional.empty(), settings.sheet());
    }

    @Test
    void aGivenEncodingIsKeptAsWritten() throws Exception {
        assertEquals(Optional.of(StandardCharsets.UTF_16LE), resolve("{'datapusher_encoding': 'UTF-16LE'}").encoding());
    }
}
