package io.datapusher.worker.download;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener on a loopback address that only counts connections. A refused URL must leave it
 * at zero: proof that the guard refused before dialling, not after.
 */
final class Canary implements AutoCloseable {

    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();

    private Canary(ServerSocket socket) {
        this.socket = socket;
        Thread acceptor = new Thread(this::acceptForever, "canary");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static Canary on(String loopbackAddress, int port) throws IOException {
        InetAddress address = InetAddress.getByName(loopbackAddress);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("canaries live on loopback only");
        }
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(address, port));
        return new Canary(socket);
    }

    static Canary onLoopback() throws IOException {
        return on("127.0.0.1", 0);
    }

    int port() {
        return socket.getLocalPort();
    }

    int connections() throws InterruptedException {
        Thread.sleep(50); // a connection in flight is accepted well within this
        return connections.get();
    }

    private void acceptForever() {
        while (!socket.isClosed()) {
            try (Socket ignored = socket.accept()) {
                connections.incrementAndGet();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
