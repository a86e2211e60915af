package io.inferstream.inference;

/** Softmax and top-k over a row of class scores. */
public final class Scores {

    private Scores() {}

    /** Numerically stable softmax, in place. */
    public static void softmaxInPlace(float[] row) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) Math.exp(row[i] - max);
            sum += row[i];
        }
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) (row[i] / sum);
        }
    }

    /** Indices of the k highest scores, highest first; ties go to the lower index. */
    public static int[] topK(float[] row, int k) {
        int count = Math.min(k, row.length);
        int[] best = new int[count];
        boolean[] taken = new boolean[row.length];
        for (int slot = 0; slot < count; slot++) {
            int arg = -1;
            for (int i = 0; i < row.length; i++) {
                if (!taken[i] && (arg < 0 || row[i] > row[arg])) {
                    arg = i;
                }
            }
            best[slot] = arg;
            taken[arg] = true;
        }
        return best;
    }
}
