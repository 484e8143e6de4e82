package io.datapusher.worker.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a file already live would load differently now: the resource's own settings differ from
 * those of the job that loaded it. Only the resource's fields count: a curator who changes them
 * expects a reload, whereas a change of an {@code INGEST_*} default reloads nothing by itself (as
 * before there were settings per resource), and what was detected is not a choice.
 */
public final class SettingsChange {

    private SettingsChange() {
    }

    /**
     * @param before the {@code settings} of the job that loaded the live table; empty for a job from
     *               before settings were recorded, which used no resource field
     * @return what changed, e.g. {@code datapusher_sheet is now "2", was not set}; empty when nothing did
     */
    public static Optional<String> between(Optional<Map<String, Object>> before, ResourceSettings now) {
        List<String> changes = new ArrayList<>();
        Map<String, Object> current = now.toJson();
        for (ResourceField field : ResourceField.values()) {
            String was = given(before.orElse(Map.of()).get(field.field()));
            String is = given(current.get(field.field()));
            if (field == ResourceField.SKIP || java.util.Objects.equals(was, is)) {
                continue;
            }
            changes.add(field.field() + " is now " + (is == null ? "not set" : is) + ", was " + (was == null ? "not set" : was));
        }
        return changes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", changes));
    }

    /** {@code "2"} for a value the resource gave; null otherwise. */
    private static String given(Object entry) {
        if (!(entry instanceof Map<?, ?> setting) || !SettingSource.RESOURCE.id().equals(setting.get("source"))) {
            return null;
        }
        return "\"" + setting.get("value") + "\"";
    }
}
