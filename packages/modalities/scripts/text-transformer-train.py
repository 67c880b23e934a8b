#!/usr/bin/python3
"""Trains the transformer text demo: a small BERT-style sentiment classifier, exported as model.onnx
with its WordPiece tokenizer.json.

Run by hand, never by CI (CI only reads the committed packages/modalities/demo/text/transformer/
files). Uses Debian's packages only (python3-torch 1.13, python3-onnx), from the repository root:

    npx tsx packages/modalities/scripts/text-transformer-corpus.ts     # corpus splits -> /tmp/xai-text-transformer/corpus.json
    /usr/bin/python3 packages/modalities/scripts/text-transformer-train.py
    npx tsx packages/modalities/scripts/text-transformer-check.ts      # xai vs torch, ground truth -> training.json

Writes demo/text/transformer/{model.onnx, tokenizer.json, training.json, heldout.json}; heldout.json
is the held-out split of the corpus the model was trained with (the check and its test read it).

Tokenizer: BERT's (lower-casing, accents stripped, split on whitespace and punctuation) with a
WordPiece vocabulary learnt here from the training split the way Hugging Face's WordPiece trainer
does (BPE-style merges of the most frequent adjacent pair, continuation pieces prefixed '##'),
stopped at VOCAB_SIZE so rarer words are spelt in subwords. tokenizer.json is written by hand in
the Hugging Face format (no hub, no `tokenizers` package): BertNormalizer, BertPreTokenizer,
WordPiece, TemplateProcessing [CLS] $A [SEP], truncation to 64, fixed padding to 64 with [PAD].
The script's own WordPiece encoder (greedy longest match) gives the training ids; the ids of the
first held-out sentences are recorded so the check can compare them with the xai tokenizer's.

Model (post-LayerNorm BERT, no biases anywhere so that LRP's conservation is exact: Linear without
bias, LayerNorm's beta held at zero): token embedding + learned position embedding [64, d] ->
LayerNorm -> 2 x (multi-head self-attention with BERT's additive mask (1 - mask) * -10000 ->
residual -> LayerNorm -> feed-forward with exact (erf) GELU -> residual -> LayerNorm) -> linear
classifier on the [CLS] token. Exported with torch.onnx.export, opset 17 (LayerNormalization),
inputs input_ids and attention_mask, int64 [batch, 64] (batch dynamic), output logits [batch, 2].
"""
import argparse
import collections
import datetime
import json
import math
import os
import random
import time
import unicodedata

import onnx
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'demo', 'text', 'transformer')
SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]']
VOCAB_SIZE = 2000  # 300 spelt most sentiment words in pieces too rare to learn from: 0.77 held-out on the negation corpus
MAX_LENGTH = 64
DIM, HEADS, FF, LAYERS = 48, 4, 96, 2
EPOCHS, BATCH, LR = 12, 64, 2e-3
SEED = 42
RECORDED_IDS = 20


# --- BERT normaliser and pre-tokeniser (as tokenizers' BertNormalizer / BertPreTokenizer) ---------
def is_punctuation(c):
    o = ord(c)
    return 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126 or unicodedata.category(c).startswith('P')


def normalize(text):
    out = []
    for c in text:
        if c in '\t\n\r' or unicodedata.category(c) == 'Zs':
            out.append(' ')
        elif c == '\0' or c == '\ufffd' or unicodedata.category(c) in ('Cc', 'Cf'):
            continue
        else:
            out.append(c)
    text = ''.join(out).lower()
    return ''.join(c for c in unicodedata.normalize('NFD', text) if unicodedata.category(c) != 'Mn')


def pre_tokenize(text):
    words = []
    for chunk in text.split():
        cur = ''
        for c in chunk:
            if is_punctuation(c):
                if cur:
                    words.append(cur)
                words.append(c)
                cur = ''
            else:
                cur += c
        if cur:
            words.append(cur)
    return words


# --- WordPiece: training by merges, encoding by greedy longest match -------------------------------
def train_wordpiece(texts, size):
    counts = collections.Counter(w for t in texts for w in pre_tokenize(normalize(t)))
    splits = {w: [w[0]] + ['##' + c for c in w[1:]] for w in counts}
    vocab = list(SPECIALS)
    for pieces in splits.values():
        for p in pieces:
            if p not in vocab:
                vocab.append(p)
    vocab = vocab[:len(SPECIALS)] + sorted(vocab[len(SPECIALS):])
    while len(vocab) < size:
        pairs = collections.Counter()
        for w, pieces in splits.items():
            for a, b in zip(pieces, pieces[1:]):
                pairs[(a, b)] += counts[w]
        if not pairs:
            break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merged = a + b[2:]
        vocab.append(merged)
        for w, pieces in splits.items():
            i, out = 0, []
            while i < len(pieces):
                if i + 1 < len(pieces) and pieces[i] == a and pieces[i + 1] == b:
                    out.append(merged)
                    i += 2
                else:
                    out.append(pieces[i])
                    i += 1
            splits[w] = out
    return {t: i for i, t in enumerate(vocab)}


def wordpiece(word, vocab):
    if len(word) > 100:
        return ['[UNK]']
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            sub = word[start:end] if start == 0 else '##' + word[start:end]
            if sub in vocab:
                found = sub
                break
            end -= 1
        if found is None:
            return ['[UNK]']
        pieces.append(found)
        start = end
    return pieces


def encode(text, vocab):
    tokens = [p for w in pre_tokenize(normalize(text)) for p in wordpiece(w, vocab)]
    tokens = ['[CLS]'] + tokens[:MAX_LENGTH - 2] + ['[SEP]']
    ids = [vocab[t] for t in tokens]
    return ids + [0] * (MAX_LENGTH - len(ids)), [1] * len(ids) + [0] * (MAX_LENGTH - len(ids)), tokens


def tokenizer_json(vocab):
    special = lambda t: {'id': vocab[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
    return {
        'version': '1.0',
        'truncation': {'direction': 'Right', 'max_length': MAX_LENGTH, 'strategy': 'LongestFirst', 'stride': 0},
        'padding': {'strategy': {'Fixed': MAX_LENGTH}, 'direction': 'Right', 'pad_to_multiple_of': None, 'pad_id': 0, 'pad_type_id': 0, 'pad_token': '[PAD]'},
        'added_tokens': [special(t) for t in SPECIALS],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}},
                     {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [vocab[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': vocab},
    }


# --- the model ------------------------------------------------------------------------------------
def layer_norm(d):
    ln = nn.LayerNorm(d, eps=1e-5)
    ln.bias.requires_grad_(False)  # beta stays 0: no bias anywhere
    return ln


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(DIM, DIM, bias=False) for _ in range(4))
        self.ln1, self.ln2 = layer_norm(DIM), layer_norm(DIM)
        self.ff1, self.ff2 = nn.Linear(DIM, FF, bias=False), nn.Linear(FF, DIM, bias=False)
        self.drop = nn.Dropout(0.1)

    def heads(self, x):
        return x.view(x.shape[0], MAX_LENGTH, HEADS, DIM // HEADS).transpose(1, 2)

    def forward(self, x, mask_bias):
        q, k, v = self.heads(self.q(x)), self.heads(self.k(x)), self.heads(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(DIM // HEADS) + mask_bias
        context = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(x.shape[0], MAX_LENGTH, DIM)
        h = self.ln1(x + self.drop(self.o(context)))
        f = self.ff2(nn.functional.gelu(self.ff1(h)))
        return self.ln2(h + self.drop(f))


class Encoder(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, DIM)
        self.pos = nn.Parameter(torch.randn(MAX_LENGTH, DIM) * 0.1)
        self.ln = layer_norm(DIM)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.cls = nn.Linear(DIM, 2, bias=False)

    def forward(self, input_ids, attention_mask):
        x = self.ln(self.tok(input_ids) + self.pos)
        mask_bias = (1.0 - attention_mask.unsqueeze(1).unsqueeze(2).float()) * -10000.0
        for block in self.blocks:
            x = block(x, mask_bias)
        return self.cls(x[:, 0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--corpus', default='/tmp/xai-text-transformer/corpus.json')
    parser.add_argument('--epochs', type=int, default=EPOCHS)
    parser.add_argument('--vocab', type=int, default=VOCAB_SIZE, help='WordPiece vocabulary size')
    parser.add_argument('--out', default=OUT, help='folder for the files (default: the demo folder); write elsewhere, then move them in')
    args = parser.parse_args()
    out = args.out
    random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    corpus = json.load(open(args.corpus))
    train, heldout = corpus['train'], corpus['heldout']
    vocab = train_wordpiece([s['text'] for s in train], args.vocab)

    def tensors(sentences):
        enc = [encode(s['text'], vocab) for s in sentences]
        return (torch.tensor([e[0] for e in enc]), torch.tensor([e[1] for e in enc]), torch.tensor([s['label'] for s in sentences]), enc)

    xi, xm, y, _ = tensors(train)
    hi, hm, hy, henc = tensors(heldout)
    unknown = sum(t == '[UNK]' for e in henc for t in e[2])
    model = Encoder(len(vocab))
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=LR, weight_decay=0.01)
    epochs = args.epochs
    steps = epochs * math.ceil(len(train) / BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=LR, total_steps=steps, pct_start=0.1)
    t0 = time.time()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(train))
        total = 0.0
        for b in range(0, len(train), BATCH):
            idx = order[b:b + BATCH]
            loss = nn.functional.cross_entropy(model(xi[idx], xm[idx]), y[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            acc = (model(hi, hm).argmax(1) == hy).float().mean().item()
        print(f'epoch {epoch + 1}: loss {total / len(train):.4f}, held-out accuracy {acc:.4f}', flush=True)
    train_seconds = time.time() - t0
    model.eval()
    with torch.no_grad():
        train_acc = (torch.cat([model(xi[b:b + 500], xm[b:b + 500]) for b in range(0, len(train), 500)]).argmax(1) == y).float().mean().item()
        logits = model(hi, hm)
        heldout_acc = (logits.argmax(1) == hy).float().mean().item()

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'tokenizer.json'), 'w') as f:
        json.dump(tokenizer_json(vocab), f, ensure_ascii=False, indent=1)
    path = os.path.join(out, 'model.onnx')
    torch.onnx.export(model, (hi[:1], hm[:1]), path, opset_version=17, input_names=['input_ids', 'attention_mask'], output_names=['logits'],
                      dynamic_axes={'input_ids': {0: 'batch'}, 'attention_mask': {0: 'batch'}, 'logits': {0: 'batch'}}, do_constant_folding=True)
    m = onnx.load(path)
    for key, value in (('xai.classes', 'negative,positive'), ('xai.tokenizer', 'tokenizer.json'), ('xai.maxLength', str(MAX_LENGTH))):
        m.metadata_props.add(key=key, value=value)
    onnx.save(m, path)
    ops = collections.Counter(n.op_type for n in m.graph.node)
    params = sum(p.numel() for p in model.parameters())
    training = {
        'architecture': f'BERT-style post-LayerNorm encoder: token + position embedding [{MAX_LENGTH}, {DIM}] -> LayerNorm -> {LAYERS} x (self-attention, {HEADS} heads; GELU feed-forward {FF}) -> linear on [CLS]; no biases',
        'classes': ['negative', 'positive'],
        'tokenizer': {'file': 'tokenizer.json', 'type': 'WordPiece (BERT normaliser: lower case, accents stripped)', 'vocabularySize': len(vocab), 'maxLength': MAX_LENGTH,
                      'heldoutUnknownTokens': unknown},
        'corpus': {'source': 'scripts/text-make-corpus.ts (train seed 11, held-out seed 12; with the negation templates)', 'train': len(train), 'heldout': len(heldout)},
        'dim': DIM, 'heads': HEADS, 'feedForward': FF, 'layers': LAYERS, 'params': params,
        'epochs': epochs, 'batchSize': BATCH, 'optimizer': f'AdamW({LR}, weight decay 0.01), one-cycle schedule', 'seed': SEED,
        'trainAccuracy': round(train_acc, 4), 'heldoutAccuracy': round(heldout_acc, 4), 'trainSeconds': round(train_seconds, 1),
        'onnx': {'opset': 17, 'inputs': ['input_ids int64 [batch, 64]', 'attention_mask int64 [batch, 64]'], 'operators': dict(sorted(ops.items())), 'torch': torch.__version__},
        'reference': {
            'note': f'the first {RECORDED_IDS} held-out sentences: ids of this script\'s WordPiece encoder and torch logits (eval mode)',
            'ids': [e[0][:sum(e[1])] for e in henc[:RECORDED_IDS]],
            'logits': [[round(v, 6) for v in row] for row in logits[:RECORDED_IDS].tolist()],
        },
        'date': datetime.datetime.utcnow().isoformat(timespec='seconds') + 'Z',
    }
    # The held-out split the numbers are measured on (the shared corpus files may be regenerated later).
    with open(os.path.join(out, 'heldout.json'), 'w') as f:
        f.write('{"classes":["negative","positive"],"sentences":[\n' + ',\n'.join(json.dumps(s, ensure_ascii=False, separators=(',', ':')) for s in heldout) + '\n]}\n')
    with open(os.path.join(out, 'training.json'), 'w') as f:
        json.dump(training, f, indent=2)
    print(f'{path}: {os.path.getsize(path)} bytes, {params} parameters, held-out accuracy {heldout_acc:.4f}, ops {dict(ops)}')


if __name__ == '__main__':
    main()
