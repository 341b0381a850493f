import { WEIGHTS_FILE } from './layersModel';
import { type GraphLayer, graphParams, type ModelGraph } from './modelGraph';

/**
 * PyTorch and Keras source for the exported network, written from the same layer description as
 * the TensorFlow.js model (`modelGraph`): the same layers under the same names, so the code
 * builds the network the playground trained, for training at full scale elsewhere. Each file
 * states the playground's parameter count and checks its own against it when run.
 */

/** A Python number literal (JavaScript's shortest round-trip form reads back the same in Python). */
const py = (n: number) => `${n}`;

/** The file's docstring: what the network is, then how to use the file. */
function header(graph: ModelGraph, what: string, usage: string[]): string[] {
  const params = graphParams(graph);
  return [
    `"""${what}`,
    '',
    `The network the NAS Playground retrained from scratch: ${graph.space === 'nb201' ? 'NAS-Bench-201 cell' : 'MBConv block chain'}`,
    `    ${graph.arch}`,
    `Inputs are images standardised as in the playground; ${graph.numClasses} classes; ${params.toLocaleString('en-US')} trainable parameters.`,
    ...(graph.deadParams > 0
      ? [`The playground counts ${(params + graph.deadParams).toLocaleString('en-US')}: ${graph.deadParams.toLocaleString('en-US')} belong to ops whose output never reaches the logits (every later edge`, 'from their node is none), which no exported format keeps.']
      : []),
    `BatchNorm: epsilon ${graph.bn.epsilon}, running statistics for evaluation. Padding is TensorFlow's 'same' (the odd pixel`,
    'goes bottom / right); average pools count only real pixels, never the padding.',
    '',
    ...usage,
    '"""',
  ];
}

function layerIndex(graph: ModelGraph): Map<string, GraphLayer> {
  return new Map(graph.layers.map((l) => [l.name, l]));
}

/** The count the file checks itself against: the playground's, less any dead ops' (the docstring says so). */
function paramsLine(graph: ModelGraph): string {
  return `PARAMS = ${graphParams(graph)}  # trainable parameters: the playground's count${graph.deadParams > 0 ? ` less ${graph.deadParams} of dead ops` : ''}`;
}

/** A PyTorch module with a `forward` in NCHW, a loader for the exported model.json + weights, and a command line that prints the parameter count and, given images, the logits. */
export function pytorchCode(graph: ModelGraph): string {
  const byName = layerIndex(graph);
  const cin = (l: GraphLayer) => byName.get(l.inputs[0])!.shape[2];
  const init: string[] = [];
  const fwd: string[] = [];
  const loads: string[] = [];
  for (const l of graph.layers) {
    const x = l.inputs[0];
    switch (l.op) {
      case 'input':
        break;
      case 'conv':
      case 'dwconv': {
        const [t, b, lf, r] = l.pad;
        const symmetric = t === b && lf === r;
        const c = cin(l);
        const out = l.op === 'conv' ? l.filters : c;
        const groups = l.op === 'dwconv' ? `, groups=${c}` : '';
        init.push(`        self.${l.name} = nn.Conv2d(${c}, ${out}, ${l.kernel}, stride=${l.stride}, padding=${symmetric ? `(${t}, ${lf})` : 0}${groups}, bias=False)`);
        fwd.push(`        ${l.name} = self.${l.name}(${symmetric ? x : `F.pad(${x}, (${lf}, ${r}, ${t}, ${b}))`})`);
        loads.push(`    (${JSON.stringify(l.name)}, ${JSON.stringify(l.op)}),`);
        break;
      }
      case 'bn':
        init.push(`        self.${l.name} = nn.BatchNorm2d(${l.shape[2]}, eps=BN_EPS, momentum=BN_MOMENTUM)`);
        fwd.push(`        ${l.name} = self.${l.name}(${x})`);
        loads.push(`    (${JSON.stringify(l.name)}, "bn"),`);
        break;
      case 'relu':
        fwd.push(`        ${l.name} = F.relu(${x})`);
        break;
      case 'avgpool':
        fwd.push(`        ${l.name} = avg_pool_same(${x}, ${l.size}, ${l.stride}, (${l.pad.join(', ')}))`);
        break;
      case 'add':
        fwd.push(`        ${l.name} = ${l.inputs.join(' + ')}`);
        break;
      case 'zeros':
        fwd.push(`        ${l.name} = torch.zeros_like(${x})  # every edge into this node is 'none'`);
        break;
      case 'gap':
        fwd.push(`        ${l.name} = ${x}.mean(dim=(2, 3))`);
        break;
      case 'dense':
        init.push(`        self.${l.name} = nn.Linear(${cin(l)}, ${l.units})`);
        fwd.push(`        ${l.name} = self.${l.name}(${x})`);
        loads.push(`    (${JSON.stringify(l.name)}, "dense"),`);
        break;
    }
  }
  const [h, w, c] = byName.get(graph.input)!.shape;
  return [
    ...header(graph, 'PyTorch code exported by the NAS Playground.', [
      'Usage:',
      '    python3 model.py                              # build it and print the parameter count',
      '    python3 model.py model.json --inputs x.json   # load the exported weights, print the logits of images [N, H, W, C]',
    ]),
    '',
    'import argparse',
    'import json',
    'import os',
    '',
    'import numpy as np',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    `BN_EPS = ${py(graph.bn.epsilon)}`,
    `BN_MOMENTUM = ${py(graph.bn.momentum)}  # PyTorch's convention: the new batch's weight (Keras writes 1 - this)`,
    paramsLine(graph),
    `INPUT_SHAPE = (${c}, ${h}, ${w})  # channels, height, width`,
    '',
    '',
    'def avg_pool_same(x, k, stride, pad):',
    '    """Average pool with TensorFlow\'s \'same\' padding (top, bottom, left, right), counting only real pixels."""',
    '    top, bottom, left, right = pad',
    '    if top == bottom and left == right:',
    '        return F.avg_pool2d(x, k, stride, padding=(top, left), count_include_pad=False)',
    '    padded = (left, right, top, bottom)',
    '    total = F.avg_pool2d(F.pad(x, padded), k, stride)',
    '    real = F.avg_pool2d(F.pad(torch.ones_like(x[:, :1]), padded), k, stride)',
    '    return total / real',
    '',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...init,
    '',
    `    def forward(self, ${graph.input}):`,
    `        """${graph.input}: [N, ${c}, ${h}, ${w}] (NCHW). Returns logits [N, ${graph.numClasses}]."""`,
    ...fwd,
    `        return ${graph.output}`,
    '',
    '',
    '# Layers with weights, by their name in model.json (TensorFlow.js keeps kernels HWIO, PyTorch OIHW).',
    'LAYERS = [',
    ...loads,
    ']',
    '',
    '',
    'def load_tfjs_weights(model, model_json):',
    `    """Copies the weights of the exported TensorFlow.js model (model.json + ${WEIGHTS_FILE} beside it) into \`model\`."""`,
    '    with open(model_json) as f:',
    '        spec = json.load(f)',
    '    values = {}',
    '    for group in spec["weightsManifest"]:',
    '        data = b"".join(open(os.path.join(os.path.dirname(os.path.abspath(model_json)), p), "rb").read() for p in group["paths"])',
    '        flat = np.frombuffer(data, dtype="<f4")',
    '        offset = 0',
    '        for w in group["weights"]:',
    '            if w["dtype"] != "float32":',
    '                raise ValueError("weight %s is %s, expected float32" % (w["name"], w["dtype"]))',
    '            n = int(np.prod(w["shape"]))',
    '            values[w["name"]] = flat[offset:offset + n].reshape(w["shape"])',
    '            offset += n',
    '',
    '    def take(name):',
    '        if name not in values:',
    '            raise KeyError("model.json has no weight %s" % name)',
    '        return torch.from_numpy(np.ascontiguousarray(values[name]))',
    '',
    '    with torch.no_grad():',
    '        for name, kind in LAYERS:',
    '            m = getattr(model, name)',
    '            if kind == "conv":',
    '                m.weight.copy_(take(name + "/kernel").permute(3, 2, 0, 1))  # HWIO -> OIHW',
    '            elif kind == "dwconv":',
    '                m.weight.copy_(take(name + "/depthwise_kernel").permute(2, 3, 0, 1))  # [k, k, C, 1] -> [C, 1, k, k]',
    '            elif kind == "bn":',
    '                m.weight.copy_(take(name + "/gamma"))',
    '                m.bias.copy_(take(name + "/beta"))',
    '                m.running_mean.copy_(take(name + "/moving_mean"))',
    '                m.running_var.copy_(take(name + "/moving_variance"))',
    '            elif kind == "dense":',
    '                m.weight.copy_(take(name + "/kernel").t())',
    '                m.bias.copy_(take(name + "/bias"))',
    '    return model',
    '',
    '',
    'def count_params(model):',
    '    return sum(p.numel() for p in model.parameters())',
    '',
    '',
    'if __name__ == "__main__":',
    '    parser = argparse.ArgumentParser(description="The NAS Playground\'s retrained network in PyTorch.")',
    '    parser.add_argument("model_json", nargs="?", help="the exported TensorFlow.js model.json (its weights file beside it)")',
    '    parser.add_argument("--inputs", help="JSON file of images [N, H, W, C] as the playground feeds them; prints their logits")',
    '    args = parser.parse_args()',
    '    model = Net()',
    '    params = count_params(model)',
    '    if params != PARAMS:',
    '        raise SystemExit("parameter count %d differs from the expected %d" % (params, PARAMS))',
    '    out = {"params": params}',
    '    if args.model_json:',
    '        load_tfjs_weights(model, args.model_json)',
    '    model.eval()',
    '    if args.inputs:',
    '        with open(args.inputs) as f:',
    '            x = torch.tensor(np.asarray(json.load(f), dtype=np.float32)).permute(0, 3, 1, 2)',
    '        with torch.no_grad():',
    '            out["logits"] = model(x).tolist()',
    '    print(json.dumps(out))',
    '',
  ].join('\n');
}

/** A Keras functional model with the TensorFlow.js model's layers, names and settings. */
export function kerasCode(graph: ModelGraph): string {
  const lines: string[] = [];
  const bn = `epsilon=${py(graph.bn.epsilon)}, momentum=${py(1 - graph.bn.momentum)}`;
  for (const l of graph.layers) {
    const x = l.inputs[0];
    const name = `name=${JSON.stringify(l.name)}`;
    const call = (layer: string) => lines.push(`    ${l.name} = layers.${layer}(${x})`);
    switch (l.op) {
      case 'input':
        lines.push(`    ${l.name} = keras.Input(shape=(${l.shape.join(', ')}), ${name})`);
        break;
      case 'conv':
        call(`Conv2D(${l.filters}, ${l.kernel}, strides=${l.stride}, padding="same", use_bias=False, ${name})`);
        break;
      case 'dwconv':
        call(`DepthwiseConv2D(${l.kernel}, strides=${l.stride}, padding="same", depth_multiplier=1, use_bias=False, ${name})`);
        break;
      case 'bn':
        call(`BatchNormalization(${bn}, ${name})`);
        break;
      case 'relu':
        call(`ReLU(${name})`);
        break;
      case 'avgpool':
        // TensorFlow's AvgPool with 'same' padding divides by the real pixels of each window, as the playground does.
        call(`AveragePooling2D(pool_size=${l.size}, strides=${l.stride}, padding="same", ${name})`);
        break;
      case 'add':
        lines.push(`    ${l.name} = layers.Add(${name})([${l.inputs.join(', ')}])`);
        break;
      case 'zeros':
        call(`Rescaling(0.0, ${name})`);
        break;
      case 'gap':
        call(`GlobalAveragePooling2D(${name})`);
        break;
      case 'dense':
        call(`Dense(${l.units}, ${name})`);
        break;
    }
  }
  return [
    ...header(graph, 'Keras code exported by the NAS Playground.', [
      'Usage: python3 model_keras.py   # build it and print the trainable parameter count',
      'The trained weights: convert the exported TensorFlow.js model with',
      '    tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras model.json model.h5',
    ]),
    '',
    'import numpy as np',
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
    paramsLine(graph),
    '',
    '',
    'def build_model():',
    ...lines,
    `    return keras.Model(${graph.input}, ${graph.output}, name=${JSON.stringify(`nas_playground_${graph.space}`)})`,
    '',
    '',
    'if __name__ == "__main__":',
    '    model = build_model()',
    '    params = sum(int(np.prod(w.shape)) for w in model.trainable_weights)',
    '    if params != PARAMS:',
    '        raise SystemExit("parameter count %d differs from the expected %d" % (params, PARAMS))',
    '    model.summary()',
    '    print(params)',
    '',
  ].join('\n');
}
