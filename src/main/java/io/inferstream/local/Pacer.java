package io.inferstream.local;

/** Spaces events evenly at a fixed rate per second, catching up after a slow stretch. */
public final class Pacer {
    private final long intervalNanos;
    private long next = System.nanoTime();

    public Pacer(int perSecond) {
        this.intervalNanos = 1_000_000_000L / Math.max(1, perSecond);
    }

    /** Waits until the next event is due. */
    public void await() throws InterruptedException {
        next += intervalNanos;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        }
    }
}
