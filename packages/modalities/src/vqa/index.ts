/** CLEVR-style visual question answering: generated scenes, question programs, ground-truth masks, the vqa adapter. */
export { vqaAdapter } from './vqa-adapter.js';
export { VQA_DEMO_DIR, VQA_DEMO_MODEL, VQA_DEMO_FILES, vqaDemoModels, vqaDemoInputs } from './demo.js';
export { SHAPES, COLOURS, SIZES, IMAGE_SIZE, HALF_EXTENT, RGB, BACKGROUND_RGB, VALUES, attributeOf, type Shape, type Colour, type Size, type Attribute, type Scene, type SceneObject } from './scene.js';
export { randomScene, generateScenes, separated, type SceneOptions } from './generate-scene.js';
export { renderScene, unionMask, toRgba, covers, type RenderedScene } from './rasterise.js';
export { executeProgram, inputsOf, ProgramError, type Program, type ProgramStep, type FilterStep, type StepValue, type Execution } from './program.js';
export { groundTruthObjects, type GroundTruthObjects } from './ground-truth.js';
export { generateQuestion, nounPhrase, programs as questionPrograms, texts as questionTexts, QUESTION_FAMILIES, type Question, type QuestionFamily, type Description } from './questions.js';
export { QUESTION_LENGTH, QUESTION_WORDS, questionVocabulary, encodeQuestion } from './vocabulary.js';
export { ANSWERS, MAX_COUNT, answerIndex } from './answers.js';
export { generateDataset, exampleArrays, exampleMasks, type VqaDataset, type VqaExample, type DatasetOptions } from './dataset.js';
export { VQA_SPLITS } from './splits.js';
export { readQuestionFile, type QuestionInput } from './question-file.js';
export { InvalidVqaInputError } from './vqa-errors.js';
