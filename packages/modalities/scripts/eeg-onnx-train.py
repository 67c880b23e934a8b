#!/usr/bin/python3
"""Trains the ONNX EEG demo model: a compact EEGNet in PyTorch, exported as model.onnx.

Run by hand, never by CI (CI only reads the committed packages/modalities/demo/eeg-onnx/ files).
Uses Debian's packages only (python3-torch 1.13, python3-onnx, python3-numpy), from the repository root:

    npx tsx packages/modalities/scripts/eeg-onnx-export-epochs.ts            # epochs -> /tmp/xai-eeg-onnx
    /usr/bin/python3 packages/modalities/scripts/eeg-onnx-train.py           # -> demo/eeg-onnx/model.onnx, training.json
    npx tsx packages/modalities/scripts/eeg-onnx-check.ts                    # xai vs torch, LRP ground truth -> training.json

The epochs are the ones the xai EEG adapter gives a model at explain time (the tfjs EEG demo's data
and pre-processing: 16 channels, 0.5-8 Hz, 64 Hz, -0.2...0.8 s around each stimulus, baseline
corrected, microvolts), as [N, 1, channels, time] (the braindecode/EEGNet layout).

EEGNet-8,2 (Lawhern et al. 2018): temporal convolution (1 x 17, ~0.27 s) -> BN -> depthwise spatial
convolution (channels x 1, D = 2, max-norm 1, L1 for sparse spatial filters) -> BN -> ELU ->
average pool 1 x 4 -> dropout -> separable convolution (depthwise 1 x 5, pointwise 1 x 1) -> BN ->
ELU -> average pool 1 x 2 -> dropout -> flatten -> linear head (max-norm 0.25), logits.
Odd kernels with symmetric padding export as plain ONNX Conv nodes; in eval mode the exporter folds
each BatchNorm into the convolution before it.

metadata_props carry what the EEG adapter reads (packages/modalities/src/eeg/model-metadata.ts:
xai.channels, xai.sfreq, xai.unit, xai.classes) and the epoch window (xai.tmin, xai.tmax).
"""
import argparse
import datetime
import json
import os
import tempfile
import time

import numpy as np
import onnx
import torch
from torch import nn

SEEDS = {"init": 42, "fit": 7}
OPSET = 13
HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_DIR = os.path.normpath(os.path.join(HERE, "..", "demo", "eeg-onnx"))


class EEGNet(nn.Module):
    """EEGNet-F1,D with F2 = F1 * D; input [N, 1, channels, time], output logits [N, classes]."""

    def __init__(self, n_channels, n_times, n_classes, f1=8, d=2, kernel=17, separable_kernel=5, dropout=0.25):
        super().__init__()
        f2 = f1 * d
        self.temporal = nn.Conv2d(1, f1, (1, kernel), padding=(0, kernel // 2), bias=False)
        self.bn1 = nn.BatchNorm2d(f1)
        self.spatial = nn.Conv2d(f1, f1 * d, (n_channels, 1), groups=f1, bias=False)
        self.bn2 = nn.BatchNorm2d(f1 * d)
        self.pool1 = nn.AvgPool2d((1, 4))
        self.separable_depthwise = nn.Conv2d(f1 * d, f1 * d, (1, separable_kernel), padding=(0, separable_kernel // 2), groups=f1 * d, bias=False)
        self.separable_pointwise = nn.Conv2d(f1 * d, f2, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(f2)
        self.pool2 = nn.AvgPool2d((1, 2))
        self.dropout = nn.Dropout(dropout)
        self.elu = nn.ELU()
        self.classifier = nn.Linear(f2 * (n_times // 8), n_classes)

    def forward(self, x):
        x = self.bn1(self.temporal(x))
        x = self.dropout(self.pool1(self.elu(self.bn2(self.spatial(x)))))
        x = self.bn3(self.separable_pointwise(self.separable_depthwise(x)))
        x = self.dropout(self.pool2(self.elu(x)))
        return self.classifier(x.flatten(1))

    def apply_max_norm(self):
        """EEGNet's kernel constraints: max-norm 1 per spatial filter, 0.25 per class of the head."""
        with torch.no_grad():
            w = self.spatial.weight
            w.copy_(torch.renorm(w, p=2, dim=0, maxnorm=1.0))
            v = self.classifier.weight
            v.copy_(torch.renorm(v, p=2, dim=0, maxnorm=0.25))


def scores(pred, labels):
    """Accuracy, balanced accuracy and target recall (class 1)."""
    pred, labels = np.asarray(pred), np.asarray(labels)
    recall = [float(np.mean(pred[labels == k] == k)) for k in (0, 1)]
    return {"accuracy": float(np.mean(pred == labels)), "balancedAccuracy": (recall[0] + recall[1]) / 2, "targetRecall": recall[1]}


def logits_of(model, x):
    model.eval()
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "xai-eeg-onnx"), help="what eeg-onnx-export-epochs.ts wrote")
    parser.add_argument("--out", default=DEMO_DIR)
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(SEEDS["init"])
    np.random.seed(SEEDS["init"])
    info = json.load(open(os.path.join(args.data, "epochs.json")))
    load = lambda name: np.load(os.path.join(args.data, name))
    x_train, y_train = load("train-x.npy"), load("train-y.npy")
    x_test, y_test = load("test-x.npy"), load("test-y.npy")
    x_demo, y_demo = load("demo-x.npy"), load("demo-y.npy")
    _, _, n_channels, n_times = x_train.shape
    classes = info["classes"]
    print(f"train {len(y_train)} epochs ({int(y_train.sum())} targets), test {len(y_test)}, demo {len(y_demo)}; input [N, 1, {n_channels}, {n_times}]")

    model = EEGNet(n_channels, n_times, len(classes))
    params = sum(p.numel() for p in model.parameters())
    targets = int(y_train.sum())
    class_weight = [1.0, (len(y_train) - targets) / targets]
    loss_fn = nn.CrossEntropyLoss(weight=torch.tensor(class_weight, dtype=torch.float32))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)  # settles at the end
    batch = 32
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    shuffle = torch.Generator().manual_seed(SEEDS["fit"])
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(yt), generator=shuffle)
        total = 0.0
        for k in range(0, len(order), batch):
            idx = order[k:k + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            # L1 on the spatial filters (few channels carry the decision) and a little on the head.
            loss = loss + 1e-2 * model.spatial.weight.abs().sum() + 1e-3 * (model.classifier.weight.abs().sum() + model.classifier.weight.pow(2).sum())
            loss.backward()
            optimizer.step()
            model.apply_max_norm()
            total += loss.item() * len(idx)
        schedule.step()
        s = scores(logits_of(model, x_test).argmax(1), y_test)
        print(f"epoch {epoch + 1}/{args.epochs} loss={total / len(yt):.4f} test acc={s['accuracy']:.3f} balanced={s['balancedAccuracy']:.3f} ({time.time() - t0:.0f} s)")
    train_seconds = time.time() - t0
    model.eval()
    train_scores = scores(logits_of(model, x_train).argmax(1), y_train)
    test_scores = scores(logits_of(model, x_test).argmax(1), y_test)
    demo_logits = logits_of(model, x_demo)
    demo_pred = demo_logits.argmax(1)
    print("train", train_scores, "test", test_scores)

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(
        model, torch.from_numpy(x_demo[:1]), path, opset_version=OPSET, input_names=["eeg"], output_names=["logits"],
        dynamic_axes={"eeg": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL,
    )
    tmax = info["tmin"] + n_times / info["sampleRate"]
    metadata = {
        "xai.channels": ",".join(info["channels"]),
        "xai.sfreq": f"{info['sampleRate']:g}",
        "xai.unit": "uV",
        "xai.classes": ",".join(classes),
        "xai.tmin": f"{info['tmin']:g}",
        "xai.tmax": f"{tmax:g}",
    }
    proto = onnx.load(path)
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    pre = info["preprocessing"]
    proto.doc_string = (
        f"EEGNet-8,2 (Lawhern et al. 2018) on the xai synthetic oddball EEG demo: {classes[0]} vs. {classes[1]}. "
        f"Input [N, 1, {n_channels}, {n_times}]: {n_channels} channels in microvolts, {pre['bandpass'][0]}-{pre['bandpass'][1]} Hz zero-phase band-pass, "
        f"{info['sampleRate']} Hz, {info['tmin']}...{tmax:g} s around the stimulus, baseline {pre['baseline']} s subtracted. Output: logits."
    )
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    print(f"saved {path} ({os.path.getsize(path)} bytes)")

    training = {
        "model": "EEGNet-8,2 in PyTorch (temporal Conv2d 1×17, depthwise spatial 16×1 ×2, separable 1×5 + 1×1, pools 1×4 and 1×2, BatchNorm folded into the convolutions on export), logits",
        "format": "onnx",
        "classes": classes,
        "inputShape": [1, n_channels, n_times],
        "layout": "1 × channels × time (braindecode/EEGNet, channels-first)",
        "preprocessing": pre,
        "events": info["events"],
        "metadataProps": metadata,
        "data": {**info["data"], "trainEpochs": int(len(y_train)), "testEpochs": int(len(y_test))},
        "epochs": args.epochs,
        "batchSize": batch,
        "optimizer": "adam 3e-3, cosine annealing to 0",
        "classWeight": {"0": class_weight[0], "1": class_weight[1]},
        "params": params,
        "train": train_scores,
        "test": test_scores,
        "trainSeconds": round(train_seconds),
        "seeds": SEEDS,
        "torch": torch.__version__,
        "onnx": {"package": onnx.__version__, "opset": OPSET, "bytes": os.path.getsize(path)},
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "demoRecording": {
            "file": "../eeg/demo-recording.edf",
            "epochs": int(len(y_demo)),
            "accuracy": float(np.mean(demo_pred == y_demo)),
            "targets": int(y_demo.sum()),
            "correctTargets": int(np.sum((demo_pred == 1) & (y_demo == 1))),
        },
        # PyTorch's logits on every stimulus epoch of the demo recording, in order: the reference
        # the xai forward pass of model.onnx is checked against (test/eeg-onnx-demo.test.ts).
        "torchLogits": [[float(f"{v:.7g}") for v in row] for row in demo_logits.tolist()],
    }
    with open(os.path.join(args.out, "training.json"), "w") as f:
        json.dump(training, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"demo recording: accuracy {training['demoRecording']['accuracy']:.3f}, {training['demoRecording']['correctTargets']}/{training['demoRecording']['targets']} targets")


if __name__ == "__main__":
    main()
