import type { RunConfig } from '../core/config';
import { clip, quote } from '../core/quote';
import { z } from '../core/schema';
import { partialSettingsSchema } from '../core/settings';
import { findMethod, methodPlugins } from './registry';

/** Keys that reach an object's prototype when assigned (`obj[key] = …`): refused at any depth. */
export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Paths (a.b[2].c) of every prototype key in `value`, looked for at any depth without recursion. */
export function prototypeKeyPaths(value: unknown): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${at}[${i}]`]));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        const p = at ? `${at}.${k}` : k;
        if (PROTOTYPE_KEYS.includes(k)) found.push(p);
        else stack.push([x, p]);
      }
    }
  }
  return found;
}

/**
 * Whether `value` nests objects or arrays deeper than `limit` levels, looked for without recursion:
 * nothing the app writes is deeper than a few levels, and the checks that read settings (merging,
 * quoting) recurse, so a 100,000-deep list would overflow the stack instead of being refused.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, depth + 1]);
  }
  return false;
}

/** How deep method settings may nest (DNA's and Cream's go three levels). */
export const SETTINGS_DEPTH = 16;

/**
 * Why `config.methodSettings` cannot run, empty when it can; loads no TensorFlow.js, so the CLI
 * asks it before any data loads. Each method's section goes through the check that method's run
 * applies (its plugin's `checkSettings`); this adds what no single method can see: keys that are not methods, and prototype keys.
 */
export function checkMethodSettings(config: RunConfig): string[] {
  const ms: unknown = config.methodSettings;
  if (typeof ms !== 'object' || ms === null || Array.isArray(ms)) {
    return [`method settings must be an object keyed by method, such as {"evolution":{"populationSize":20}}, not ${ms === null ? 'null' : Array.isArray(ms) ? 'a list' : typeof ms}`];
  }
  if (nestedDeeperThan(ms, SETTINGS_DEPTH)) return [`method settings nest deeper than ${SETTINGS_DEPTH} levels; no method's settings do`];
  const proto = prototypeKeyPaths(ms);
  if (proto.length > 0) return proto.map((p) => `the key ${quote(p)} is not allowed (${PROTOTYPE_KEYS.join(', ')} reach an object's prototype)`);
  const errs: string[] = [];
  for (const [key, section] of Object.entries(ms)) {
    const plugin = findMethod(key);
    if (!plugin) {
      errs.push(`unknown method ${quote(key)} (methods: ${methodPlugins().map((m) => m.id).join(', ')})`);
    } else if (typeof section !== 'object' || section === null || Array.isArray(section)) {
      errs.push(`${quote(key)} must be an object of ${key}'s settings, not ${clip(JSON.stringify(section))}`);
    } else {
      errs.push(...plugin.checkSettings(config));
    }
  }
  return errs;
}

/**
 * The JSON Schema of `config.methodSettings` (npm run schemas → public/schemas/), for editors and
 * other tools: one optional section per registered method, from its plugin's `settingsSchema`, as
 * a user writes it (fields optional; defaults shown where they do not depend on the dataset). The
 * rules across fields and the dataset's defaults are the app's check, not this schema's.
 */
export function methodSettingsJsonSchema(): unknown {
  const sections = Object.fromEntries(
    methodPlugins()
      .filter((m) => m.settingsSchema)
      .map((m) => [m.id, partialSettingsSchema(m.settingsSchema!).optional().describe(`${m.title}: config.methodSettings.${m.id}`)]),
  );
  const schema = z.strictObject(sections).describe("each method's own settings, keyed by its id");
  return z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'any' });
}
