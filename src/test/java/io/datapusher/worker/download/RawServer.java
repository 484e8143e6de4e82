package io.datapusher.worker.download;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP server that misbehaves on purpose, byte by byte: it reads the request head, then
 * runs a script against the socket. It counts the body bytes the script managed to write.
 */
final class RawServer implements AutoCloseable {

    interface Script {
        void play(OutputStream out, AtomicLong written) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    private final AtomicLong written = new AtomicLong();

    RawServer(Script script) throws IOException {
        socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        Thread acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    Thread player = new Thread(() -> serve(connection, script), "raw-server");
                    player.setDaemon(true);
                    player.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(Socket connection, Script script) {
        try (connection) {
            BufferedReader head = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
            String line;
            while ((line = head.readLine()) != null && !line.isEmpty()) {
                // the request head is not interesting here
            }
            script.play(connection.getOutputStream(), written);
        } catch (IOException | InterruptedException e) {
            // the client hung up: what the limits are for
        }
    }

    static void head(OutputStream out, String... headers) throws IOException {
        StringBuilder text = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        out.write(text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    long bodyBytesWritten() {
        return written.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
