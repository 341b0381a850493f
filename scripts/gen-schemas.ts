/**
 * npm run schemas: writes the JSON Schemas generated from the app's schema definitions, for
 * editors and other tools. test/lessons.test.ts fails when a shipped copy is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lessonJsonSchema } from '../src/app/lessons/schema';
import { architectureJsonSchema } from '../src/engine/export/architectureFile';
import { methodSettingsJsonSchema } from '../src/engine/methods/settingsCheck';

export const GENERATED_SCHEMAS: { file: string; schema: () => unknown }[] = [
  { file: 'public/lessons/lesson.schema.json', schema: lessonJsonSchema },
  { file: 'src/engine/export/architecture.schema.json', schema: architectureJsonSchema },
  { file: 'public/schemas/method-settings.schema.json', schema: methodSettingsJsonSchema },
];

export const schemaText = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const { file, schema } of GENERATED_SCHEMAS) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, schemaText(schema()));
    console.log(`wrote ${file}`);
  }
}
