package io.datapusher.worker.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Where PostgreSQL and RabbitMQ are for tests.
 *
 * <p>Rule: Testcontainers only when a Docker engine answers (a user's machine); otherwise the
 * services named by environment variables, defaulting to the local ones (CI and this machine):
 * <table>
 * <tr><td>{@code DPW_TEST_PG_HOST}</td><td>127.0.0.1</td></tr>
 * <tr><td>{@code DPW_TEST_PG_PORT}</td><td>5432</td></tr>
 * <tr><td>{@code DPW_TEST_PG_USER}</td><td>postgres</td></tr>
 * <tr><td>{@code DPW_TEST_PG_PASSWORD}</td><td>(empty)</td></tr>
 * <tr><td>{@code DPW_TEST_RABBITMQ_HOST}</td><td>127.0.0.1</td></tr>
 * <tr><td>{@code DPW_TEST_RABBITMQ_PORT}</td><td>5672</td></tr>
 * <tr><td>{@code DPW_TEST_RABBITMQ_USERNAME} / {@code _PASSWORD}</td><td>guest / guest</td></tr>
 * </table>
 * {@code DPW_TEST_DOCKER=false} forces the local services even when Docker answers.
 *
 * <p>The Docker check runs once per JVM. It asks Testcontainers only when there is a sign of a
 * Docker engine (a {@code DOCKER_HOST}, a Docker socket, a Testcontainers config file), so that a
 * machine without Docker pays nothing and sees no Testcontainers error log.
 *
 * <p>The containers, when used, start once per JVM on first use and are removed by Testcontainers
 * (Ryuk) when the JVM ends.
 */
public final class TestServices {

    private static final System.Logger LOG = System.getLogger(TestServices.class.getName());

    public static final String POSTGRES_IMAGE = "postgres:15";
    public static final String RABBITMQ_IMAGE = "rabbitmq:3.13-management";

    /** Where a PostgreSQL server is; {@code user} is a superuser (it can create roles and databases). */
    public record Postgres(String host, int port, String user, String password) {
        /** {@code jdbc:postgresql://host:port/database}. */
        public String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        /** {@code postgresql://host:port/database} (the form of {@code JOBS_DB_URL}). */
        public String url(String database) {
            return "postgresql://" + host + ":" + port + "/" + database;
        }
    }

    /** Where a RabbitMQ broker is. */
    public record RabbitMq(String host, int port, String username, String password) {
    }

    private static Boolean docker;
    private static PostgreSQLContainer postgresContainer;
    private static RabbitMQContainer rabbitContainer;

    private TestServices() {
    }

    /** Whether tests run against Testcontainers; checked once per JVM. */
    public static synchronized boolean useContainers() {
        if (docker == null) {
            docker = detectDocker();
            LOG.log(Level.INFO, docker
                    ? "Docker answers: tests use Testcontainers (" + POSTGRES_IMAGE + ", " + RABBITMQ_IMAGE + ")"
                    : "No Docker engine: tests use the local PostgreSQL and RabbitMQ (DPW_TEST_* variables)");
        }
        return docker;
    }

    /** The PostgreSQL server for tests (starting its container on first use when Docker answers). */
    public static synchronized Postgres postgres() {
        if (useContainers()) {
            if (postgresContainer == null) {
                PostgreSQLContainer c = new PostgreSQLContainer(POSTGRES_IMAGE)
                        .withUsername("postgres")
                        .withPassword("postgres")
                        .withDatabaseName("postgres");
                c.start();
                postgresContainer = c;
            }
            return new Postgres(postgresContainer.getHost(), postgresContainer.getMappedPort(5432), "postgres",
                    "postgres");
        }
        return new Postgres(
                env("DPW_TEST_PG_HOST", "127.0.0.1"),
                Integer.parseInt(env("DPW_TEST_PG_PORT", "5432")),
                env("DPW_TEST_PG_USER", "postgres"),
                env("DPW_TEST_PG_PASSWORD", ""));
    }

    /** The RabbitMQ broker for tests (starting its container on first use when Docker answers). */
    public static synchronized RabbitMq rabbitMq() {
        if (useContainers()) {
            RabbitMQContainer c = rabbitContainer();
            return new RabbitMq(c.getHost(), c.getAmqpPort(), c.getAdminUsername(), c.getAdminPassword());
        }
        return new RabbitMq(
                env("DPW_TEST_RABBITMQ_HOST", "127.0.0.1"),
                Integer.parseInt(env("DPW_TEST_RABBITMQ_PORT", "5672")),
                env("DPW_TEST_RABBITMQ_USERNAME", "guest"),
                env("DPW_TEST_RABBITMQ_PASSWORD", "guest"));
    }

    /**
     * Creates a fresh virtual host, with all permissions for the test user, so that a test run's
     * exchanges and queues never meet another run's. Falls back to {@code /} (with a warning) when
     * no {@code rabbitmqctl} can reach the broker. Remove it with {@link #deleteVhost(String)}.
     */
    public static String createVhost() {
        String name = "dpw-test-" + UUID.randomUUID().toString().substring(0, 8);
        String user = rabbitMq().username();
        if (useContainers()) {
            execInRabbit("add_vhost", name);
            execInRabbit("set_permissions", "-p", name, user, ".*", ".*", ".*");
            return name;
        }
        if (!localRabbitmqctl()) {
            LOG.log(Level.WARNING, "rabbitmqctl is not on PATH or the broker is not local: tests share the "
                    + "virtual host '/' and rely on uniquely named queues");
            return "/";
        }
        try {
            rabbitmqctl("add_vhost", name);
            rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*");
            return name;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot create a virtual host with rabbitmqctl, falling back to '/': " + e.getMessage());
            return "/";
        }
    }

    /** Deletes a virtual host made by {@link #createVhost()} with everything in it; {@code /} is left alone. */
    public static void deleteVhost(String name) {
        if (name == null || "/".equals(name)) {
            return;
        }
        if (useContainers()) {
            execInRabbit("delete_vhost", name);
        } else if (localRabbitmqctl()) {
            rabbitmqctl("delete_vhost", name);
        }
    }

    // ------------------------------------------------------------------ internals

    private static boolean detectDocker() {
        String forced = System.getenv("DPW_TEST_DOCKER");
        if (forced != null && List.of("false", "no", "0", "never").contains(forced.toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (!dockerHint()) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) { // never let the check fail a test run
            LOG.log(Level.INFO, "Docker check failed, using local services: " + t);
            return false;
        }
    }

    /** A cheap sign that a Docker engine may be there, before asking Testcontainers (which is slow and noisy without one). */
    private static boolean dockerHint() {
        if (System.getenv("DOCKER_HOST") != null
                || System.getenv("TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE") != null
                || System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
            return true;
        }
        String home = System.getProperty("user.home", "");
        List<Path> candidates = new ArrayList<>(List.of(
                Path.of("/var/run/docker.sock"),
                Path.of(home, ".docker", "run", "docker.sock"),
                Path.of(home, ".docker", "desktop", "docker.sock"),
                Path.of(home, ".colima", "default", "docker.sock"),
                Path.of(home, ".rd", "docker.sock"),
                Path.of(home, ".testcontainers.properties")));
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null) {
            candidates.add(Path.of(runtimeDir, "docker.sock"));
            candidates.add(Path.of(runtimeDir, "podman", "podman.sock"));
        }
        return candidates.stream().anyMatch(Files::exists);
    }

    private static synchronized RabbitMQContainer rabbitContainer() {
        if (rabbitContainer == null) {
            RabbitMQContainer c = new RabbitMQContainer(RABBITMQ_IMAGE);
            c.start();
            rabbitContainer = c;
        }
        return rabbitContainer;
    }

    private static void execInRabbit(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "rabbitmqctl";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Container.ExecResult result = rabbitContainer().execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + result.getStderr());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " interrupted", e);
        }
    }

    private static boolean localRabbitmqctl() {
        return onPath("rabbitmqctl") && isLocal(rabbitMq().host());
    }

    private static void rabbitmqctl(String... args) {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.add("-q");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                        + new String(out, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " interrupted", e);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLocal(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || address.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String env(String name, String defaultValue) {
        String value = System.getenv(name);
        return value == null ? defaultValue : value;
    }
}
