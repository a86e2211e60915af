package io.inferstream.cli;

/** A daemon thread running one loop until {@link #stop}: the demo's feeder and printer. */
abstract class BackgroundLoop {
    private final Thread thread;
    private volatile boolean running = true;

    BackgroundLoop(String name) {
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    /** The loop body; returns when {@link #running()} turns false or on interruption. */
    abstract void loop();

    final boolean running() {
        return running;
    }

    final void start() {
        thread.start();
    }

    /** Whether {@link #stop} interrupts the loop (a Kafka consumer must rather finish its poll and close cleanly). */
    boolean interruptOnStop() {
        return true;
    }

    final void stop() {
        running = false;
        if (interruptOnStop()) {
            thread.interrupt();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
