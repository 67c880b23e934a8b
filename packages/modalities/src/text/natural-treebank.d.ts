/** Types of the one module of `natural` this package imports (the package root is never loaded). */
declare module 'natural/lib/natural/tokenizers/treebank_word_tokenizer.js' {
  /** Penn-Treebank style word tokenizer: splits contractions and punctuation, keeps inner periods. */
  class TreebankWordTokenizer {
    tokenize(text: string): string[];
  }
  export default TreebankWordTokenizer;
}
