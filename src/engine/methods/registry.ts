import { quote } from '../core/quote';
import type { MethodPlugin } from './contract';
import { creamPlugin } from './cream/plugin';
import { dnaPlugin } from './dna/plugin';
import { evolutionPlugin } from './evolution/plugin';
import { naoPlugin } from './nao/plugin';
import { randomPlugin } from './random/plugin';

/**
 * The engine's one list of methods, in menu order: a method is added here and nowhere else in the
 * engine (contract.ts). The page, the worker and the CLI read it; `registerMethod` adds one at
 * run time (a test does, to prove a method needs nothing more).
 */
const PLUGINS: MethodPlugin[] = [randomPlugin, evolutionPlugin, naoPlugin, dnaPlugin, creamPlugin];

const ID = /^[a-z][a-z0-9-]{0,31}$/;

/** Every method, in menu order. The array is live: a registered method appears in it. */
export function methodPlugins(): readonly MethodPlugin[] {
  return PLUGINS;
}

export function findMethod(id: string): MethodPlugin | undefined {
  return PLUGINS.find((m) => m.id === id);
}

/** The plugin of `id`, or an error that names it and lists every method. */
export function requireMethod(id: string): MethodPlugin {
  const m = findMethod(id);
  if (!m) throw new Error(`unknown method ${quote(id)} (methods: ${PLUGINS.map((p) => p.id).join(', ')})`);
  return m;
}

/** Adds a method; its id must be new and of the form `ID`. */
export function registerMethod(plugin: MethodPlugin): void {
  if (!ID.test(plugin.id)) throw new Error(`method id ${quote(plugin.id)} must be lower-case letters, digits and '-', starting with a letter`);
  if (findMethod(plugin.id)) throw new Error(`method ${quote(plugin.id)} is registered already`);
  PLUGINS.push(plugin);
}
