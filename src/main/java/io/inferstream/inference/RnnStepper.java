package io.inferstream.inference;

/** Steps an RNN cell for a batch of keys; see {@link OnnxRnnCell#step}. */
public interface RnnStepper extends AutoCloseable {

    RnnCellSpec spec();

    int maxBatch();

    void step(int n, float[] input, float[] state, float[] output, float[] nextState);

    @Override
    void close();

    /**
     * For benchmarks only: keeps every state as it is and outputs zeros, so a job measures
     * everything but the model.
     */
    static RnnStepper passThrough(RnnCellSpec spec, int maxBatch) {
        return new RnnStepper() {
            @Override
            public RnnCellSpec spec() {
                return spec;
            }

            @Override
            public int maxBatch() {
                return maxBatch;
            }

            @Override
            public void step(int n, float[] input, float[] state, float[] output, float[] nextState) {
                System.arraycopy(state, 0, nextState, 0, n * spec.stateSize());
                java.util.Arrays.fill(output, 0, n * spec.outputs, 0f);
            }

            @Override
            public void close() {}
        };
    }
}
