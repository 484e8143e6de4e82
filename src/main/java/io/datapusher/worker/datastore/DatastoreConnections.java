package io.datapusher.worker.datastore;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Opens JDBC connections to the DataStore from CKAN's {@code ckan.datastore.write_url}
 * ({@code postgresql://user:pass@host:port/db?sslmode=...}). pgjdbc ignores user info in URLs,
 * so it is taken out here and passed as properties; the password never appears in
 * {@link #toString()} or in exception messages.
 */
public final class DatastoreConnections {

    private static final int DEFAULT_PORT = 5432;

    private final String jdbcUrl;
    private final String user;
    private final String password;

    public DatastoreConnections(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Parses CKAN's SQLAlchemy-style URL; accepts {@code postgresql}, {@code postgres} and {@code postgresql+<driver>}. */
    public static DatastoreConnections fromCkanUrl(String url) {
        if (url == null) {
            throw new IllegalArgumentException("the DataStore URL is missing");
        }
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("the DataStore URL must look like postgresql://user:password@host:port/db");
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase();
        if (!(scheme.equals("postgresql") || scheme.equals("postgres") || scheme.startsWith("postgresql+"))) {
            throw new IllegalArgumentException("the DataStore URL must use the postgresql scheme, not " + scheme);
        }
        String rest = url.substring(schemeEnd + 3);
        int queryStart = rest.indexOf('?');
        String query = queryStart >= 0 ? rest.substring(queryStart + 1) : "";
        String beforeQuery = queryStart >= 0 ? rest.substring(0, queryStart) : rest;

        // The last '@' ends the user info: an unencoded '@' in a password is common enough.
        int at = beforeQuery.lastIndexOf('@');
        String userInfo = at >= 0 ? beforeQuery.substring(0, at) : null;
        String hostAndPath = at >= 0 ? beforeQuery.substring(at + 1) : beforeQuery;

        String user = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = percentDecode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? percentDecode(userInfo.substring(colon + 1)) : null;
        }

        int slash = hostAndPath.indexOf('/');
        String hostPort = slash >= 0 ? hostAndPath.substring(0, slash) : hostAndPath;
        String database = slash >= 0 ? percentDecode(hostAndPath.substring(slash + 1)) : "";
        if (database.isEmpty()) {
            throw new IllegalArgumentException("the DataStore URL names no database");
        }
        String host;
        int port = DEFAULT_PORT;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("the DataStore URL has an unclosed IPv6 address");
            }
            host = hostPort.substring(0, close + 1);
            port = parsePort(hostPort.substring(close + 1));
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            port = colon >= 0 ? parsePort(hostPort.substring(colon)) : DEFAULT_PORT;
        }
        if (host.isEmpty()) {
            host = "localhost";
        }

        // user/password may also come as query parameters; keep them out of the URL we show.
        List<String> kept = new ArrayList<>();
        for (String param : query.split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            String key = eq >= 0 ? param.substring(0, eq) : param;
            String value = eq >= 0 ? percentDecode(param.substring(eq + 1)) : "";
            if (key.equals("password")) {
                password = value;
            } else if (key.equals("user")) {
                user = value;
            } else {
                kept.add(param);
            }
        }
        String jdbcUrl = "jdbc:postgresql://" + host + ":" + port + "/" + encodePathSegment(database)
                + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new DatastoreConnections(jdbcUrl, user, password);
    }

    public Connection open() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, properties("datapusher-worker"));
    }

    /**
     * A connection for a quick probe: connecting, logging in and every read give up after
     * {@code timeoutSeconds}, so a hung server cannot pile probes up.
     */
    public Connection openForProbe(String applicationName, int timeoutSeconds) throws SQLException {
        Properties props = properties(applicationName);
        props.setProperty("connectTimeout", String.valueOf(timeoutSeconds));
        props.setProperty("loginTimeout", String.valueOf(timeoutSeconds));
        props.setProperty("socketTimeout", String.valueOf(timeoutSeconds));
        return DriverManager.getConnection(jdbcUrl, props);
    }

    private Properties properties(String applicationName) {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", applicationName);
        // Dead peers are noticed by the OS instead of hanging a load forever.
        props.setProperty("tcpKeepAlive", "true");
        return props;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    /** For callers that must pass the password on (e.g. a pool); never log it. */
    public String password() {
        return password;
    }

    @Override
    public String toString() {
        return "DatastoreConnections[" + jdbcUrl + ", user=" + user + (password != null ? ", password=***" : "") + "]";
    }

    private static int parsePort(String colonAndPort) {
        if (colonAndPort.isEmpty() || colonAndPort.equals(":")) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(colonAndPort.substring(1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the DataStore URL has an invalid port");
        }
    }

    /** RFC 3986 percent-decoding; unlike URLDecoder it leaves '+' alone, as user info requires. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                int codePoint = s.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static String encodePathSegment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
