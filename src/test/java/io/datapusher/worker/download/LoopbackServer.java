package io.datapusher.worker.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** An HTTP server on a loopback address that records the headers of every request it gets. */
final class LoopbackServer implements AutoCloseable {

    record Seen(String path, String authorization, String host, String acceptEncoding) {
    }

    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private LoopbackServer(HttpServer server) {
        this.server = server;
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    static LoopbackServer on(String loopbackAddress, int port) throws IOException {
        InetAddress address = InetAddress.getByName(loopbackAddress);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("test servers live on loopback only");
        }
        return new LoopbackServer(HttpServer.create(new InetSocketAddress(address, port), 0));
    }

    static LoopbackServer start() throws IOException {
        return on("127.0.0.1", 0);
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    List<Seen> seen() {
        return seen;
    }

    LoopbackServer handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            seen.add(new Seen(exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Host"),
                    exchange.getRequestHeaders().getFirst("Accept-Encoding")));
            try {
                handler.handle(exchange);
            } catch (IOException e) {
                // the client hung up, as it should when a limit is hit
            } finally {
                exchange.close();
            }
        });
        return this;
    }

    LoopbackServer text(String path, String body) {
        return handle(path, exchange -> send(exchange, 200, body));
    }

    LoopbackServer redirect(String path, String location) {
        return handle(path, exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
        });
    }

    static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
