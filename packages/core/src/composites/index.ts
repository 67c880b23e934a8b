import '../rules/builtin-rules.js';
import './builtin-composites.js';

export { resolveRules, ruleMap, uniformComposite, withEntries, type Composite, type LayerMatcher } from './composite.js';
export * from './presets.js';
export { transformerComposite, type TransformerCompositeOptions } from './transformer.js';
export { registerComposite, compositeByName, compositeNames, compositeCatalog, type CompositeDefinition } from './registry.js';
