package io.datapusher.worker.datastore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datapusher.worker.analyze.ColumnType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads and writes the Data Dictionary that CKAN keeps in column comments (contract 3.4). */
public final class ColumnComments {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STRIP_EXTRA_WHITE = "strip_extra_white";

    private ColumnComments() {
    }

    /** The comment CKAN itself would write for a new column with only a label. */
    public static String labelComment(String label, CommentFormat format) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("label", label);
        return switch (format) {
            case CKAN_2_10 -> PythonJson.object(info, false);
            case CKAN_2_11 -> " " + PythonJson.object(Map.of("_info", info), true);
        };
    }

    /**
     * A live column's comment as the target CKAN must find it; null stays null. For 2.11 and later,
     * a comment in 2.10's format (it starts with <code>{</code>) becomes what
     * {@code ckan datastore upgrade} makes of it, byte for byte:
     * {@code ' ' + json.dumps({'_info': json.loads(old)}, ensure_ascii=False, separators=(',', ':'))}.
     * That command rewrites every column of a table as soon as one comment starts with <code>{</code>,
     * so a table left half in each format would have its 2.11 comments wrapped twice. A comment that
     * is not JSON cannot be converted and is kept as it is, as that command would.
     */
    public static String inFormat(String comment, CommentFormat format) {
        if (comment == null || format != CommentFormat.CKAN_2_11 || !comment.startsWith("{")) {
            return comment;
        }
        return PythonJson.parse(comment)
                .map(info -> " " + PythonJson.dumps(JSON.createObjectNode().set("_info", info), true))
                .orElse(comment);
    }

    /**
     * The raw {@code type_override} text of a comment in either format, if any. A comment that is
     * not JSON has none; callers keep such comments as they are.
     */
    public static Optional<String> rawTypeOverride(String comment) {
        if (comment == null || comment.isBlank()) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(comment);
        } catch (Exception notJson) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        // 2.11 keeps info under "_info"; 2.10 is the info itself.
        JsonNode info = root.has("_info") && root.get("_info").isObject() ? root.get("_info") : root;
        JsonNode override = info.get("type_override");
        return override != null && override.isTextual() ? Optional.of(override.asText()) : Optional.empty();
    }

    /**
     * Whether xloader's Data Dictionary field {@code strip_extra_white} is on for the column: the
     * info's own key when it has one (the 2.10 format has only that), else the plugin data under
     * {@code "xloader"} (2.11 on), taken for its Python truth as xloader does. A comment with
     * neither says nothing, and the worker then keeps the text exactly.
     */
    public static boolean stripsExtraWhite(String comment) {
        if (comment == null) {
            return false;
        }
        JsonNode root = PythonJson.parse(comment).filter(JsonNode::isObject).orElse(null);
        if (root == null) {
            return false;
        }
        JsonNode info = root.path("_info").isObject() ? root.get("_info") : root;
        JsonNode setting = info.has(STRIP_EXTRA_WHITE) ? info.get(STRIP_EXTRA_WHITE) : root.path("xloader").get(STRIP_EXTRA_WHITE);
        return setting != null && isTruthy(setting);
    }

    /** Python's {@code bool()} of a JSON value: false, null, zero and empty strings, lists and objects are false. */
    private static boolean isTruthy(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().signum() != 0;
        }
        if (value.isNumber()) {
            return value.doubleValue() != 0;
        }
        if (value.isTextual()) {
            return !value.textValue().isEmpty();
        }
        if (value.isContainerNode()) {
            return value.size() > 0;
        }
        return false;
    }

    /** The override as a type the worker can create, if it names one. */
    public static Optional<ColumnType> typeOverride(String comment) {
        return rawTypeOverride(comment).flatMap(ColumnType::fromOverride);
    }
}
