// @xai/analysis: what one learns from many explanations (SpRAy, ClArC, NEON, relevance pruning).
export {};
