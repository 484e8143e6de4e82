package io.datapusher.worker.settings;

import com.fasterxml.jackson.databind.JsonNode;
import io.datapusher.worker.analyze.DateOrder;
import io.datapusher.worker.config.IngestConfig;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Resolves a job's settings: a resource's {@code datapusher_*} field wins, the {@code INGEST_*}
 * variable is the default, and what neither sets is left for the analysis to detect. Runs in
 * fetch-resource, so a bad value fails the job before anything is downloaded.
 *
 * <p>CKAN returns a resource's extra fields as top-level keys of the resource dict, as strings when
 * they were set through the API or a form; a JSON number or boolean counts the same. A blank value
 * counts as not set, because forms (ckanext-scheming) store empty fields as {@code ""}.
 */
public final class SettingsResolver {

    private static final Set<String> TRUE = Set.of("true", "yes", "on", "1", "y", "t");
    private static final Set<String> FALSE = Set.of("false", "no", "off", "0", "n", "f");

    private SettingsResolver() {
    }

    /**
     * @param resource the resource dict as {@code resource_show} returns it (null counts as empty)
     * @param env      the operator's {@code INGEST_*} analysis settings
     */
    public static ResourceSettings resolve(JsonNode resource, IngestConfig.Analysis env) throws InvalidSettingException {
        Map<ResourceField, Setting> used = new EnumMap<>(ResourceField.class);
        List<String> warnings = new ArrayList<>();
        for (ResourceField field : ResourceField.values()) {
            Optional<String> value = text(resource, field);
            if (value.isPresent()) {
                used.put(field, new Setting(field, validated(field, value.get()), SettingSource.RESOURCE));
            }
        }
        if (used.containsKey(ResourceField.HEADER_ROW) && used.containsKey(ResourceField.SKIP_ROWS)) {
            throw new InvalidSettingException("the resource fields " + ResourceField.HEADER_ROW.field() + " and "
                    + ResourceField.SKIP_ROWS.field() + " are both set; set one: " + ResourceField.HEADER_ROW.field()
                    + " takes " + ResourceField.HEADER_ROW.accepted());
        }
        env.excelSheet().map(String::trim).filter(s -> !s.isEmpty()).ifPresent(sheet ->
                used.putIfAbsent(ResourceField.SHEET, new Setting(ResourceField.SHEET, sheet, SettingSource.ENVIRONMENT)));
        if (!used.containsKey(ResourceField.DATE_ORDER)) {
            try {
                DateOrder.parse(env.dateOrder());
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("INGEST_DATE_ORDER is \"" + env.dateOrder()
                        + "\", which the worker cannot use; accepted: " + ResourceField.DATE_ORDER.accepted());
            }
            used.put(ResourceField.DATE_ORDER, new Setting(ResourceField.DATE_ORDER,
                    env.dateOrder().trim().toLowerCase(Locale.ROOT), SettingSource.ENVIRONMENT));
        }
        used.putIfAbsent(ResourceField.NULL_VALUES, new Setting(ResourceField.NULL_VALUES,
                String.join(",", env.nullValues().orElse(List.of())), SettingSource.ENVIRONMENT));
        warnings.addAll(unknownFields(resource));
        return new ResourceSettings(used, warnings);
    }

    /** A field's value as text: a string, number or boolean; a list (a form's multi-value field) joined with commas. */
    private static Optional<String> text(JsonNode resource, ResourceField field) {
        JsonNode node = resource == null ? null : resource.get(field.field());
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        String value;
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.asText()));
            value = String.join(",", items);
        } else if (node.isValueNode()) {
            value = node.asText();
        } else {
            value = node.toString();
        }
        return field == ResourceField.DELIMITER ? Optional.of(value).filter(v -> !v.isEmpty())
                : Optional.of(value.trim()).filter(v -> !v.isEmpty());
    }

    /** The value as it is recorded, or an error that names the field and what it accepts. */
    static String validated(ResourceField field, String value) throws InvalidSettingException {
        switch (field) {
            case SHEET, NULL_VALUES -> {
                return value;
            }
            case DELIMITER -> {
                if (isDelimiter(value)) {
                    return value.equalsIgnoreCase("tab") || value.equals("\t") || value.equals("\\t") ? "tab" : value;
                }
            }
            case ENCODING -> {
                try {
                    if (Charset.isSupported(value)) {
                        return value;
                    }
                } catch (IllegalArgumentException illegalName) {
                    // reported below
                }
            }
            case HEADER_ROW, SKIP_ROWS -> {
                int least = field == ResourceField.HEADER_ROW ? 1 : 0;
                if (value.chars().allMatch(Character::isDigit) && value.length() < 7 && Integer.parseInt(value) >= least) {
                    return Integer.toString(Integer.parseInt(value));
                }
            }
            case DATE_ORDER -> {
                try {
                    return DateOrder.parse(value).name().toLowerCase(Locale.ROOT);
                } catch (IllegalArgumentException e) {
                    // reported below
                }
            }
            case SKIP -> {
                String word = value.toLowerCase(Locale.ROOT);
                if (TRUE.contains(word) || FALSE.contains(word)) {
                    return Boolean.toString(TRUE.contains(word));
                }
            }
        }
        throw InvalidSettingException.of(field, value);
    }

    private static boolean isDelimiter(String value) {
        if (value.equalsIgnoreCase("tab") || value.equals("\\t")) {
            return true;
        }
        if (value.length() != 1) {
            return false;
        }
        char c = value.charAt(0);
        return c != '"' && c != '\r' && c != '\n' && !Character.isLetterOrDigit(c);
    }

    static char delimiterChar(String recorded) {
        return recorded.equals("tab") ? '\t' : recorded.charAt(0);
    }

    static boolean isTrue(String recorded) {
        return TRUE.contains(recorded.toLowerCase(Locale.ROOT));
    }

    static List<String> splitList(String commaSeparated) {
        List<String> items = new ArrayList<>();
        for (String item : commaSeparated.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }

    private static List<String> unknownFields(JsonNode resource) {
        List<String> warnings = new ArrayList<>();
        if (resource == null || !resource.isObject()) {
            return warnings;
        }
        String known = java.util.Arrays.stream(ResourceField.values()).map(ResourceField::field)
                .collect(Collectors.joining(", "));
        for (Iterator<String> names = resource.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.startsWith(ResourceField.PREFIX) && ResourceField.byField(name).isEmpty()) {
                warnings.add("the resource field " + name + " is not a setting the worker knows, so it was ignored"
                        + " (known: " + known + ")");
            }
        }
        return warnings;
    }
}
