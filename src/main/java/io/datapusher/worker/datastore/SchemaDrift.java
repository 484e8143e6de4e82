package io.datapusher.worker.datastore;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a new table differs from the live one it would replace: a pure comparison of two column
 * lists (id, type, Data Dictionary comment) and two row counts, so that a unit test can call it
 * directly. Nothing is carried over on a guess: a "possibly renamed" pair is only reported.
 *
 * @param added           ids of the new table's columns the live table does not have, in new-table order
 * @param removed         ids of the live table's columns the new table does not have, in live order
 * @param typeChanged     columns in both tables whose type differs
 * @param possiblyRenamed a removed and an added column at the same position with the same type
 * @param dictionaryLost  removed columns whose Data Dictionary entry has something a person wrote
 * @param rowsBefore      rows of the live table (when the load began), null when unknown
 * @param rowsAfter       rows of the new table
 */
public record SchemaDrift(List<String> added, List<String> removed, List<TypeChange> typeChanged,
                          List<Rename> possiblyRenamed, List<LostEntry> dictionaryLost, Long rowsBefore, long rowsAfter) {

    /**
     * One column as the comparison sees it.
     *
     * @param type    the type's plain name ({@link #typeName} of {@code format_type}, or a {@code ColumnType}'s SQL name)
     * @param comment the raw column comment (the Data Dictionary), null when there is none
     */
    public record Column(String id, String type, String comment) {
    }

    public record TypeChange(String id, String from, String to) {
    }

    public record Rename(String from, String to) {
    }

    /** @param parts what of the entry a person wrote: {@code label}, {@code notes}, {@code type_override}, {@code comment} */
    public record LostEntry(String id, List<String> parts) {
    }

    public SchemaDrift {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        typeChanged = List.copyOf(typeChanged);
        possiblyRenamed = List.copyOf(possiblyRenamed);
        dictionaryLost = List.copyOf(dictionaryLost);
    }

    /** Compares the live table's data columns with the new table's, both in table order. */
    public static SchemaDrift between(List<Column> live, List<Column> next, Long rowsBefore, long rowsAfter) {
        Map<String, Column> liveById = byId(live);
        Map<String, Column> nextById = byId(next);
        List<String> added = next.stream().map(Column::id).filter(id -> !liveById.containsKey(id)).toList();
        List<String> removed = live.stream().map(Column::id).filter(id -> !nextById.containsKey(id)).toList();
        List<TypeChange> typeChanged = new ArrayList<>();
        for (Column column : next) {
            Column before = liveById.get(column.id());
            if (before != null && !sameType(before.type(), column.type())) {
                typeChanged.add(new TypeChange(column.id(), before.type(), column.type()));
            }
        }
        List<Rename> renamed = new ArrayList<>();
        for (int i = 0; i < Math.min(live.size(), next.size()); i++) {
            Column was = live.get(i);
            Column now = next.get(i);
            if (removed.contains(was.id()) && added.contains(now.id()) && sameType(was.type(), now.type())) {
                renamed.add(new Rename(was.id(), now.id()));
            }
        }
        List<LostEntry> lost = new ArrayList<>();
        for (String id : removed) {
            List<String> parts = personWritten(id, liveById.get(id).comment());
            if (!parts.isEmpty()) {
                lost.add(new LostEntry(id, parts));
            }
        }
        return new SchemaDrift(added, removed, typeChanged, renamed, lost, rowsBefore, rowsAfter);
    }

    /** Whether any column came, went or changed type; a different row count alone is not drift. */
    public boolean hasColumnChanges() {
        return !added.isEmpty() || !removed.isEmpty() || !typeChanged.isEmpty();
    }

    /**
     * The parts of a Data Dictionary entry that a person wrote (in CKAN 2.10's format or under
     * 2.11's {@code _info}): notes, a type_override, a label that is not the column's own header
     * (compared ignoring case, spaces and punctuation, as the worker writes the header as the label).
     * A comment that is not JSON was written by hand as a whole.
     */
    static List<String> personWritten(String id, String comment) {
        if (comment == null || comment.isBlank()) {
            return List.of();
        }
        Optional<JsonNode> root = PythonJson.parse(comment.strip()).filter(JsonNode::isObject);
        if (root.isEmpty()) {
            return List.of("comment");
        }
        JsonNode info = root.get().path("_info").isObject() ? root.get().get("_info") : root.get();
        List<String> parts = new ArrayList<>();
        String label = info.path("label").asText("");
        if (!label.isBlank() && !isHeaderOf(label, id)) {
            parts.add("label");
        }
        if (!info.path("notes").asText("").isBlank()) {
            parts.add("notes");
        }
        if (!info.path("type_override").asText("").isBlank()) {
            parts.add("type_override");
        }
        return List.copyOf(parts);
    }

    /**
     * Whether a label is what the worker (or DataPusher, xloader) writes for a column: its header,
     * of which the id is the sanitised form, maybe truncated to 63 bytes or numbered to be unique.
     */
    private static boolean isHeaderOf(String label, String id) {
        String l = letters(label);
        String i = letters(id);
        boolean truncated = id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 60 && l.startsWith(i);
        boolean numbered = !l.isEmpty() && i.startsWith(l) && i.substring(l.length()).chars().allMatch(Character::isDigit);
        return l.equals(i) || truncated || numbered;
    }

    private static String letters(String text) {
        return text.toLowerCase(Locale.ROOT).codePoints().filter(Character::isLetterOrDigit)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /**
     * The plain name of a type as {@code format_type} spells it: {@code timestamp without time zone}
     * is {@code timestamp}, as the worker creates it; other names are kept.
     */
    public static String typeName(String formatType) {
        if (formatType == null) {
            return null;
        }
        return switch (formatType) {
            case "timestamp without time zone" -> "timestamp";
            case "character varying" -> "varchar";
            default -> formatType;
        };
    }

    private static boolean sameType(String a, String b) {
        return typeName(a) != null && typeName(a).equals(typeName(b));
    }

    private static Map<String, Column> byId(List<Column> columns) {
        Map<String, Column> byId = new LinkedHashMap<>();
        columns.forEach(c -> byId.put(c.id(), c));
        return byId;
    }

    /** The drift as the job's {@code drift} object shows it (docs/api.md). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("added", added);
        json.put("removed", removed);
        json.put("type_changed", typeChanged.stream().map(c -> ordered("id", c.id(), "from", c.from(), "to", c.to())).toList());
        json.put("possibly_renamed", possiblyRenamed.stream().map(r -> ordered("from", r.from(), "to", r.to())).toList());
        json.put("dictionary_lost", dictionaryLost.stream().map(l -> ordered("id", l.id(), "entries", l.parts())).toList());
        json.put("rows_before", rowsBefore);
        json.put("rows_after", rowsAfter);
        return json;
    }

    /** One line for the upload log that CKAN's DataStore tab shows; null when no column changed. */
    public String summary() {
        if (!hasColumnChanges()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty()) {
            parts.add(count(added.size(), "column") + " added (" + names(added) + ")");
        }
        if (!removed.isEmpty()) {
            parts.add(count(removed.size(), "column") + " removed (" + names(removed) + ")");
        }
        if (!typeChanged.isEmpty()) {
            parts.add("type changed: " + typeChanged.stream().map(c -> quoted(c.id()) + " " + c.from() + " to " + c.to())
                    .collect(Collectors.joining(", ")));
        }
        if (!possiblyRenamed.isEmpty()) {
            parts.add("possibly renamed: " + possiblyRenamed.stream().map(r -> quoted(r.from()) + " to " + quoted(r.to()))
                    .collect(Collectors.joining(", ")) + " (nothing was carried over)");
        }
        if (!dictionaryLost.isEmpty()) {
            parts.add("Data Dictionary entries lost: " + describeLostEntries());
        }
        parts.add("rows " + (rowsBefore == null ? "?" : rowsBefore) + " to " + rowsAfter);
        return "schema drift against the live table: " + String.join("; ", parts);
    }

    String describeLostEntries() {
        return dictionaryLost.stream().map(l -> "column " + quoted(l.id()) + " (" + String.join(", ", l.parts()) + ")")
                .collect(Collectors.joining(", "));
    }

    String describeStrictChanges() {
        List<String> parts = new ArrayList<>();
        if (!removed.isEmpty()) {
            parts.add("removes " + count(removed.size(), "column") + " (" + names(removed) + ")");
        }
        if (!typeChanged.isEmpty()) {
            parts.add("changes the type of " + typeChanged.stream().map(c -> quoted(c.id()) + " (" + c.from() + " to " + c.to() + ")")
                    .collect(Collectors.joining(", ")));
        }
        return String.join(" and ", parts);
    }

    private static String names(List<String> ids) {
        return ids.stream().map(SchemaDrift::quoted).collect(Collectors.joining(", "));
    }

    private static String quoted(String id) {
        return PythonJson.string(id);
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
