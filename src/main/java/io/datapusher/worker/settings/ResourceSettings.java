package io.datapusher.worker.settings;

import io.datapusher.worker.analyze.DateOrder;
import io.datapusher.worker.analyze.Reading;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings one job runs with, each with its source, and the warnings resolving them raised.
 * Values were validated by {@link SettingsResolver}, so the typed accessors cannot fail.
 */
public final class ResourceSettings {

    private final Map<ResourceField, Setting> used;
    private final List<String> warnings;

    ResourceSettings(Map<ResourceField, Setting> used, List<String> warnings) {
        this.used = used.isEmpty() ? new EnumMap<>(ResourceField.class) : new EnumMap<>(used);
        this.warnings = List.copyOf(warnings);
    }

    public Optional<Setting> get(ResourceField field) {
        return Optional.ofNullable(used.get(field));
    }

    private Optional<String> value(ResourceField field) {
        return get(field).map(Setting::value);
    }

    private boolean fromResource(ResourceField field) {
        return get(field).filter(s -> s.source() == SettingSource.RESOURCE).isPresent();
    }

    /** Unknown {@code datapusher_*} fields, and settings that do not apply to the file. */
    public List<String> warnings() {
        return warnings;
    }

    /** {@code datapusher_skip}: the resource is never loaded. */
    public boolean skip() {
        return value(ResourceField.SKIP).map(SettingsResolver::isTrue).orElse(false);
    }

    /** The sheet asked for, by the resource or INGEST_EXCEL_SHEET; empty for the first sheet. */
    public Optional<String> sheet() {
        return get(ResourceField.SHEET).filter(s -> s.source() != SettingSource.DETECTED).map(Setting::value);
    }

    /** The name to quote when the workbook has no such sheet. */
    public String sheetSettingName() {
        return fromResource(ResourceField.SHEET) ? "the resource field " + ResourceField.SHEET.field() : "INGEST_EXCEL_SHEET";
    }

    public Optional<Character> delimiter() {
        return get(ResourceField.DELIMITER).filter(s -> s.source() == SettingSource.RESOURCE)
                .map(s -> SettingsResolver.delimiterChar(s.value()));
    }

    public Optional<Charset> encoding() {
        return get(ResourceField.ENCODING).filter(s -> s.source() == SettingSource.RESOURCE)
                .map(s -> Charset.forName(s.value()));
    }

    /** Lines to skip before the header, from datapusher_header_row or datapusher_skip_rows; empty: detect. */
    public Optional<Integer> skipRows() {
        if (fromResource(ResourceField.HEADER_ROW)) {
            return value(ResourceField.HEADER_ROW).map(v -> Integer.parseInt(v) - 1);
        }
        if (fromResource(ResourceField.SKIP_ROWS)) {
            return value(ResourceField.SKIP_ROWS).map(Integer::parseInt);
        }
        return Optional.empty();
    }

    public DateOrder dateOrder() {
        return value(ResourceField.DATE_ORDER).map(DateOrder::parse).orElse(DateOrder.MDY);
    }

    public List<String> nullValues() {
        return value(ResourceField.NULL_VALUES).map(SettingsResolver::splitList).orElse(List.of());
    }

    /**
     * These settings with what the analysis found filled in where nothing was set, and the settings
     * that cannot apply to the file dropped (INGEST_EXCEL_SHEET for a CSV) or warned about (a
     * resource's datapusher_delimiter on a workbook).
     *
     * @param encoding the character set the text was decoded with
     */
    public ResourceSettings withDetected(Reading reading, String encoding) {
        Map<ResourceField, Setting> all = new EnumMap<>(ResourceField.class);
        all.putAll(used);
        List<String> notes = new ArrayList<>(warnings);
        boolean workbook = reading.sheet().isPresent();
        boolean text = reading.delimiter().isPresent();
        for (ResourceField field : workbook ? List.of(ResourceField.DELIMITER, ResourceField.ENCODING)
                : text ? List.of(ResourceField.SHEET) : List.<ResourceField>of()) {
            if (fromResource(field)) {
                notes.add("the resource field " + field.field() + " was ignored: it applies to "
                        + (workbook ? "delimited text" : "workbooks") + " only");
            } else {
                all.remove(field);
            }
        }
        if (text) {
            detected(all, ResourceField.DELIMITER, reading.delimiter().get());
            detected(all, ResourceField.ENCODING, encoding);
        }
        reading.sheet().ifPresent(name -> detected(all, ResourceField.SHEET, name));
        if (reading.headerLine() > 0 && !fromResource(ResourceField.HEADER_ROW)) {
            all.put(ResourceField.HEADER_ROW, new Setting(ResourceField.HEADER_ROW, Long.toString(reading.headerLine()),
                    SettingSource.DETECTED));
        }
        return new ResourceSettings(all, notes);
    }

    private static void detected(Map<ResourceField, Setting> all, ResourceField field, String value) {
        if (!all.containsKey(field)) {
            all.put(field, new Setting(field, value, SettingSource.DETECTED));
        }
    }

    /** The job's {@code settings}: field name to {@code {"value", "source"}}, in the order of {@link ResourceField}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        Arrays.stream(ResourceField.values()).map(used::get).filter(s -> s != null).forEach(s -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("value", s.value());
            entry.put("source", s.source().id());
            json.put(s.field().field(), entry);
        });
        return json;
    }
}
