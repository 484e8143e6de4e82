package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.datastore.LiveTableReader.LiveIndex;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which indexes the new table gets, as CKAN's {@code create_indexes} would make them: the GiST (or
 * configured method) index on {@code _full_text}, one full-text index per column whose type is in
 * the full-text field types, then every index of the live table whose columns still exist (its
 * {@code primary_key} and {@code indexes}, under their own names). The live table's full-text
 * indexes are made afresh from the settings, never copied, as their column may have changed type.
 */
final class IndexPlan {

    private IndexPlan() {
    }

    /**
     * @param ftsFieldTypes the column types, as typnames, that get a full-text index of their own
     * @param warnings      receives a line for each live index that cannot be carried over
     */
    static List<IndexSpec> of(NewTable table, LoaderSettings settings, List<String> ftsFieldTypes,
                              List<LiveIndex> liveIndexes, List<String> liveColumnIds, List<String> warnings) {
        String rid = table.resourceId();
        List<IndexSpec> specs = new ArrayList<>();
        Set<String> generated = new HashSet<>();
        String fullText = IndexNames.ckanName(rid, IndexNames.fullTextFields());
        specs.add(spec(table, fullText, false, "USING " + settings.ftsIndexMethod() + "(" + IndexNames.fullTextFields() + ")",
                specs.size(), Optional.empty(), false));
        generated.add(fullText);
        for (LoadResult.Column column : table.columns()) {
            if (ftsFieldTypes.contains(column.type().typname())) {
                String fields = IndexNames.ftsFields(settings.ftsLang(), column.id(), column.type());
                String name = IndexNames.ckanName(rid, fields);
                specs.add(spec(table, name, false, "USING " + settings.ftsIndexMethod() + "(" + fields + ")", specs.size(),
                        Optional.empty(), column.type() == ColumnType.TEXT));
                generated.add(name);
            }
        }
        Set<String> skip = new HashSet<>(generated);
        for (String column : liveColumnIds) {
            skip.addAll(List.of(IndexNames.possibleFtsNames(rid, settings.ftsLang(), column)));
        }
        Set<String> newColumns = new HashSet<>(List.of("_id", "_full_text"));
        table.columns().forEach(c -> newColumns.add(c.id()));
        for (LiveIndex index : liveIndexes) {
            if (index.primary() || skip.contains(index.name())) {
                continue;
            }
            if (!newColumns.containsAll(index.columns())) {
                warnings.add("index " + index.name() + " was not recreated: the new file has no column "
                        + index.columns().stream().filter(c -> !newColumns.contains(c)).findFirst().orElse("?"));
                continue;
            }
            if (index.definitionAfterTable() == null) {
                warnings.add("index " + index.name() + " was not recreated: its definition could not be read");
                continue;
            }
            specs.add(spec(table, index.name(), index.unique(), index.definitionAfterTable(), specs.size(), Optional.of(index),
                    false));
        }
        return List.copyOf(specs);
    }

    private static IndexSpec spec(NewTable table, String ckanName, boolean unique, String definitionAfterTable, int ordinal,
                                  Optional<LiveIndex> carried, boolean deferrable) {
        return new IndexSpec(ckanName, table.buildName(ckanName, ordinal), unique, definitionAfterTable, carried, deferrable);
    }
}
