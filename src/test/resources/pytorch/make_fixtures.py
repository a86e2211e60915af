#!/usr/bin/env python3
"""Makes the PyTorch fixture models and PyTorch's own outputs for them.

Run once, from this folder, with Debian's python3-torch (1.13):

    /usr/bin/python3 make_fixtures.py

It writes the .onnx files with torch.onnx.export, as users export their models (dynamic_axes
marking the batch N only), and *.expected.json holding fixed inputs and what PyTorch computes for
them. The Java tests compare the job's output with those numbers, so they need no PyTorch.
"""

import json
import math

import torch
from torch import nn

OPSET = 13
KEYS = 6
STEPS = 30
HIDDEN = 16
LAYERS = 2


class GruStep(nn.Module):
    """One step of a 2-layer GRU with a linear readout: x [N,F], h [L,N,H] -> y [N,O], h_next."""

    def __init__(self, features, outputs):
        super().__init__()
        self.gru = nn.GRU(features, HIDDEN, num_layers=LAYERS)
        self.readout = nn.Linear(HIDDEN, outputs)

    def forward(self, x, h):
        out, h_next = self.gru(x.unsqueeze(0), h)
        return self.readout(out[0]), h_next


class LstmStep(nn.Module):
    """One step of a 2-layer LSTM with a linear readout: x, h, c -> y, h_next, c_next."""

    def __init__(self, features, outputs):
        super().__init__()
        self.lstm = nn.LSTM(features, HIDDEN, num_layers=LAYERS)
        self.readout = nn.Linear(HIDDEN, outputs)

    def forward(self, x, h, c):
        out, (h_next, c_next) = self.lstm(x.unsqueeze(0), (h, c))
        return self.readout(out[0]), h_next, c_next


class SmallCnn(nn.Module):
    """1x28x28 -> conv 5x5 (4 filters), ReLU, max-pool 4 -> 10 logits."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 5)
        self.pool = nn.MaxPool2d(4)
        self.fc = nn.Linear(4 * 6 * 6, 10)

    def forward(self, image):
        return self.fc(torch.flatten(self.pool(torch.relu(self.conv(image))), 1))


def series(features):
    """KEYS x STEPS x features inputs, a different wave per key, exactly representable as float32."""
    values = torch.zeros(KEYS, STEPS, features)
    for k in range(KEYS):
        for t in range(STEPS):
            for f in range(features):
                values[k, t, f] = math.sin(0.3 * t * (k + 1) + f) * (1 + 0.5 * k) + 0.1 * f
    return values


def floats(tensor):
    # Nine significant digits name every float32 exactly, in fewer characters than a double's repr.
    return [float("%.9g" % v) for v in tensor.reshape(-1).tolist()]


def export(module, args, path, inputs, outputs, dynamic):
    torch.onnx.export(
        module,
        args,
        path,
        input_names=inputs,
        output_names=outputs,
        dynamic_axes=dynamic,
        opset_version=OPSET,
    )


def step_fixture(name, module, features, state_names):
    """Exports a step module and steps it over every key's series from zero states, all keys in one batch."""
    module.eval()
    zeros = [torch.zeros(LAYERS, KEYS, HIDDEN) for _ in state_names]
    x0 = torch.zeros(KEYS, features)
    next_names = [s + "_next" for s in state_names]
    dynamic = {"x": {0: "N"}, "y": {0: "N"}}
    for s in state_names + next_names:
        dynamic[s] = {1: "N"}
    export(module, (x0, *zeros), name + ".onnx", ["x", *state_names], ["y", *next_names], dynamic)

    inputs = series(features)
    states = zeros
    ys = []
    with torch.no_grad():
        for t in range(STEPS):
            y, *states = module(inputs[:, t, :], *states)
            ys.append(y)
        whole = whole_sequence(module, inputs, state_names)
    stepped = torch.stack(ys, 1)
    # Stepping must equal running the whole sequence at once: the oracle the job is held to.
    assert torch.allclose(stepped, whole, atol=1e-6), "stepping differs from the whole sequence"
    write_expected(name, features, inputs, stepped, dict(zip(state_names, states)))


def whole_sequence(module, inputs, state_names):
    rnn = module.gru if hasattr(module, "gru") else module.lstm
    out, _ = rnn(inputs.transpose(0, 1))
    return module.readout(out).transpose(0, 1)


def write_expected(name, features, inputs, outputs, final_states):
    expected = {
        "model": name + ".onnx",
        "torch": torch.__version__,
        "keys": KEYS,
        "steps": STEPS,
        "features": features,
        "outputs": outputs.shape[-1],
        "inputs": [[floats(inputs[k, t]) for t in range(STEPS)] for k in range(KEYS)],
        "expected": [[floats(outputs[k, t]) for t in range(STEPS)] for k in range(KEYS)],
        # Each key's state after the last step, its batch axis removed, row-major: [layers, hidden].
        "final_state": {s: [floats(v[:, k, :]) for k in range(KEYS)] for s, v in final_states.items()},
    }
    with open(name + ".expected.json", "w") as f:
        json.dump(expected, f, separators=(",", ":"))


def sequence_fixture(name, batch_first):
    """A plain nn.GRU exported with its sequence axis of length 1: x [1,N,F] or [N,1,F]."""
    features, hidden = 3, 8
    gru = nn.GRU(features, hidden, batch_first=batch_first).eval()
    seq_axis, batch_axis = (1, 0) if batch_first else (0, 1)
    shape = [1, 1, features]
    shape[batch_axis] = KEYS
    export(
        gru,
        (torch.zeros(shape), torch.zeros(1, KEYS, hidden)),
        name + ".onnx",
        ["input", "h0"],
        ["output", "hn"],
        {"input": {batch_axis: "N"}, "h0": {1: "N"}, "output": {batch_axis: "N"}, "hn": {1: "N"}},
    )
    inputs = series(features)
    with torch.no_grad():
        out, hn = gru(inputs if batch_first else inputs.transpose(0, 1))
    if not batch_first:
        out = out.transpose(0, 1)
    write_expected(name, features, inputs, out, {"h0": hn})


def cnn_fixture():
    cnn = SmallCnn().eval()
    export(cnn, (torch.zeros(2, 1, 28, 28),), "cnn_logits.onnx", ["image"], ["logits"],
           {"image": {0: "N"}, "logits": {0: "N"}})
    # Pixels as the image job sees them, 0 to 255; the network gets pixel / 255.
    pixels = torch.randint(0, 256, (4, 1, 28, 28))
    with torch.no_grad():
        logits = cnn(pixels.float() / 255.0)
    with open("cnn_logits.expected.json", "w") as f:
        json.dump(
            {
                "model": "cnn_logits.onnx",
                "torch": torch.__version__,
                "scale": "1/255",
                "pixels": [[int(p) for p in image.reshape(-1).tolist()] for image in pixels],
                "logits": [floats(row) for row in logits],
            },
            f,
            separators=(",", ":"),
        )


def main():
    torch.manual_seed(20240611)
    step_fixture("gru2_step", GruStep(1, 1), 1, ["h"])
    step_fixture("lstm2_step", LstmStep(2, 1), 2, ["h", "c"])
    sequence_fixture("gru_seq", batch_first=False)
    sequence_fixture("gru_seq_batch_first", batch_first=True)
    cnn_fixture()


if __name__ == "__main__":
    main()
