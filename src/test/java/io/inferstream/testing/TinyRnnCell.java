package io.inferstream.testing;

import static io.inferstream.demo.OnnxGraphBuilder.dim;

import io.inferstream.demo.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small Elman cell for operator tests, h' = tanh(Wx x + Wh h + b), y = Wy h' + c, written as an
 * ONNX model, with the same arithmetic in plain Java as the expected result.
 */
public final class TinyRnnCell {
    public final int hidden;
    private final float[] wx;
    private final float[] wh;
    private final float[] b;
    private final float[] wy;
    private final float c;

    public TinyRnnCell(int hidden) {
        this(hidden, 0.5f);
    }

    /** The same cell with another output bias: same hidden states, every output moved by the difference. */
    public TinyRnnCell(int hidden, float outputBias) {
        this.hidden = hidden;
        this.c = outputBias;
        wx = new float[hidden];
        wh = new float[hidden * hidden];
        b = new float[hidden];
        wy = new float[hidden];
        for (int i = 0; i < hidden; i++) {
            wx[i] = 0.9f - 0.3f * i;
            b[i] = 0.05f * i;
            wy[i] = 1.0f / (i + 1);
            for (int j = 0; j < hidden; j++) {
                wh[i * hidden + j] = (i == j ? 0.5f : 0.1f) * (j % 2 == 0 ? 1 : -1);
            }
        }
    }

    /** Writes the cell as an ONNX model (inputs x [N,1], h [N,H]; outputs y [N,1], h_next [N,H]). */
    public Path write(Path dir, String name, Map<String, String> metadata) throws Exception {
        return write(dir, name, metadata, "x", "h", "y", "h_next");
    }

    /** The same cell with its tensors under other names, as a PyTorch export would have them. */
    public Path write(Path dir, String name, Map<String, String> metadata, String x, String h, String y, String hNext)
            throws Exception {
        float[] whT = new float[hidden * hidden];
        for (int i = 0; i < hidden; i++) {
            for (int j = 0; j < hidden; j++) {
                whT[j * hidden + i] = wh[i * hidden + j];
            }
        }
        OnnxGraphBuilder g = new OnnxGraphBuilder("tiny-rnn")
                .input(x, dim("N"), dim(1))
                .input(h, dim("N"), dim(hidden))
                .initializer("wxT", wx, 1, hidden)
                .initializer("whT", whT, hidden, hidden)
                .initializer("b", b, hidden)
                .initializer("wyT", wy, hidden, 1)
                .initializer("c", new float[] {c}, 1);
        String xs = g.node("MatMul", List.of(x, "wxT"), "xs");
        String hs = g.node("MatMul", List.of(h, "whT"), "hs");
        String sum = g.node("Add", List.of(xs, hs), "sum");
        String pre = g.node("Add", List.of(sum, "b"), "pre");
        g.node("Tanh", List.of(pre), hNext);
        String ys = g.node("MatMul", List.of(hNext, "wyT"), "ys");
        g.node("Add", List.of(ys, "c"), y);
        g.output(y, dim("N"), dim(1)).output(hNext, dim("N"), dim(hidden));
        Path file = dir.resolve(name + ".onnx");
        Files.write(
                file,
                g.buildModel("inferstream-test", 1, "tiny Elman cell", metadata).toByteArray());
        return file;
    }

    /**
     * A two-state cell, LSTM-shaped: h' = tanh(Wx x + Wh h + b + c / 10), c' = c / 2 + h',
     * y = Wy h' + 0.5; inputs x, h, c and outputs y, h_next, c_next.
     */
    public Path writeTwoState(Path dir, String name, Map<String, String> metadata) throws Exception {
        float[] whT = new float[hidden * hidden];
        for (int i = 0; i < hidden; i++) {
            for (int j = 0; j < hidden; j++) {
                whT[j * hidden + i] = wh[i * hidden + j];
            }
        }
        OnnxGraphBuilder g = new OnnxGraphBuilder("tiny-two-state")
                .input("x", dim("N"), dim(1))
                .input("h", dim("N"), dim(hidden))
                .input("c", dim("N"), dim(hidden))
                .initializer("wxT", wx, 1, hidden)
                .initializer("whT", whT, hidden, hidden)
                .initializer("b", b, hidden)
                .initializer("wyT", wy, hidden, 1)
                .initializer("yc", new float[] {c}, 1)
                .initializer("tenth", new float[] {0.1f}, 1)
                .initializer("half", new float[] {0.5f}, 1);
        String xs = g.node("MatMul", List.of("x", "wxT"), "xs");
        String hs = g.node("MatMul", List.of("h", "whT"), "hs");
        String cs = g.node("Mul", List.of("c", "tenth"), "cs");
        String sum = g.node("Add", List.of(xs, hs), "sum");
        String sum2 = g.node("Add", List.of(sum, cs), "sum2");
        String pre = g.node("Add", List.of(sum2, "b"), "pre");
        g.node("Tanh", List.of(pre), "h_next");
        String halfC = g.node("Mul", List.of("c", "half"), "half_c");
        g.node("Add", List.of(halfC, "h_next"), "c_next");
        String ys = g.node("MatMul", List.of("h_next", "wyT"), "ys");
        g.node("Add", List.of(ys, "yc"), "y");
        g.output("y", dim("N"), dim(1)).output("h_next", dim("N"), dim(hidden)).output("c_next", dim("N"), dim(hidden));
        Path file = dir.resolve(name + ".onnx");
        Files.write(
                file,
                g.buildModel("inferstream-test", 1, "tiny two-state cell", metadata)
                        .toByteArray());
        return file;
    }

    /** The outputs y of the two-state cell over {@code inputs} from zero states, in plain Java. */
    public List<Double> runTwoState(List<Double> inputs) {
        double[] h = new double[hidden];
        double[] cState = new double[hidden];
        List<Double> ys = new ArrayList<>();
        for (double x : inputs) {
            double[] next = new double[hidden];
            double y = c;
            for (int i = 0; i < hidden; i++) {
                double pre = wx[i] * x + b[i] + cState[i] * 0.1f;
                for (int j = 0; j < hidden; j++) {
                    pre += wh[i * hidden + j] * h[j];
                }
                next[i] = Math.tanh(pre);
                y += wy[i] * next[i];
            }
            for (int i = 0; i < hidden; i++) {
                cState[i] = cState[i] * 0.5 + next[i];
            }
            h = next;
            ys.add(y);
        }
        return ys;
    }

    /** The outputs y of stepping the cell over {@code inputs} from a zero state, in plain Java. */
    public List<Double> run(List<Double> inputs) {
        double[] h = new double[hidden];
        List<Double> ys = new ArrayList<>();
        for (double x : inputs) {
            double[] next = new double[hidden];
            double y = c;
            for (int i = 0; i < hidden; i++) {
                double pre = wx[i] * x + b[i];
                for (int j = 0; j < hidden; j++) {
                    pre += wh[i * hidden + j] * h[j];
                }
                next[i] = Math.tanh(pre);
                y += wy[i] * next[i];
            }
            h = next;
            ys.add(y);
        }
        return ys;
    }
}
