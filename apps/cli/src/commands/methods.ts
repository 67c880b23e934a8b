import type { Command } from 'commander';
import { METHOD_FAMILIES, methodCatalog, type OptionSchema } from '@xai/core';

function describeSchema(s: OptionSchema): string {
  if ('anyOf' in s) return s.anyOf.map(describeSchema).join(' | ');
  if (s.type === 'string') return s.enum ? s.enum.join('|') : 'string';
  if (s.type === 'array') return `[${describeSchema(s.items)}, …]`;
  if (s.type === 'number' || s.type === 'integer') {
    const range = [s.minimum !== undefined ? `≥${s.minimum}` : '', s.exclusiveMinimum !== undefined ? `>${s.exclusiveMinimum}` : '', s.maximum !== undefined ? `≤${s.maximum}` : ''].filter(Boolean);
    return `${s.type}${range.length ? ` ${range.join(' ')}` : ''}`;
  }
  return s.type;
}

export function methodsCommand(program: Command): void {
  program
    .command('methods')
    .description('list the attribution methods with their family and options')
    .option('--json', 'print the catalog (names, families, JSON option schemas) as JSON')
    .action((opts: { json?: boolean }) => {
      const catalog = methodCatalog();
      if (opts.json) {
        console.log(JSON.stringify({ families: METHOD_FAMILIES, methods: catalog }, null, 2));
        return;
      }
      for (const m of catalog) {
        console.log(`${m.name}  (${m.family}${m.wrappable ? ', wrappable by smoothgrad' : ''})`);
        console.log(`    ${m.description}`);
        for (const [key, schema] of Object.entries(m.options.properties)) {
          const def = schema.default !== undefined ? ` = ${JSON.stringify(schema.default)}` : '';
          console.log(`    -o ${key}=<${describeSchema(schema)}>${def}${schema.description ? `  ${schema.description}` : ''}`);
        }
      }
    });
}
