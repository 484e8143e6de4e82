package io.datapusher.worker.config;

import io.smallrye.config.WithParentName;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The README's configuration table names every INGEST_* variable, each once")
class ReadmeConfigurationTableTest {

    private static final Pattern VARIABLE = Pattern.compile("`([A-Z][A-Z0-9_]+)`");

    @Test
    void everyIngestSettingHasExactlyOneRow() throws Exception {
        List<String> rows = variablesInConfigurationRows();
        Set<String> once = new TreeSet<>();
        List<String> twice = new ArrayList<>();
        for (String variable : rows) {
            if (!once.add(variable)) {
                twice.add(variable);
            }
        }
        assertEquals(List.of(), twice, "variables with more than one row");

        Set<String> undocumented = new TreeSet<>(variablesOf(IngestConfig.class, "INGEST"));
        undocumented.removeAll(once);
        assertEquals(Set.of(), undocumented, "IngestConfig settings the README does not list");
    }

    @Test
    void theSettingsAreReadFromTheInterfaceNotListedByHand() {
        Set<String> variables = variablesOf(IngestConfig.class, "INGEST");
        assertTrue(variables.containsAll(Set.of("INGEST_JOB_TIMEOUT", "INGEST_DOWNLOAD_IDLE_TIMEOUT",
                "INGEST_EXCEL_SHEET", "INGEST_METADATA_RETRY_MAX_ATTEMPTS", "INGEST_LOAD_PARALLELISM")), variables.toString());
    }

    /** The first cell of each row of the table under "## Configuration". */
    private static List<String> variablesInConfigurationRows() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Configuration");
        assertTrue(start >= 0, "the README has a Configuration section");
        int end = readme.indexOf("\n## ", start + 1);
        List<String> variables = new ArrayList<>();
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
            if (line.startsWith("| `")) {
                Matcher m = VARIABLE.matcher(line.substring(0, line.indexOf('|', 1)));
                while (m.find()) {
                    variables.add(m.group(1));
                }
            }
        }
        return variables;
    }

    /** The environment variable of each setting, as SmallRye maps {@code ingest.group.some-name}. */
    private static Set<String> variablesOf(Class<?> mapping, String prefix) {
        Set<String> variables = new TreeSet<>();
        for (Method method : mapping.getDeclaredMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            String name = method.isAnnotationPresent(WithParentName.class) ? prefix : prefix + "_" + snake(method.getName());
            if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == IngestConfig.class) {
                variables.addAll(variablesOf(method.getReturnType(), name));
            } else {
                variables.add(name);
            }
        }
        return variables;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
    }
}
