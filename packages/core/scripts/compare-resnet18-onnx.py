#!/usr/bin/python3
"""
Compares the generated ResNet-18 (test/onnx/resnet18-onnx.ts) with what torch.onnx.export really
writes for torchvision.models.resnet18(). Run by hand, NOT by CI (needs Debian's python3-torch,
python3-torchvision and python3-onnx; the exported files go to a temporary folder and are deleted —
never commit them):

    cd packages/core && /usr/bin/python3 scripts/compare-resnet18-onnx.py

For opsets 13 and 17, and BatchNorm as torchvision initialises it ('fresh') or with random running
statistics ('random', as after training), it checks: opset and IR version, graph name, inputs and
outputs (names, dtypes, shapes with the symbolic batch axis), every node in order (type, name,
inputs, outputs, attributes with their types and values), the initializers in order (names, dtypes,
dims), which biases are all zero, and that each weight's standard deviation is within 10 % of
torch's (the values differ: another random generator). Opsets 14–16 give the same graph (IR 7 up
to opset 14, 8 from 15). Exits 1 on the first difference found.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
import torchvision
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
CORE = os.path.dirname(HERE)


def export_torch(path, opset, batch_norm):
    torch.manual_seed(0)
    model = torchvision.models.resnet18().eval()
    if batch_norm == 'random':
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                n = m.num_features
                m.weight.data = 0.5 + torch.rand(n)
                m.bias.data = 0.1 * torch.randn(n)
                m.running_mean = 0.1 * torch.randn(n)
                m.running_var = 0.5 + torch.rand(n)
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=opset,
                      input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})


def write_generated(path, opset, batch_norm):
    subprocess.run(['npx', 'tsx', os.path.join(HERE, 'write-resnet18-onnx.ts'), path,
                    '--opset', str(opset), '--batch-norm', batch_norm], cwd=CORE, check=True,
                    stdout=subprocess.DEVNULL)


def shape_of(value_info):
    t = value_info.type.tensor_type
    return t.elem_type, [d.dim_param or d.dim_value for d in t.shape.dim]


def node_signature(n):
    attrs = []
    for a in n.attribute:
        v = helper.get_attribute_value(a)
        if isinstance(v, float):
            v = round(v, 6)
        elif isinstance(v, list):
            v = list(v)
        attrs.append((a.name, a.type, v))
    return (n.op_type, n.name, list(n.input), list(n.output), attrs)


def compare(label, real, generated):
    problems = []

    def check(what, a, b):
        if a != b:
            problems.append(f'{what}:\n    torch:     {a}\n    generated: {b}')

    check('opset imports', [(o.domain, o.version) for o in real.opset_import], [(o.domain, o.version) for o in generated.opset_import])
    check('IR version', real.ir_version, generated.ir_version)
    rg, gg = real.graph, generated.graph
    check('graph name', rg.name, gg.name)
    check('inputs', [(i.name, shape_of(i)) for i in rg.input], [(i.name, shape_of(i)) for i in gg.input])
    check('outputs', [(o.name, shape_of(o)) for o in rg.output], [(o.name, shape_of(o)) for o in gg.output])
    check('node count', len(rg.node), len(gg.node))
    for k, (a, b) in enumerate(zip(rg.node, gg.node)):
        check(f'node {k}', node_signature(a), node_signature(b))
    check('initializers (name, dtype, dims)', [(t.name, t.data_type, list(t.dims)) for t in rg.initializer],
          [(t.name, t.data_type, list(t.dims)) for t in gg.initializer])
    real_values = {t.name: numpy_helper.to_array(t) for t in rg.initializer}
    for t in gg.initializer:
        g = numpy_helper.to_array(t)
        r = real_values.get(t.name)
        if r is None or r.shape != g.shape:
            continue
        check(f'{t.name} all zero', bool(np.all(r == 0)), bool(np.all(g == 0)))
        if r.ndim >= 2:  # weights (≥ 9408 values); biases are too few for a 10 % check
            ratio = g.std() / r.std()
            if not 0.9 <= ratio <= 1.1:
                problems.append(f'{t.name}: std {g.std():.4g} generated vs {r.std():.4g} torch (ratio {ratio:.3f})')
    print(f'{label}: {len(rg.node)} nodes, {len(rg.initializer)} initializers — ' + ('identical structure' if not problems else f'{len(problems)} differences'))
    for p in problems[:20]:
        print('  ' + p)
    return not problems


def main():
    print(f'torch {torch.__version__}, torchvision {torchvision.__version__}, onnx {onnx.__version__}')
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for opset in (13, 17):
            for batch_norm in ('fresh', 'random'):
                real_path = os.path.join(tmp, f'torch-{opset}-{batch_norm}.onnx')
                generated_path = os.path.join(tmp, f'generated-{opset}-{batch_norm}.onnx')
                export_torch(real_path, opset, batch_norm)
                write_generated(generated_path, opset, batch_norm)
                ok &= compare(f'opset {opset}, BatchNorm {batch_norm}', onnx.load(real_path), onnx.load(generated_path))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
