/** `npm run asl`: writes statemachines/case-workflow.asl.json from statemachines/case-workflow.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { render } from './builder';
import { caseWorkflow } from './case-workflow';

const CASE_WORKFLOW_FILE = fileURLToPath(new URL('./case-workflow.asl.json', import.meta.url));

const rendered = render(caseWorkflow());
const unchanged = readFileSync(CASE_WORKFLOW_FILE, 'utf8') === rendered;
if (!unchanged) writeFileSync(CASE_WORKFLOW_FILE, rendered);
console.log(`statemachines/case-workflow.asl.json ${unchanged ? 'is up to date' : 'rendered anew'}.`);
