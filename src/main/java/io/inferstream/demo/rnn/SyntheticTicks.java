package io.inferstream.demo.rnn;

/**
 * Deterministic sensor-like time series for any number of keys, where the value of any key at
 * any step is computed directly from (seed, key, step), so nothing is stored per key or step.
 *
 * <p>Each key's series is a key-specific level plus two sinusoids with key-specific periods
 * (12 to 120 steps, log-uniform), amplitudes and phases, plus a little bounded noise. A model
 * that has seen a few periods can forecast the next step much better than "the last value";
 * the noise sets the floor no model can beat.
 */
public final class SyntheticTicks {

    /** Event time of step 0: 2023-11-14T22:13:20Z. */
    public static final long START_EPOCH_MS = 1_700_000_000_000L;

    /** Event-time distance between two steps of a series. */
    public static final long STEP_MS = 1_000L;

    public static final String KEY_PREFIX = "sensor-";

    /** Keys are zero-padded to at least this many digits, so they sort like their indices. */
    public static final int KEY_DIGITS = 5;

    /** Standard deviation of the noise; it is bounded at about 3.5 times this. */
    public static final double NOISE_STD = 0.25;

    static final double MIN_PERIOD = 12;
    static final double MAX_PERIOD = 120;

    // Distinct streams of the hash, one per per-key parameter.
    private static final int LEVEL = 1;
    private static final int PERIOD_1 = 2;
    private static final int PERIOD_2 = 3;
    private static final int AMPLITUDE_1 = 4;
    private static final int AMPLITUDE_2 = 5;
    private static final int PHASE_1 = 6;
    private static final int PHASE_2 = 7;
    private static final long NOISE = 0x4E4F495345L;

    /** 1 / sqrt(1/3): the standard deviation of a sum of four uniforms is sqrt(4/12). */
    private static final double IRWIN_HALL_4_SCALE = Math.sqrt(3.0);

    private final long seed;

    /** A family of series; the same seed gives the same values on every JVM. */
    public SyntheticTicks(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The key of series {@code index}, such as {@code sensor-00042}. */
    public static String key(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("key index " + index + " must be at least 0");
        }
        String digits = Integer.toString(index);
        StringBuilder key = new StringBuilder(KEY_PREFIX.length() + Math.max(KEY_DIGITS, digits.length()));
        key.append(KEY_PREFIX);
        for (int i = digits.length(); i < KEY_DIGITS; i++) {
            key.append('0');
        }
        return key.append(digits).toString();
    }

    /** The index of a key written by {@link #key(int)}, or -1 if {@code key} is not one. */
    public static int indexOfKey(String key) {
        if (key == null || !key.startsWith(KEY_PREFIX)) {
            return -1;
        }
        int digits = key.length() - KEY_PREFIX.length();
        if (digits < KEY_DIGITS || digits > 10) {
            return -1;
        }
        long index = 0;
        for (int i = KEY_PREFIX.length(); i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            index = index * 10 + (c - '0');
        }
        // Only the canonical spelling counts, so key and index map one to one.
        if (index > Integer.MAX_VALUE || !key(((int) index)).equals(key)) {
            return -1;
        }
        return (int) index;
    }

    /** The reading of series {@code keyIndex} at {@code step}; finite, between about 10 and 40. */
    public double value(int keyIndex, long step) {
        if (keyIndex < 0) {
            throw new IllegalArgumentException("key index " + keyIndex + " must be at least 0");
        }
        if (step < 0) {
            throw new IllegalArgumentException("step " + step + " must be at least 0");
        }
        double level = 18 + 14 * uniform(keyIndex, LEVEL);
        double wave1 = (1.5 + 2.5 * uniform(keyIndex, AMPLITUDE_1))
                * StrictMath.sin(angle(step, period(keyIndex, PERIOD_1), uniform(keyIndex, PHASE_1)));
        double wave2 = (0.5 + 1.5 * uniform(keyIndex, AMPLITUDE_2))
                * StrictMath.sin(angle(step, period(keyIndex, PERIOD_2), uniform(keyIndex, PHASE_2)));
        return level + wave1 + wave2 + NOISE_STD * noise(keyIndex, step);
    }

    /** Event time of {@code step} in epoch milliseconds: the same for every key. */
    public long timestamp(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step " + step + " must be at least 0");
        }
        return START_EPOCH_MS + step * STEP_MS;
    }

    /** Period in steps of one of the key's sinusoids, log-uniform in [12, 120). */
    double period(int keyIndex, int which) {
        return MIN_PERIOD * Math.pow(MAX_PERIOD / MIN_PERIOD, uniform(keyIndex, which));
    }

    private static double angle(long step, double period, double phaseFraction) {
        // Only the fraction of a cycle matters; sin of a small angle is the most accurate.
        double cycles = step / period;
        return 2 * Math.PI * (cycles - Math.floor(cycles) + phaseFraction);
    }

    private double uniform(int keyIndex, long parameter) {
        return (mix(mix(seed ^ mix(keyIndex + 0x9E3779B97F4A7C15L)) + parameter) >>> 11) * 0x1.0p-53;
    }

    /** Zero mean, unit variance, bounded: a sum of four 16-bit uniforms from one hash. */
    private double noise(int keyIndex, long step) {
        long bits = mix(mix(mix(seed ^ NOISE) + keyIndex) + step);
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += (((bits >>> (16 * i)) & 0xFFFF) + 0.5) / 65536.0;
        }
        return (sum - 2) * IRWIN_HALL_4_SCALE;
    }

    /** SplitMix64's finalizer: a bijection that spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
