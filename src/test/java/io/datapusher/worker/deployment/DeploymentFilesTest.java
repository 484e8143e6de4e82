package io.datapusher.worker.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml and k8s/ cannot run here, so their contract with the service is checked as
 * text: every variable they set is one the README documents, and the ports and probes match.
 */
class DeploymentFilesTest {

    private static final Pattern VARIABLE = Pattern.compile("^\\s+([A-Z][A-Z0-9_]+):", Pattern.MULTILINE);

    @Test
    void everyVariableComposeAndKubernetesSetIsDocumented() throws Exception {
        Set<String> documented = documentedVariables();
        Set<String> used = new TreeSet<>();
        used.addAll(variables(Path.of("docker-compose.yml"), "worker:"));
        used.addAll(variables(Path.of("k8s/configmap.yaml"), "data:"));
        used.addAll(variables(Path.of("k8s/secret.example.yaml"), "stringData:"));
        used.removeIf(v -> v.startsWith("POSTGRES_"));
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(documented);
        assertTrue(unknown.isEmpty(), "set but not documented in README: " + unknown);
        assertTrue(used.containsAll(Set.of("CKAN_URL", "DATASTORE_WRITE_URL", "JOBS_DB_URL", "RABBITMQ_HOST")), used.toString());
    }

    @Test
    void probesAndPortsMatchTheService() throws Exception {
        String deployment = Files.readString(Path.of("k8s/deployment.yaml"));
        assertTrue(deployment.contains("/q/health/live") && deployment.contains("/q/health/ready"));
        assertTrue(deployment.contains("containerPort: 8080"));
        String compose = Files.readString(Path.of("docker-compose.yml"));
        assertTrue(compose.contains("\"127.0.0.1:8080:8080\""));
        String rabbitConf = Files.readString(Path.of("deploy/rabbitmq/rabbitmq.conf"));
        Matcher timeout = Pattern.compile("consumer_timeout\\s*=\\s*(\\d+)").matcher(rabbitConf);
        assertTrue(timeout.find(), "consumer_timeout is set");
        assertTrue(Long.parseLong(timeout.group(1)) > 25 * 60 * 1000, "consumer_timeout is above INGEST_JOB_TIMEOUT");
    }

    @Test
    void composeRequiresAnApiTokenAndPublishesOnlyCkanBeyondLoopback() throws Exception {
        String compose = Files.readString(Path.of("docker-compose.yml"));
        String worker = block(compose, "  worker:");
        assertTrue(worker.contains("INGEST_API_TOKEN: ${INGEST_API_TOKEN:?"), "compose refuses to start without the token");
        Matcher published = Pattern.compile("(?m)^\\s+- \"([^\"]+)\"").matcher(blocksWithPorts(compose));
        Set<String> open = new TreeSet<>();
        while (published.find()) {
            if (!published.group(1).startsWith("127.0.0.1:")) {
                open.add(published.group(1));
            }
        }
        // CKAN's port stays open: the worker reaches it through host.docker.internal
        assertEquals(Set.of("5000:5000"), open, "ports published on every interface");
        assertTrue(compose.contains("\"127.0.0.1:5432:5432\"") && compose.contains("\"127.0.0.1:5672:5672\""));
    }

    @Test
    void kubernetesTakesTheApiTokenFromASecretAndNeedsIt() throws Exception {
        String deployment = Files.readString(Path.of("k8s/deployment.yaml"));
        Matcher env = Pattern.compile("- name: INGEST_API_TOKEN\n\\s+valueFrom:\n\\s+secretKeyRef:\n\\s+name: (\\S+)\n"
                + "\\s+key: INGEST_API_TOKEN\n\\s+optional: false").matcher(deployment);
        assertTrue(env.find(), "INGEST_API_TOKEN comes from a Secret key, required");
        String secret = Files.readString(Path.of("k8s/secret.example.yaml"));
        assertTrue(secret.contains("name: " + env.group(1)) && secret.contains("  INGEST_API_TOKEN: "));
        assertTrue(!Files.readString(Path.of("k8s/configmap.yaml")).contains("INGEST_API_TOKEN"), "not in the ConfigMap");
    }

    /** The {@code ports:} lists of a compose file, one after the other. */
    private static String blocksWithPorts(String compose) {
        StringBuilder ports = new StringBuilder();
        Matcher m = Pattern.compile("(?m)^    ports:\n((?:      .*\n)+)").matcher(compose);
        while (m.find()) {
            ports.append(m.group(1));
        }
        return ports.toString();
    }

    private static Set<String> documentedVariables() throws Exception {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("`([A-Z][A-Z0-9_]+)`").matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            names.add(m.group(1));
        }
        assertEquals(true, names.contains("INGEST_JOB_TIMEOUT"));
        return names;
    }

    @Test
    void composesCkanProfileWiresCkansDatapusherPluginToTheWorker() throws Exception {
        String ckan = block(Files.readString(Path.of("docker-compose.yml")), "  ckan:");
        assertTrue(ckan.contains("profiles: [\"ckan\"]"));
        assertTrue(ckan.contains("datastore datapusher"), "both plugins are on");
        assertTrue(ckan.contains("CKAN_DATAPUSHER_URL: http://worker:8080/"), "ckan.datapusher.url is the worker");
        // the callback must come back on the worker's CKAN_URL origin, and the token is shared
        String worker = block(Files.readString(Path.of("docker-compose.yml")), "  worker:");
        assertTrue(ckan.contains("CKAN__DATAPUSHER__CALLBACK_URL_BASE: http://host.docker.internal:5000"));
        assertTrue(worker.contains("CKAN_URL: ${CKAN_URL:-http://host.docker.internal:5000}"));
        String script = Files.readString(Path.of("deploy/ckan/docker-entrypoint.d/50_datapusher_worker.sh"));
        assertTrue(script.contains("$CKAN_STORAGE_PATH/datapusher-worker-token") && ckan.contains("CKAN_STORAGE_PATH: /var/lib/ckan"));
        assertTrue(worker.contains("/var/lib/ckan/datapusher-worker-token") && worker.contains("ckan_storage:/var/lib/ckan:ro"));
    }

    @Test
    void theGrafanaDashboardChartsEveryMetricTheReadmeLists() throws Exception {
        Set<String> listed = new TreeSet<>();
        // the metrics table is under "What an operator sees"; other tables name datapusher_* resource fields
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## What an operator sees");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        Matcher m = Pattern.compile("^\\s*\\| `(datapusher_[a-z_]+)", Pattern.MULTILINE).matcher(section);
        while (m.find()) {
            listed.add(m.group(1));
        }
        assertEquals(8, listed.size(), "the README's metrics table: " + listed);
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("deploy/grafana/datapusher-worker.json").toFile());
        StringBuilder queries = new StringBuilder();
        for (JsonNode panel : dashboard.get("panels")) {
            panel.get("targets").forEach(target -> queries.append(target.get("expr").asText()).append('\n'));
        }
        for (String metric : listed) {
            assertTrue(queries.toString().contains(metric), "the dashboard charts " + metric);
        }
    }

    @Test
    void kedaScalesTheDeploymentOnTheResubmitQueueAndKeepsOneReplicaForCkansPosts() throws Exception {
        String keda = Files.readString(Path.of("k8s/keda-scaledobject.yaml"));
        String deployment = Files.readString(Path.of("k8s/deployment.yaml"));
        Matcher name = Pattern.compile("(?m)^metadata:\\n  name: (\\S+)").matcher(deployment);
        assertTrue(name.find());
        assertTrue(keda.contains("scaleTargetRef:\n    name: " + name.group(1)), "it scales the worker's Deployment");
        assertTrue(keda.contains("queueName: datapusher.resubmit"));
        Matcher min = Pattern.compile("minReplicaCount: (\\d+)").matcher(keda);
        assertTrue(min.find() && Integer.parseInt(min.group(1)) >= 1, "CKAN's POST /job needs a replica to answer");
        assertTrue(!keda.contains("amqp://guest") && keda.contains("secretTargetRef"), "the broker URL comes from a Secret");
    }

    /** A top-level block of a YAML file: from {@code start} to the next line indented as little. */
    private static String block(String text, String start) {
        int from = text.indexOf("\n" + start + "\n");
        assertTrue(from >= 0, "the file has " + start.strip());
        String indent = start.substring(0, start.length() - start.stripLeading().length());
        Matcher next = Pattern.compile("\n" + indent + "\\S").matcher(text);
        int to = next.find(from + start.length() + 1) ? next.start() : text.length();
        return text.substring(from + 1, to);
    }

    /** The upper-case keys of the YAML block that starts at {@code section}. */
    private static Set<String> variables(Path file, String section) throws Exception {
        String text = Files.readString(file);
        int start = text.indexOf(section);
        assertTrue(start >= 0, file + " has " + section);
        if (section.startsWith("worker")) {
            text = block(text, "  " + section);
            start = 0;
        }
        Set<String> names = new TreeSet<>();
        Matcher m = VARIABLE.matcher(text.substring(start));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
