/** The seeds and sizes of the generated training and held-out data (scripts/vqa-train.ts, tests, benchmark). */
export const VQA_SPLITS = {
  train: { seed: 20240501, scenes: 6000, questionsPerScene: 4 },
  heldout: { seed: 20240502, scenes: 400, questionsPerScene: 4 },
} as const;
