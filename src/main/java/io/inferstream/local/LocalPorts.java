package io.inferstream.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on the loopback interface, for the processes local runs and tests start. */
public final class LocalPorts {

    private LocalPorts() {}

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free right now; another process may still take it before it is used. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface", e);
        }
    }

    /** A free port other than {@code taken}, which was picked earlier but is not bound yet. */
    public static int freeExcept(int taken) {
        while (true) {
            int port = free();
            if (port != taken) {
                return port;
            }
        }
    }
}
