/** `npm run asl`: writes the state machines' ASL files (statemachines/*.asl.json) from statemachines/case-workflow.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { render } from './builder';
import { caseBatch, caseWorkflow } from './case-workflow';

const RENDERED = [
  { file: 'case-workflow.asl.json', definition: caseWorkflow() },
  { file: 'case-batch.asl.json', definition: caseBatch() },
];

for (const { file, definition } of RENDERED) {
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  const rendered = render(definition);
  let unchanged = false;
  try {
    unchanged = readFileSync(path, 'utf8') === rendered;
  } catch {
    // A file not yet rendered.
  }
  if (!unchanged) writeFileSync(path, rendered);
  console.log(`statemachines/${file} ${unchanged ? 'is up to date' : 'rendered anew'}.`);
}
