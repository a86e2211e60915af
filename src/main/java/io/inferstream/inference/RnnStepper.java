package io.inferstream.inference;

/** Steps an RNN cell for a batch of keys; see {@link OnnxRnnCell#step}. */
public interface RnnStepper extends AutoCloseable {

    RnnCellSpec spec();

    int maxBatch();

    void step(int n, float[] input, float[] state, float[] output, float[] nextState);

    @Override
    void close();
}
